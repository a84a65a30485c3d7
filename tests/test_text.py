"""Invisible characters do not survive into stored text (issue 12, defect 7; docs/protocol.md §3).

Each class of character has its case; scripts that need an invisible character keep it:
Persian's ZWNJ always, ZWJ between two visible characters (emoji sequences, Indic conjuncts).
"""
from __future__ import annotations

import pytest

from server.domain.registry import clean_text

from .board import Board

ZWNJ, ZWJ = "\u200c", "\u200d"
PERSIAN = "می\u200cخواهم با پلیس گفت\u200cوگو کنم"  # "I want to talk with the police", two ZWNJs
FAMILY = "\U0001F468\u200d\U0001F469\u200d\U0001F467"  # man ZWJ woman ZWJ girl
HINDI = "क्\u200dष"  # a half form: KA, virama, ZWJ, SSA
ENGLAND = "\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F"  # a subdivision flag


@pytest.mark.parametrize("raw, clean", [
    ("stops\u200bwithout\u200b reason", "stopswithout reason"),           # zero-width space
    ("word\u2060joiner", "wordjoiner"),                                       # word joiner
    ("\ufeffbyte order mark", "byte order mark"),                             # BOM / ZWNBSP
    ("mongolian\u180evowel", "mongolianvowel"),                               # Mongolian vowel separator
    ("f\u2061(x)\u2062y\u2063z\u2064", "f(x)yz"),                             # invisible math operators
    ("hidden\U000E0041\U000E0042 tags\U000E007F", "hidden tags"),             # Unicode tag characters
    ("line\u2028separator", "line\nseparator"),                               # U+2028
    ("one paragraph\u2029another", "one paragraph\nanother"),                 # U+2029
    ("\u2028\u2029padded\u2029", "padded"),
    (ZWJ + "lead and trail" + ZWJ, "lead and trail"),                         # ZWJ with nothing to join
    ("a " + ZWJ + "b", "a b"),                                                # ZWJ next to a space
    ("\U0001F468" + ZWJ * 3 + "\U0001F469", "\U0001F468" + ZWJ + "\U0001F469"),  # doubled ZWJ
    ("\ufe0f orphan selector", "orphan selector"),                            # a variation selector on nothing
    ("text \ufe0e\ufe0fafter space", "text after space"),
    ("\u3164", ""), ("\u115f\u1160name", "name"), ("half\uffa0width", "halfwidth"),  # Hangul fillers: blank names
    ("soft\u00adhyphen", "softhyphen"), ("grapheme\u034fjoiner", "graphemejoiner"),
    ("arabic\u061cmark", "arabicmark"), ("khmer\u17b4\u17b5vowels", "khmervowels"),
])
def test_invisible_characters_are_removed(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.parametrize("text", [
    PERSIAN, FAMILY, HINDI, ENGLAND,
    "\u2764\ufe0f heart with its emoji selector",
    "Tabs\tand\nnewlines stay",
    "नमस्ते पुलिस", "Hola, policía", "\u0627\u0644\u0634\u0631\u0637\u0629", "경찰과 주민의 신뢰",
])
def test_text_that_needs_them_is_unchanged(text):
    assert clean_text(text) == text


def test_a_post_is_stored_clean_and_persian_keeps_its_zwnj(day):
    b = Board(day)
    p = b.person(0)
    b.phase("brainstorm")
    stored = p.ok("barrier_post", text="\u200bNo\u2060 one\U000E0041 explains\u2028stops " + FAMILY + ZWJ)["barrier"]
    assert stored["text"] == "No one explains\nstops " + FAMILY
    assert p.ok("barrier_post", text=PERSIAN)["barrier"]["text"] == PERSIAN
    # Nothing left once the invisible characters go: empty, refused.
    err = b.refuse(p, "barrier_post", "invalid", text="\u200b\u2060\ufeff" + ZWJ + "\U000E0020")
    assert "empty" in err["message"]
