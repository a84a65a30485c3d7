"""Sectors the organiser names (issue 15): presets, creation, joining, seating, the council's sides,
`sectors_set`, and agreement with the small-group rule over any 2-12 sectors (docs/agreement.md)."""
from __future__ import annotations

import json
from fractions import Fraction
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from server.domain import agreement as ag
from server.domain import rules, sectors
from server.domain.errors import CommandError
from server.domain.workshops import create_workshop
from server.models import AuditEntry, Participant, Sector, Workshop
from server.reports import archive

from .board import Board
from .conftest import Day
from .test_archive import small_archive

I18N = Path(__file__).resolve().parent.parent / "web" / "i18n"
LANGS = ["en", "es", "fa"]


def names(en: str, es: str | None = None, fa: str | None = None) -> dict:
    return {"en": en, "es": es or f"{en} (es)", "fa": fa or f"{en} (fa)"}


def spcp_day(day, **kw):
    """The day's workshop becomes an SPCP one (the `day` fixture made a default one first)."""
    day.created = create_workshop(day.db, title="SPCP day", rooms=kw.pop("rooms", 2), languages=LANGS,
                                  sector_preset="spcp", **kw)
    return day


def workshops_count(db) -> tuple[int, int]:
    with db.reading() as s:
        return s.scalar(select(func.count()).select_from(Workshop)), s.scalar(select(func.count()).select_from(Sector))


# -- presets ---------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_the_groups_preset_is_named_as_the_join_page_names_the_groups(lang):
    labels = json.loads((I18N / f"{lang}.json").read_text(encoding="utf-8"))
    made = sectors.preset("groups", [lang])
    assert [s["key"] for s in made] == list(rules.GROUPS)
    assert {s["key"]: s["names"][lang] for s in made} == {g: labels[f"group.{g}"] for g in rules.GROUPS}


def test_the_groups_preset_has_todays_sides():
    assert {s["key"]: s["side"] for s in sectors.preset("groups", ["en"])} == {
        "law_enforcement": "law_enforcement", "community_member": "community", "community_org": "community",
        "government_other": "other"}


def test_the_spcp_preset():
    made = sectors.preset("spcp", [*LANGS, "fr"])
    assert [s["names"]["en"] for s in made] == ["Faith", "Youth", "New Americans", "Law enforcement",
                                                "Social services", "Business", "Civil rights"]
    assert [s["key"] for s in made] == ["faith", "youth", "new_americans", "law_enforcement", "social_services",
                                        "business", "civil_rights"]
    assert {s["key"] for s in made if s["side"] == "law_enforcement"} == {"law_enforcement"}
    assert {s["side"] for s in made if s["key"] != "law_enforcement"} == {"community"}
    for s in made:
        assert set(s["names"]) == {*LANGS, "fr"}
        assert s["names"]["fr"] == s["names"]["en"]  # no French name: the English one, to rename
        assert len({s["names"][lang] for lang in LANGS}) == 3
    assert sectors.check(made, [*LANGS, "fr"]) == made


def test_an_unknown_preset_is_refused(day):
    before = workshops_count(day.db)
    with pytest.raises(CommandError) as err:
        create_workshop(day.db, title="T", rooms=1, sector_preset="teams")
    assert err.value.code == "invalid" and "sector_preset" in err.value.message
    assert workshops_count(day.db) == before


@pytest.mark.parametrize("name, key", [
    ("Civil Rights", "civil_rights"), ("  Organización  comunitaria ", "organizacion_comunitaria"),
    ("جوانان", ""), ("Law-enforcement & corrections", "law_enforcement_corrections"), ("x" * 40, "x" * 30),
])
def test_slug(name, key):
    assert sectors.slug(name) == key


# -- creating a workshop -------------------------------------------------------------

def test_a_workshop_has_the_groups_preset_by_default(day):
    assert day.created["sectors"] == sectors.preset("groups", LANGS)
    assert day.organiser().snapshot()["sectors"] == sectors.preset("groups", LANGS)


