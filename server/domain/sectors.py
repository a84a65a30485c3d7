"""A workshop's sectors: the stakeholder groups people pick when they join.

The organiser names 2-12 sectors per workshop (`workshop create --sectors`, the
`sectors_set` command in workshops.py), each with a name in every language of
the workshop and a side: `law_enforcement`, `community` or `other`. A
participant's `group` holds their sector's key. The sides drive what the four
fixed groups drove before: the seating balances the three sides over the rooms
(workshops.pick_room), agreement splits police (`law_enforcement` sectors) from
the community (every other sector) with the same small-group rule
(agreement.py, docs/agreement.md), and a council seat's side is its holder's
sector's side (council.py).

Two presets: `groups`, the four groups every workshop had before (the default,
and every older workshop's sectors after migration 0007), and `spcp`, the
homogeneous groups of a Strengthening Police and Community Partnerships day,
to edit.

This module reads and checks; the rows are written by workshops.py.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ..models import Participant, Sector
from . import rules
from .errors import CommandError

# A preset sector: key, side, and its name in the languages the app is translated into.
# Languages a preset has no name for get the English one (the organiser can rename it).
PRESETS: dict[str, tuple[tuple[str, str, dict[str, str]], ...]] = {
    # The labels of web/i18n/{en,es,fa}.json "group.<key>" (tests/test_sectors.py holds them equal).
    "groups": (
        ("law_enforcement", "law_enforcement",
         {"en": "Law enforcement", "es": "Fuerzas del orden", "fa": "نیروی انتظامی و پلیس"}),
        ("community_member", "community",
         {"en": "Community member", "es": "Miembro de la comunidad", "fa": "عضو جامعه"}),
        ("community_org", "community",
         {"en": "Community organisation", "es": "Organización comunitaria", "fa": "سازمان اجتماعی"}),
        ("government_other", "other",
         {"en": "Government or other", "es": "Gobierno u otro", "fa": "نهاد دولتی یا سایر"}),
    ),
    # The seven homogeneous groups of the SPCP day in Erie (shared/docs/spcp-day.md).
    "spcp": (
        ("faith", "community", {"en": "Faith", "es": "Comunidades de fe", "fa": "جوامع دینی"}),
        ("youth", "community", {"en": "Youth", "es": "Jóvenes", "fa": "جوانان"}),
        ("new_americans", "community",
         {"en": "New Americans", "es": "Nuevos estadounidenses", "fa": "آمریکایی‌های تازه‌وارد"}),
        ("law_enforcement", "law_enforcement",
         {"en": "Law enforcement", "es": "Fuerzas del orden", "fa": "نیروی انتظامی و پلیس"}),
        ("social_services", "community", {"en": "Social services", "es": "Servicios sociales", "fa": "خدمات اجتماعی"}),
        ("business", "community", {"en": "Business", "es": "Empresas y comercios", "fa": "کسب‌وکار"}),
        ("civil_rights", "community", {"en": "Civil rights", "es": "Derechos civiles", "fa": "حقوق مدنی"}),
    ),
}
DEFAULT_PRESET = "groups"
KEY_PATTERN = r"^[a-z0-9_]{1,30}$"


def preset(name: str, languages: Iterable[str]) -> list[dict]:
    """A preset's sectors for a workshop in these languages: [{key, names, side}]."""
    if name not in PRESETS:
        raise CommandError("invalid", f"sector_preset: unknown preset {name!r}; known: {', '.join(PRESETS)}")
    langs = list(languages)
    return [{"key": key, "names": {lang: names.get(lang, names["en"]) for lang in langs}, "side": side}
            for key, side, names in PRESETS[name]]


