"""Second-look flags: does a post's text look like it names or identifies a person?

`flags(text)` returns a sorted subset of ("address", "badge", "email", "phone").
It is pure (text in, list out) and is applied at view time to posts shown to
facilitators and organisers only (never to participants or the projector), so
no flag is stored. A flag asks a person for a second look before the reveal;
it never hides or changes anything by itself, so a false alarm costs a glance
and a miss costs what it cost before. The detector leans towards flagging.

Digits in any script (Persian ۰-۹, Arabic-Indic ٠-٩, full-width) are read as
ASCII digits first.

- phone: Google's libphonenumber (`phonenumbers`, its "lite" build without
  geocoding data) finds numbers as they are written in the US, Mexico, Spain
  and Iran, with "possible" leniency (a number that looks dialable, valid or
  not: 555 numbers and made-up ones still identify someone's line). The
  library is strict about structure but, at that leniency and for Iranian
  numbering, accepts any 4-digit group, so a match also needs 7 digits and
  must not be a list of years ("1998-2004", "۱۴۰۰").
- badge: no library knows badge or ID numbers; a keyword in English,
  Spanish or Persian ("badge", "ID", "placa", "número", "شماره", "نشان" ...)
  followed by 3+ digits, or "#" followed by 3+ digits.
- email: the usual local@domain.tld shape (Unicode letters allowed).
- address: a house number with a street word ("12 Oak Street", "Calle Mayor
  12", "خیابان آزادی پلاک ۱۲") or a Persian plate number ("پلاک ۱۲").
  Libraries that parse addresses (libpostal) need a large native model and
  still do not say whether a sentence contains one; these few patterns cover
  how people write an address in a sentence in the three languages.
"""
from __future__ import annotations

import re
import unicodedata

import phonenumbers

FLAGS = ("address", "badge", "email", "phone")
PHONE_REGIONS = ("US", "MX", "ES", "IR")
MIN_PHONE_DIGITS = 7


def ascii_digits(text: str) -> str:
    """Every decimal digit, in any script, as 0-9 (other characters unchanged)."""
    return "".join(str(unicodedata.digit(ch)) if not ch.isascii() and unicodedata.digit(ch, None) is not None
                   else ch for ch in text)


_YEAR = re.compile(r"(?:19|20)\d\d|1[34]\d\d")  # Gregorian years and Persian solar years


def _looks_like_years(raw: str) -> bool:
    groups = re.findall(r"\d+", raw)
    return bool(groups) and all(_YEAR.fullmatch(g) for g in groups)


def _phone(text: str) -> bool:
    for region in PHONE_REGIONS:
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE):
            raw = match.raw_string
            if sum(ch.isdigit() for ch in raw) >= MIN_PHONE_DIGITS and not _looks_like_years(raw):
                return True
    return False


_BADGE = re.compile(
    r"(?:\b(?:badge|id|i\.d\.|identification|employee|serial|placa|identificaci[oó]n|credencial|"
    r"n[uú]mero|num\.?|n[uú]m\.?|no\.|n[ºo°])|شماره|نشان|کد|کارت)"
    r"\s*(?:number|no\.?|num\.?|#|:|de\s+placa|n[ºo°]\.?)?\s*[#:]?\s*\d{3,}",
    re.IGNORECASE)
_HASH_NUMBER = re.compile(r"(?<![\w&])#\s?\d{3,}\b")

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# A house number, up to three name words (capitalised, ordinals, or one
# lower-case word), then a street word.
_STREET_EN = r"(?i:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|way|court|ct|place|pl|terrace|parkway|pkwy)"
_ADDRESS_EN = re.compile(
    r"\b\d{1,6}[a-zA-Z]?\s+(?:(?:[A-Z][\w'-]*|\d+(?:st|nd|rd|th)|[NSEW]\.?)\s+){0,3}" + _STREET_EN + r"\b\.?"
    r"|\b\d{1,6}[a-zA-Z]?\s+[a-z][\w'-]*\s+" + _STREET_EN + r"\b\.?")
# Calle Mayor 12, Av. Juárez 123, c/ Luna 5, Avenida de la Paz nº 7
_ADDRESS_ES = re.compile(
    r"(?i:\b(?:calle|avenida|avda\.?|av\.|paseo|camino|carrera|calzada|plaza)|\bc/)\s*"
    r"(?:(?:[A-ZÁÉÍÓÚÑ][\w'-]*|de|del|la|las|los|el|y)\s+){1,5}(?:n[º°o]\.?\s*|#\s*)?\d{1,5}\b")
# خیابان آزادی پلاک ۱۲ / کوچه ... شماره ۴ / پلاک ۱۲
_ADDRESS_FA = re.compile(r"(?:خیابان|کوچه|بلوار|میدان|بن\u200cبست|خ\.)\s*\S+[^\d\n]{0,40}?(?:پلاک|شماره|واحد|،)\s*\d{1,5}"
                         r"|پلاک\s*\d{1,5}")


def flags(text: str | None) -> list[str]:
    """The second-look flags for one post's text, sorted; [] when nothing looks identifying."""
    if not text:
        return []
    t = ascii_digits(text)
    out = set()
    if _EMAIL.search(t):
        out.add("email")
    if _BADGE.search(t) or _HASH_NUMBER.search(t):
        out.add("badge")
    if _ADDRESS_EN.search(t) or _ADDRESS_ES.search(t) or _ADDRESS_FA.search(t):
        out.add("address")
    if any(ch.isdigit() for ch in t) and _phone(_EMAIL.sub(" ", t)):
        out.add("phone")
    return sorted(out)