def test_a_workshop_with_the_organisers_sectors(day):
    made = create_workshop(day.db, title="T", rooms=2, languages=["en", "es"], sectors=[
        {"names": {"en": "Faith", "es": "Fe"}, "side": "community"},
        {"names": {"en": "  Police\u200b ", "es": "Policía"}, "side": "law_enforcement"},
        {"names": {"en": "جوانان", "es": "Jóvenes"}, "side": "community"},  # no Latin letters: a made-up key
        {"names": {"en": "Faith-based", "es": "Basadas en la fe"}, "side": "community"},
        {"names": {"en": "City hall", "es": "Ayuntamiento"}, "side": "other"},
    ])
    assert made["sectors"] == [
        {"key": "faith", "names": {"en": "Faith", "es": "Fe"}, "side": "community"},
        {"key": "police", "names": {"en": "Police", "es": "Policía"}, "side": "law_enforcement"},  # cleaned
        {"key": "sector", "names": {"en": "جوانان", "es": "Jóvenes"}, "side": "community"},
        {"key": "faith_based", "names": {"en": "Faith-based", "es": "Basadas en la fe"}, "side": "community"},
        {"key": "city_hall", "names": {"en": "City hall", "es": "Ayuntamiento"}, "side": "other"},
    ]
    info = day.http.get(f"/api/workshops/{made['join_code']}").get_json()
    assert info["sectors"] == made["sectors"] and info["groups"] == ["faith", "police", "sector", "faith_based",
                                                                    "city_hall"]


def test_made_up_keys_never_collide():
    got = sectors.check([{"names": {"en": n}, "side": s} for n, s in (
        ("Youth", "community"), ("Youth!", "law_enforcement"), ("youth 2", "community"), ("Youth?", "other"))], ["en"])
    assert [s["key"] for s in got] == ["youth", "youth_2", "youth_2_2", "youth_3"]
    long = sectors.check([{"names": {"en": "y" * 40}, "side": "community"},
                          {"names": {"en": "y" * 41}, "side": "law_enforcement"}], ["en"])
    assert [s["key"] for s in long] == ["y" * 30, "y" * 28 + "_2"]


def many(n: int) -> list[dict]:
    return [{"names": names(f"Sector {i}"), "side": "law_enforcement" if i == 0 else "community"} for i in range(n)]


@pytest.mark.parametrize("given, code, where", [
    (many(1), "invalid", "2 to 12"),
    (many(13), "invalid", "2 to 12"),
    ([], "invalid", "2 to 12"),
    ([{"names": names("Police"), "side": "law_enforcement"}, {"names": names("Faith"), "side": "church"}],
     "invalid", "side"),
    ([{"names": names("Police"), "side": "law_enforcement"}, {"names": {"en": "Faith", "es": "Fe"},
                                                             "side": "community"}], "invalid", "fa"),
    ([{"names": names("Police"), "side": "law_enforcement"}, {"names": {**names("Faith"), "fr": "Foi"},
                                                             "side": "community"}], "invalid", "fr"),
    ([{"names": names("Police"), "side": "law_enforcement"}, {"names": names("   "), "side": "community"}],
     "invalid", "empty"),
    ([{"names": names("Police"), "side": "law_enforcement"}, {"names": names("x" * 61), "side": "community"}],
     "invalid", "60"),
    ([{"names": names("Police"), "side": "law_enforcement"}, {"names": names("Faith"), "side": "community",
                                                             "colour": "red"}], "invalid", "colour"),
    ([{"names": names("Police"), "side": "law_enforcement"}, {"names": names("police", "P2", "P3"),
                                                             "side": "community"}], "invalid", "names.en"),
    ([{"names": names("Police"), "side": "law_enforcement"}, {"names": names("Faith"), "side": "other"}],
     "invalid", "community"),
    ([{"names": names("Faith"), "side": "community"}, {"names": names("Youth"), "side": "community"}],
     "invalid", "law_enforcement"),
    ("Police:law_enforcement", "invalid", "sectors"),
])
def test_creation_refusals_change_nothing(day, given, code, where):
    before = workshops_count(day.db)
    with pytest.raises(CommandError) as err:
        create_workshop(day.db, title="T", rooms=2, languages=LANGS, sectors=given)
    assert err.value.code == code and where in err.value.message, err.value.as_dict()
    assert workshops_count(day.db) == before


def test_sectors_and_a_preset_together_are_refused(day):
    with pytest.raises(CommandError) as err:
        create_workshop(day.db, title="T", rooms=1, sectors=many(2), sector_preset="spcp")
    assert err.value.code == "invalid"


