"""The message catalogues (web/i18n/<lang>.json, docs/i18n.md).

- every language has exactly English's keys (plus plural forms its grammar needs),
  no empty strings, and keeps every {placeholder} of the English string;
- every key the pages use exists in en.json: t("…") / hasKey("…") and any other
  quoted key literal in web/js, data-i18n*="…" in web/*.html, and the families
  built from a template (t(`phase.${p}`)) expanded over the values they take;
- the language list in web/js/i18n.js names exactly the catalogue files;
- the exports' labels (server/reports/i18n.py) are in the catalogues: `report.<name>`, or the
  page's key it shares, for every label the report code asks for.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from server.domain import rules
from server.reports import i18n as report_i18n

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "web"
I18N = WEB / "i18n"
PLACEHOLDER = re.compile(r"\{(\w+)\}")
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")


def _load(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name} is not a flat JSON object"
    return data


EN = _load(I18N / "en.json")
CATALOGUES = {p.stem: p for p in sorted(I18N.glob("*.json"))}
PREFIXES = sorted({k.split(".", 1)[0] for k in EN})


def _js_sources() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((WEB / "js").glob("*.js"))}


def _html_sources() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(WEB.glob("*.html"))}


def _exists(key: str, catalogue: dict = EN) -> bool:
    """A key is there itself or as plural forms (t(key, {count}) picks key.one / key.other)."""
    return key in catalogue or f"{key}.other" in catalogue


def _server_error_codes() -> set[str]:
    """Error codes a phone can be answered with: the domain, the socket handlers, HTTP, the
    rate limiter (not the command line's own, e.g. archive import)."""
    server = ROOT / "server"
    paths = [*(server / "domain").rglob("*.py"), *(server / "events").rglob("*.py"),
             server / "http.py", server / "ratelimit.py"]
    codes = set()
    for path in paths:
        if path.exists():
            codes |= set(re.findall(r"CommandError\(\s*\"([a-z_]+)\"", path.read_text(encoding="utf-8")))
    return codes


def _connection_statuses() -> set[str]:
    """The statuses the connection tells the pages (STATUSES in web/js/connection-machine.js)."""
    source = (WEB / "js" / "connection-machine.js").read_text(encoding="utf-8")
    block = re.search(r"export const STATUSES = Object\.freeze\(\{(.*?)\}\);", source, re.S).group(1)
    statuses = set(re.findall(r"[A-Z_]+: \"([a-z_]+)\"", block))
    assert statuses, "no statuses found in web/js/connection-machine.js"
    return statuses


# Keys built from a template, `*` standing for the ${…}: the values each can take.
# None = the code checks hasKey() first and falls back, so no value is required.
FAMILIES: dict[str, set[str] | None] = {
    "phase.*": set(rules.ROOM_PHASES),
    "console.phase.*": set(rules.ROOM_PHASES),
    "phone.intro.*.title": set(rules.ROOM_PHASES),
    "phone.intro.*.body": set(rules.ROOM_PHASES),
    "workshop_phase.*": set(rules.WORKSHOP_PHASES),
    "console.wphase.*": set(rules.WORKSHOP_PHASES),
    "console.wphase.confirmBody.*": set(rules.WORKSHOP_PHASES[1:]),
    "group.*": set(rules.GROUPS),
    "console.group.*": set(rules.GROUPS),
    "plan.status.*": set(rules.PLAN_STATUSES),
    "console.plan.status.*": set(rules.PLAN_STATUSES),
    "console.plan.field.*": set(rules.PLAN_FIELDS),
    "console.council.role.*": set(rules.COUNCIL_ROLES),
    "phone.council.role.*": set(rules.COUNCIL_ROLES),
    "console.language.*": set(rules.KNOWN_LANGUAGES),
    "console.language.native.*": set(rules.KNOWN_LANGUAGES),
    "phone.*.withdraw_confirm": {"barrier", "solution"},
    "status.*": _connection_statuses(),
    "console.conn.*": _connection_statuses(),
    # Every error the server can refuse with has a sentence on the phone.
    "error.*": _server_error_codes() | {"network", "unknown"},
    "console.error.*": None,
    # The organiser's exports panel (web/js/exports.js; server/reports/ FORMATS and parts).
    # The agenda (docs/agenda.md) on the organiser console and the projector (web/js/organiser.js, display.js).
    "segment.*": set(rules.SEGMENT_KINDS),
    "console.agenda.confirmBody.*": set(rules.SEGMENT_KINDS),
    "console.agenda.reseatBody.*": set(rules.ROUND_PHASES),
    "console.agenda.prompt.*": set(rules.BARRIER_KINDS),
    "console.agenda.preset.*": set(rules.AGENDA_PRESETS),
    "console.agenda.error.*": {"agenda_locked", "vote_open", "already_closed"},
    "display.agenda.subtitle.*": {"caucus", "solution_round"},
    "display.agenda.rooms.*": {"caucus", "solution_round"},
    "console.exports.format.*": {"pdf", "docx", "csv", "md", "json"},
    "console.exports.what.*": {"plan", "report", "archive"},
    # The SPCP day's rooms (docs/agenda.md; web/js/room-agenda.js, web/js/participant.js).
    "prompt.*": set(rules.BARRIER_KINDS),
    "prompt.question.*": set(rules.GUIDING_FIELDS),
    "room.agenda.caucus.*.title": set(rules.ROUND_PHASES["caucus"]),
    "room.agenda.caucus.*.body": set(rules.ROUND_PHASES["caucus"]),
    "room.agenda.solution.*.title": set(rules.ROUND_PHASES["solution_round"]),
    "room.agenda.solution.*.body": set(rules.ROUND_PHASES["solution_round"]),
    "room.agenda.list.empty_*": {"strength", "barrier"},
    "room.agenda.segment.*": set(rules.SEGMENT_KINDS),
    "room.agenda.mine.*": {"strength", "barrier"},
    "room.agenda.post.*_button": {"strength", "barrier"},
}


# ---------------------------------------------------------------- catalogues


def test_every_language_is_a_catalogue_next_to_english():
    assert "en" in CATALOGUES
    assert not list(I18N.glob("*.console.json")), "one catalogue per language: merge <lang>.console.json into <lang>.json"
    assert set(CATALOGUES) >= {"en", "es", "fa"}


@pytest.mark.parametrize("lang", sorted(set(CATALOGUES) - {"en"}))
def test_catalogue_has_exactly_the_english_keys(lang):
    other = _load(CATALOGUES[lang])
    missing = sorted(set(EN) - set(other))
    # A language may add plural categories English lacks (Russian "few", Arabic "two"…).
    extra = sorted(k for k in set(other) - set(EN)
                   if not (k.rsplit(".", 1)[-1] in PLURAL_CATEGORIES and f"{k.rsplit('.', 1)[0]}.other" in EN))
    assert not missing and not extra, f"{lang}.json: missing {missing}, extra {extra}"


@pytest.mark.parametrize("lang", sorted(CATALOGUES))
def test_catalogue_values_are_non_empty_strings(lang):
    bad = sorted(k for k, v in _load(CATALOGUES[lang]).items() if not isinstance(v, str) or not v.strip())
    assert not bad, f"{lang}.json: empty or non-string values for {bad}"


@pytest.mark.parametrize("lang", sorted(set(CATALOGUES) - {"en"}))
def test_translation_keeps_every_placeholder(lang):
    other = _load(CATALOGUES[lang])
    wrong = []
    for key, text in other.items():
        english = EN.get(key) or EN.get(f"{key.rsplit('.', 1)[0]}.other")
        if english is None:
            continue  # an extra key: test_catalogue_has_exactly_the_english_keys reports it
        want, have = set(PLACEHOLDER.findall(english)), set(PLACEHOLDER.findall(text))
        if want != have:
            wrong.append(f"{key}: English has {sorted(want)}, {lang} has {sorted(have)}")
    assert not wrong, f"{lang}.json placeholders differ:\n" + "\n".join(wrong)


def test_language_list_in_i18n_js_names_exactly_the_catalogues():
    src = (WEB / "js" / "i18n.js").read_text(encoding="utf-8")
    block = re.search(r"const LANGUAGES = \[(.*?)\];", src, re.S)
    assert block, "LANGUAGES not found in web/js/i18n.js"
    listed = re.findall(r"code:\s*\"([a-z-]+)\"", block.group(1))
    assert sorted(listed) == sorted(CATALOGUES), (
        f"LANGUAGES in i18n.js lists {sorted(listed)}, web/i18n/ has {sorted(CATALOGUES)}")
    console = (WEB / "js" / "console-common.js").read_text(encoding="utf-8")
    assert not re.search(r"CONSOLE_LANGUAGES\s*=\s*\[", console), "derive CONSOLE_LANGUAGES from i18n.js, not a second list"


# ---------------------------------------------------------------- keys the pages use


def _literal_keys() -> dict[str, set[str]]:
    """Quoted key literals in the JS ("phone.post.button", 'x.y') and data-i18n* in the HTML."""
    found: dict[str, set[str]] = {}
    prefixes = "|".join(map(re.escape, PREFIXES))
    literal = re.compile(rf"""(["'`])((?:{prefixes})\.[A-Za-z0-9_.]+)\1""")
    call = re.compile(r"""\b(?:t|hasKey)\(\s*(["'])([^"']+)\1""")
    for name, src in _js_sources().items():
        for m in literal.finditer(src):
            found.setdefault(m.group(2), set()).add(name)
        for m in call.finditer(src):
            found.setdefault(m.group(2), set()).add(name)
    attr = re.compile(r"""data-i18n(?:-[a-z-]+)?=(["'])([^"']+)\1""")
    for name, src in _html_sources().items():
        for m in attr.finditer(src):
            found.setdefault(m.group(2), set()).add(name)
    return found


def _template_families() -> dict[str, set[str]]:
    """`prefix.${expr}.suffix` templates in the JS, as "prefix.*.suffix"."""
    found: dict[str, set[str]] = {}
    prefixes = "|".join(map(re.escape, PREFIXES))
    template = re.compile(rf"`((?:{prefixes})\.[^`]*?\$\{{[^`]*?)`")
    for name, src in _js_sources().items():
        for m in template.finditer(src):
            pattern = re.sub(r"\$\{[^}]*\}", "*", m.group(1))
            found.setdefault(pattern, set()).add(name)
    return found


def test_every_key_used_by_the_pages_exists_in_english():
    used = _literal_keys()
    assert len(used) > 200, "the key scan found too little; has the code layout changed?"
    missing = sorted(f"{k} (used in {', '.join(sorted(files))})" for k, files in used.items() if not _exists(k))
    assert not missing, "keys used but not in web/i18n/en.json:\n" + "\n".join(missing)


def test_every_key_family_built_from_a_template_is_complete():
    families = _template_families()
    assert families, "the template scan found nothing; has the code layout changed?"
    unknown = sorted(f"{p} (in {', '.join(sorted(files))})" for p, files in families.items() if p not in FAMILIES)
    assert not unknown, ("keys built from templates this test does not know; add them to FAMILIES "
                         "with the values they take:\n" + "\n".join(unknown))
    missing = []
    for pattern in families:
        values = FAMILIES[pattern]
        for value in sorted(values or ()):
            key = pattern.replace("*", value)
            if not _exists(key):
                missing.append(f"{key} (from {pattern})")
    assert not missing, "keys missing from web/i18n/en.json:\n" + "\n".join(missing)


# ---------------------------------------------------------------- the exports' labels


def test_every_shared_report_label_is_a_page_key_and_not_also_a_report_key():
    missing = sorted(f"{name} -> {key}" for name, key in report_i18n.SHARED.items() if key not in EN)
    assert not missing, "server/reports/i18n.py SHARED names keys not in web/i18n/en.json:\n" + "\n".join(missing)
    twice = sorted(name for name in report_i18n.SHARED if f"{report_i18n.PREFIX}{name}" in EN)
    assert not twice, f"labels both shared and under report.: {twice}"


def test_every_label_the_exports_ask_for_is_in_every_language():
    """t("name") in server/reports, and the families the labels build from the day's vocabulary."""
    sources = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "server" / "reports").glob("*.py")))
    asked = set(re.findall(r"""\bt\(\s*"([a-z_]+)"\s*[,)]""", sources))
    assert len(asked) > 50, "the label scan found too little; has the code layout changed?"
    asked |= {f"status_{s}" for s in rules.PLAN_STATUSES} | {f"group_{g}" for g in rules.GROUPS}
    asked |= {f"field_{f}" for f in rules.PLAN_FIELDS} | {f"role_{r}" for r in rules.COUNCIL_ROLES}
    asked |= {f"phase_{p}" for p in (*rules.ROOM_PHASES, *rules.WORKSHOP_PHASES)}
    for lang, labels in report_i18n.CATALOGUE.items():
        missing = sorted(asked - set(labels))
        assert not missing, f"{lang}: export labels missing from web/i18n/{lang}.json: {missing}"