def slug(text: str) -> str:
    """A key from a name: lower-case ASCII letters, digits and _, at most 30 characters ('' if none)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_")[:rules.MAX_SECTOR_KEY_CHARS].rstrip("_")


def _free_key(base: str, taken: set[str]) -> str:
    base = base or "sector"
    key, n = base, 1
    while key in taken:
        n += 1
        suffix = f"_{n}"
        key = base[:rules.MAX_SECTOR_KEY_CHARS - len(suffix)] + suffix
    return key


def check(sectors: list[Mapping], languages: list[str], existing: Iterable[str] = ()) -> list[dict]:
    """The sectors as they will be stored, [{key, names, side}] in order, or a refusal that changes nothing.

    Each given sector has `names` ({language: text}, already cleaned, one for every language of the
    workshop and no other), a `side`, and optionally a `key`. A sector without a key is new and gets one
    made from its name (English if there is one, else the workshop's first language); `existing` are the
    keys the workshop already has, which a new sector's made-up key does not take.
    """
    if not rules.MIN_SECTORS <= len(sectors) <= rules.MAX_SECTORS:
        raise CommandError("invalid", f"sectors: a workshop has {rules.MIN_SECTORS} to {rules.MAX_SECTORS} "
                           f"sectors, not {len(sectors)}")
    for i, sector in enumerate(sectors):
        names = sector["names"]
        missing = [lang for lang in languages if not names.get(lang)]
        if missing:
            raise CommandError("invalid", f"sectors.{i}.names: a name is needed in every language of the workshop "
                               f"(missing: {', '.join(missing)})")
        extra = sorted(set(names) - set(languages))
        if extra:
            raise CommandError("invalid", f"sectors.{i}.names: {', '.join(extra)} is not a language of this "
                               f"workshop ({', '.join(languages)})")
        if sector["side"] not in rules.SECTOR_SIDES:
            raise CommandError("invalid", f"sectors.{i}.side: must be one of {', '.join(rules.SECTOR_SIDES)}")
    keys: dict[str, int] = {}
    for i, sector in enumerate(sectors):
        key = sector.get("key")
        if key and key in keys:
            raise CommandError("invalid", f"sectors.{i}.key: sector {keys[key] + 1} has the key {key!r} already",
                               reason="duplicate", key=key)
        if key:
            keys[key] = i
    for lang in languages:
        seen: dict[str, int] = {}
        for i, sector in enumerate(sectors):
            folded = sector["names"][lang].casefold()
            if folded in seen:
                raise CommandError("invalid", f"sectors.{i}.names.{lang}: sector {seen[folded] + 1} has the name "
                                   f"{sector['names'][lang]!r} already", reason="duplicate", language=lang,
                                   name=sector["names"][lang])
            seen[folded] = i
    sides = {s["side"] for s in sectors}
    if not {"law_enforcement", "community"} <= sides:
        # Agreement compares the two sides: without one of them there is nothing to compare.
        raise CommandError("invalid", "sectors: at least one sector on the law_enforcement side and one on the "
                           "community side are needed", reason="sides", sides=sorted(sides))
    taken = set(keys) | set(existing)
    out = []
    for sector in sectors:
        key = sector.get("key")
        if not key:
            names = sector["names"]
            key = _free_key(slug(names.get("en") or names[languages[0]]), taken)
            taken.add(key)
        out.append({"key": key, "names": {lang: sector["names"][lang] for lang in languages}, "side": sector["side"]})
    return out


def parse_spec(spec: str, languages: list[str]) -> list[dict]:
    """`NAME:SIDE,NAME:SIDE,...` (the CLI's --sectors): each name for every language of the workshop."""
    out = []
    for i, part in enumerate(p.strip() for p in spec.split(",")):
        name, colon, side = part.rpartition(":")
        if not colon or not name.strip():
            raise CommandError("invalid", f"sectors: {part!r} is not NAME:SIDE (side: "
                               f"{', '.join(rules.SECTOR_SIDES)}); sector {i + 1} of {spec!r}")
        out.append({"names": {lang: name.strip() for lang in languages}, "side": side.strip().lower()})
    return out


# -- reading a workshop's sectors -----------------------------------------------------

_W = bindparam("w")
# Built once: a snapshot and every join read them (docs/benchmarks.md).
_OF_WORKSHOP = select(Sector.key, Sector.names, Sector.side).where(Sector.workshop_id == _W).order_by(
    Sector.position, Sector.id)
_KEYS_IN_USE = select(Participant.group).where(Participant.workshop_id == _W).distinct()


def sector_views(session: Session, workshop_id: str) -> list[dict]:
    """The workshop's sectors in order, as every view shows them: [{key, names, side}]."""
    return [{"key": key, "names": dict(names), "side": side}
            for key, names, side in session.execute(_OF_WORKSHOP, {"w": workshop_id})]


def sides(session: Session, workshop_id: str) -> dict[str, str]:
    """Sector key -> side, in the workshop's order."""
    return {key: side for key, _names, side in session.execute(_OF_WORKSHOP, {"w": workshop_id})}


def side_of(session: Session, workshop_id: str, key: str) -> str | None:
    return sides(session, workshop_id).get(key)


def keys_in_use(session: Session, workshop_id: str) -> set[str]:
    """The sector keys someone joined with (a removed participant's too: their dots still count in the report)."""
    return set(session.scalars(_KEYS_IN_USE, {"w": workshop_id}))