def test_parse_spec():
    assert sectors.parse_spec("Faith:community, Police: law_enforcement ,City hall:other", ["en", "fa"]) == [
        {"names": {"en": "Faith", "fa": "Faith"}, "side": "community"},
        {"names": {"en": "Police", "fa": "Police"}, "side": "law_enforcement"},
        {"names": {"en": "City hall", "fa": "City hall"}, "side": "other"}]
    for bad in ("Faith", "Faith:community,:other", "Faith:community,,Police:law_enforcement"):
        with pytest.raises(CommandError) as err:
            sectors.parse_spec(bad, ["en"])
        assert err.value.code == "invalid"


# -- joining and seating ---------------------------------------------------------------

def test_people_join_with_a_sector_of_the_workshop(day):
    spcp_day(day)
    faith = day.join(group="faith")
    assert faith.snapshot()["me"]["group"] == "faith"
    assert [s["key"] for s in faith.snapshot()["sectors"]] == [s[0] for s in sectors.PRESETS["spcp"]]


@pytest.mark.parametrize("group", ["community_member", "Faith", "x" * 31, ""])
def test_joining_with_another_key_is_refused(day, group):
    spcp_day(day)
    resp = day.join_http(group=group)
    assert resp.status_code == 400
    err = resp.get_json()["error"]
    assert err["code"] == "invalid" and "group" in err["message"]
    with day.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Participant).where(
            Participant.workshop_id == day.created["workshop_id"])) == 0


def test_seating_balances_the_sides_of_the_sectors(day):
    spcp_day(day)
    room_1, room_2 = day.room_ids
    # Faith first: room 1. Police: fewest officers (none), then fewest people: room 2.
    assert day.join(group="faith", connect=False)["room_id"] == room_1
    assert day.join(group="law_enforcement", connect=False)["room_id"] == room_2
    # Youth is on faith's side: room 2 has nobody of it yet (alone, youth would go to room 1, the lower number).
    assert day.join(group="youth", connect=False)["room_id"] == room_2
    assert day.join(group="business", connect=False)["room_id"] == room_1


def test_seating_spreads_the_other_side_too(day):
    made = create_workshop(day.db, title="T", rooms=2, languages=LANGS, sectors=[
        {"names": names("Police"), "side": "law_enforcement"}, {"names": names("Residents"), "side": "community"},
        {"names": names("City hall"), "side": "other"}, {"names": names("Schools"), "side": "other"}])
    day.created = made
    room_1, room_2 = day.room_ids
    assert [day.join(group=g, connect=False)["room_id"] for g in ("residents", "city_hall", "schools")] == [
        room_1, room_2, room_1]


# -- the council's sides -------------------------------------------------------------------

def test_a_council_seat_goes_by_the_side_of_the_sector(day):
    spcp_day(day)
    b = Board(day)
    officer = b.person(0, group="law_enforcement")
    pastor = b.person(0, group="faith")
    for p in (officer, pastor):
        p.ok("council_volunteer", consent=False)
    err = b.refuse(b.org, "council_role_set", "wrong_group", participant_id=pastor.participant_id,
                   role="co_chair_law_enforcement")
    assert err["details"]["group"] == "faith"
    b.refuse(b.org, "council_role_set", "wrong_group", participant_id=officer.participant_id,
             role="co_chair_community")
    b.org.ok("council_role_set", participant_id=pastor.participant_id, role="co_chair_community")
    b.org.ok("council_role_set", participant_id=officer.participant_id, role="co_chair_law_enforcement")


def test_a_sector_on_the_other_side_may_hold_the_community_seat(day):
    day.created = create_workshop(day.db, title="T", rooms=2, languages=LANGS, sectors=[
        {"names": names("Sheriff"), "side": "law_enforcement"}, {"names": names("Residents"), "side": "community"},
        {"names": names("Mayor's office"), "side": "other"}])
    b = Board(day)
    official = day.join(group="mayor_s_office")
    official.ok("council_volunteer", consent=False)
    b.refuse(b.org, "council_role_set", "wrong_group", participant_id=official.participant_id,
             role="co_chair_law_enforcement")
    b.org.ok("council_role_set", participant_id=official.participant_id, role="co_chair_community")


# -- sectors_set ---------------------------------------------------------------------------

def current(client) -> list[dict]:
    return client.snapshot()["sectors"]


def test_sectors_set_renames_reorders_adds_and_everyone_hears_it(day):
    b = Board(day)
    phone = day.join(group="community_org")
    day.drain()
    now = current(b.org)
    wanted = [{**now[2], "names": names("Community group", "Grupo comunitario", "گروه اجتماعی")},  # in use: renamed
              now[0], now[1], {"names": names("Youth", "Jóvenes", "جوانان"), "side": "community"},
              {**now[3], "side": "community"}]  # unused: moved to the community side
    result = b.org.ok("sectors_set", sectors=wanted)["sectors"]
    assert [s["key"] for s in result] == ["community_org", "law_enforcement", "community_member", "youth",
                                          "government_other"]
    assert result[4]["side"] == "community" and result[0]["names"]["fa"] == "گروه اجتماعی"
    for client in (phone, b.display, b.fac, b.org):
        events = [e for e in client.events() if e["type"] == "sectors_changed"]
        assert [e["data"] for e in events] == [{"sectors": result}], client.role
        assert current(client) == result
    assert day.http.get(f"/api/workshops/{day.created['join_code']}").get_json()["sectors"] == result
    with day.db.reading() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "sectors_set",
                                                  AuditEntry.workshop_id == day.created["workshop_id"])).one()
        assert audit.detail == {"keys": [s["key"] for s in result]}
    # The new sector is one to join; an unused one can go.
    assert day.join(group="youth", connect=False)
    b.org.ok("sectors_set", sectors=[s for s in result if s["key"] != "government_other"])
    assert [s["key"] for s in current(b.org)] == ["community_org", "law_enforcement", "community_member", "youth"]
    assert day.join_http(group="government_other").status_code == 400


def with_change(sectors_now: list[dict], key: str, change: dict | None) -> list[dict]:
    return [{**s, **change} if s["key"] == key else s for s in sectors_now if s["key"] != key or change is not None]


def test_sectors_set_refusals_change_nothing(day):
    b = Board(day)
    officer = day.join(group="law_enforcement")
    resident = b.person(0, group="community_member")
    gone = day.join(group="community_org", connect=False)
    b.org.ok("participant_remove", participant_id=gone["participant_id"], reason="Left early")
    now = current(b.org)
    for sender in (officer, b.fac, b.display):
        sender.refused("sectors_set", "forbidden", sectors=now)
    b.refuse(b.org, "sectors_set", "sector_in_use", sectors=with_change(now, "community_member", None))
    # Someone removed joined with it too: their dots still count in the report.
    err = b.refuse(b.org, "sectors_set", "sector_in_use", sectors=with_change(now, "community_org", None))
    assert err["details"]["keys"] == ["community_org"]
    b.refuse(b.org, "sectors_set", "sector_in_use", sectors=with_change(now, "community_member", {"side": "other"}))
    b.refuse(b.org, "sectors_set", "not_found", sectors=with_change(now, "government_other", {"key": "clergy"}))
    b.refuse(b.org, "sectors_set", "no_change", sectors=now)
    err = b.refuse(b.org, "sectors_set", "invalid", sectors=[*now, {**now[0], "side": "law_enforcement"}])
    assert err["details"] == {"reason": "duplicate", "key": "law_enforcement"} and "sectors.4.key" in err["message"]
    err = b.refuse(b.org, "sectors_set", "invalid", sectors=[*now, {"names": names(
        "LAW ENFORCEMENT", "Policía", "پلیس"), "side": "law_enforcement"}])
    assert err["details"]["reason"] == "duplicate" and "sectors.4.names.en" in err["message"]
    err = b.refuse(b.org, "sectors_set", "invalid", sectors=[{**s, "side": "community"} for s in now])
    assert err["details"] == {"reason": "sides", "sides": ["community"]}
    b.refuse(b.org, "sectors_set", "invalid", sectors=now[:1])
    b.refuse(b.org, "sectors_set", "invalid", sectors=[*now, *many(9)])
    b.refuse(b.org, "sectors_set", "invalid", sectors=with_change(now, "government_other", {"side": "press"}))
    b.refuse(b.org, "sectors_set", "invalid", sectors=with_change(now, "government_other", {"names": {"en": "City"}}))
    b.refuse(b.org, "sectors_set", "invalid", sectors=with_change(now, "government_other", {"key": "Not A Key"}))
    b.refuse(b.org, "sectors_set", "invalid", sectors="law_enforcement,community_member")
    assert resident.snapshot()["sectors"] == now


def test_sectors_set_puts_a_preset_in_place(day):
    b = Board(day)
    assert tuple(sectors.PRESETS) == rules.SECTOR_PRESETS
    result = b.org.ok("sectors_set", preset="spcp")["sectors"]
    assert result == sectors.preset("spcp", LANGS) == current(b.display)
    b.refuse(b.org, "sectors_set", "no_change", preset="spcp")
    day.join(group="youth", connect=False)
    # Back to the four groups would drop youth, which someone joined with.
    assert b.refuse(b.org, "sectors_set", "sector_in_use", preset="groups")["details"]["keys"] == ["youth"]
    b.refuse(b.org, "sectors_set", "invalid", preset="teams")
    b.refuse(b.org, "sectors_set", "invalid", preset="groups", sectors=result)
    b.refuse(b.org, "sectors_set", "invalid")


def test_sectors_set_is_idempotent_by_cid(day):
    org = day.organiser()
    now = current(org)
    wanted = [*now, {"names": names("Youth"), "side": "community"}]
    first = org.send("sectors_set", cid="sectors-1", sectors=wanted)
    again = org.send("sectors_set", cid="sectors-1", sectors=wanted)
    assert first["ok"] and again["ok"] and again["repeated"] and again["result"] == first["result"]
    assert len(current(org)) == 5


# -- agreement over the workshop's sectors ----------------------------------------------------

SPCP = ag.layout({key: side for key, side, _ in sectors.PRESETS["spcp"]})


def test_the_default_layout_is_the_groups_preset():
    assert ag.layout({s["key"]: s["side"] for s in sectors.preset("groups", ["en"])}) == ag.DEFAULT_LAYOUT
    assert ag.SIDES == {"police": ("law_enforcement",),
                        "community": ("community_member", "community_org", "government_other")}
    with pytest.raises(ValueError, match="side"):
        ag.layout({"police": "law_enforcement", "press": "media"})


def test_a_small_sector_is_suppressed_as_a_small_group_is():
    # 3 officers, 3 faith, 1 youth, K = 3: the youth is hidden, and so is faith (youth = community − faith).
    sizes = {"law_enforcement": 3, "faith": 3, "youth": 1}
    p = ag.plan(sizes, 3, SPCP)
    assert p.status["side:police"] == p.status["side:community"] == ag.SHOWN
    assert p.status["group:law_enforcement"] == ag.SHOWN
    assert p.status["group:faith"] == p.status["group:youth"] == ag.SUPPRESSED
    assert p.status["group:business"] == ag.ABSENT
    s = ag.support(p, {"law_enforcement": 2, "faith": 3, "youth": 1})
    assert s.sides["community"].votes == 4 and s.agreement == pytest.approx(2 / 3)
    assert s.groups["faith"].votes is None and s.groups["youth"].votes is None
    assert set(s.groups) == set(SPCP.groups)


def test_compute_over_sectors():
    people = [ag.Person(i, g, 1) for i, g in enumerate(
        ["law_enforcement"] * 3 + ["faith"] * 3 + ["youth"] * 3 + ["business"])]
    items = [ag.Item("barrier", 1, 1)]
    votes = [(0, "barrier", 1), (3, "barrier", 1), (4, "barrier", 1), (6, "barrier", 1), (9, "barrier", 1)]
    result = ag.compute(people, items, votes, 3, SPCP)
    s = result.items[("barrier", 1)]
    assert result.sizes[1]["youth"] == 3 and result.sizes[1]["civil_rights"] == 0
    assert s.sides["police"].votes == 1 and s.sides["community"].votes == 4 and s.sides["community"].size == 7
    assert s.agreement == pytest.approx(1 / 3)
    # The lone business owner could be worked out from youth and faith: one of those two is held back too.
    assert s.groups["business"].status == ag.SUPPRESSED
    assert [s.groups[g].status for g in ("faith", "youth")].count(ag.SUPPRESSED) == 1


def _reference_plan(sizes: dict, k: int, layout: ag.Layout) -> dict:
    """The rule as first written for the four groups: rank tests over every subset of the present groups."""
    order = layout.groups

    def vec(groups):
        return tuple(1 if g in set(groups) else 0 for g in order)

    def rank(vectors):
        rows = [[Fraction(x) for x in v] for v in vectors]
        r = 0
        for c in range(len(order)):
            pivot = next((i for i in range(r, len(rows)) if rows[i][c] != 0), None)
            if pivot is None:
                continue
            rows[r], rows[pivot] = rows[pivot], rows[r]
            for i in range(len(rows)):
                if i != r and rows[i][c] != 0:
                    f = rows[i][c] / rows[r][c]
                    rows[i] = [a - f * b for a, b in zip(rows[i], rows[r], strict=True)]
            r += 1
        return r

    def determined(known, subset):
        return rank([*known, vec(subset)]) == rank(known)

    present = tuple(g for g in order if sizes[g] > 0)
    known = [vec(present)] + [vec((g,)) for g in order if sizes[g] == 0]
    subsets = [c for r in range(1, len(present) + 1) for c in combinations(present, r)]
    status = {}
    for name, groups in layout.candidates:
        pop = sum(sizes[g] for g in groups)
        if pop == 0:
            status[name] = ag.ABSENT
        elif pop < k:
            status[name] = ag.SUPPRESSED
        else:
            trial = [*known, vec(groups)]
            if any(0 < sum(sizes[g] for g in sub) < k and determined(trial, sub) and not determined(known, sub)
                   for sub in subsets):
                status[name] = ag.SUPPRESSED
            else:
                status[name] = ag.SHOWN
                known = trial
    return status


@st.composite
def layouts_and_sizes(draw):
    n = draw(st.integers(2, 7))
    sides = draw(st.lists(st.sampled_from(rules.SECTOR_SIDES), min_size=n, max_size=n))
    layout = ag.layout({f"s{i}": side for i, side in enumerate(sides)})
    sizes = {g: draw(st.integers(0, 5)) for g in layout.groups}
    return layout, sizes


@settings(max_examples=200, deadline=None)
@given(case=layouts_and_sizes(), k=st.integers(2, 5))
def test_the_plan_is_the_rule_as_first_written(case, k):
    layout, sizes = case
    assert dict(ag.plan(sizes, k, layout).status) == _reference_plan(sizes, k, layout)


@settings(max_examples=100, deadline=None)
@given(sizes=st.fixed_dictionaries({g: st.integers(0, 6) for g in ag.GROUPS}), k=st.integers(2, 5))
def test_the_four_groups_give_what_they_gave(sizes, k):
    assert dict(ag.plan(sizes, k).status) == _reference_plan(sizes, k, ag.DEFAULT_LAYOUT)


def test_twelve_sectors_of_one_person_each_are_quick_and_hidden():
    layout = ag.layout({f"s{i}": "law_enforcement" if i < 6 else "community" for i in range(12)})
    p = ag.plan({g: 1 for g in layout.groups}, 5, layout)
    assert p.status["side:police"] == p.status["side:community"] == ag.SHOWN  # 6 and 6
    assert all(p.status[f"group:{g}"] == ag.SUPPRESSED for g in layout.groups)


def test_an_imported_workshop_has_the_four_groups_as_its_sectors(app):
    raw = small_archive(app)
    db = app.extensions["common_ground_db"]
    with db.transaction() as session:
        made = archive.load(session, archive.parse(raw))
    assert made["sectors"] == sectors.preset("groups", LANGS)
    day = Day(app)
    day.created = made
    assert day.http.get(f"/api/workshops/{made['join_code']}").get_json()["sectors"] == made["sectors"]
    assert day.join(group="government_other", connect=False)["workshop_id"] == made["workshop_id"]


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_a_named_sectors_day_exports_in_every_format_with_its_sector_names(day, lang):
    """The report counts people by the workshop's own sectors and names them in the report's language
    (it raised KeyError for a sector outside the four groups before)."""
    from server.reports import export

    spcp_day(day)
    for group in ("faith", "faith", "faith", "law_enforcement", "law_enforcement", "law_enforcement", "youth"):
        day.join(group=group, connect=False)
    ws = day.created["workshop_id"]
    md = export(day.db, ws, "md", lang=lang).data.decode("utf-8")
    faith = sectors.PRESETS["spcp"][0][2][lang]
    assert faith in md and "faith" not in md.replace(faith, "")
    for fmt in ("pdf", "docx"):
        assert export(day.db, ws, fmt, lang=lang).data
    assert export(day.db, ws, "csv", what="plan", lang=lang).data
    got = day.http.get(f"/api/workshops/{ws}/agreement",
                       headers={"Authorization": f"Bearer {day.created['organiser_token']}"})
    assert got.status_code == 200, got.get_json()
