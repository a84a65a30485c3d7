"""An SPCP day (docs/agenda.md) on the live server, played up to one of its segments by speaking
the protocol as the real screens do (tests/browser/stage.py does the same for the short day):

    s = spcp_stager.get("caucus")      # a fresh SPCP workshop, cached per segment
    s.organiser_url, s.display_url      # the screens to look at

SEGMENTS, in the order of the day:
  caucus      the caucus round: people seated by sector in three rooms, strengths and barriers
              posted (English and Persian) and revealed
  prioritise  every caucus barrier on the plenary board, dots cast, the dots closed (the organiser
              has not confirmed priorities yet)
  solution    three priorities confirmed; the solution round, each room with its draft, some of
              the guiding questions answered (English and Persian)
  report_out  the report-out: the projector shows each solution room's draft
"""
from __future__ import annotations

from tests.browser.stage import Client, Staged, Stager, _join

SEGMENTS = ("caucus", "prioritise", "solution", "report_out")

PEOPLE = [  # (sector, name or None, reading language)
    ("faith", "Pastor Ruth", "en"),
    ("youth", "Omid", "fa"),
    ("law_enforcement", "Officer Diaz", "en"),
    ("new_americans", "Leila", "fa"),
    ("law_enforcement", None, "en"),
    ("youth", None, "es"),
    ("faith", None, "fa"),
    ("civil_rights", "Dana", "en"),
    ("law_enforcement", "Sgt. Okafor", "en"),
]
BARRIERS = [  # (sector of the author, kind, text)
    ("faith", "barrier", "Officers rarely explain why they stop people"),
    ("faith", "strength", "The chaplain programme brings officers to our services"),
    ("youth", "barrier", "جوانان از پلیس می‌ترسند و حرف نمی‌زنند"),
    ("youth", "barrier", "Nobody tells us how to file a complaint"),
    ("law_enforcement", "barrier", "We don't hear back from residents after meetings"),
    ("law_enforcement", "strength", "Foot patrols on Elm Street are welcomed"),
    ("new_americans", "barrier", "ترس از مهاجرت باعث می‌شود مردم گزارش ندهند"),
    ("civil_rights", "barrier", "Body cameras are switched off during stops"),
]
ANSWERS = [  # (field, text) filled into the first solution room's first draft
    ("problem", "People are stopped without being told why"),
    ("causes", "No routine for explaining a stop; language barriers"),
    ("options", "A card after every stop; officers trained to explain; interpreters on call"),
    ("solution", "کارت توضیح توقف به پنج زبان، پس از هر توقف"),
]


def create_spcp_workshop(live_server) -> dict:
    from server.cli import _links
    from server.db import Database
    from server.domain.workshops import create_workshop as create

    db = Database(live_server.env["DATABASE_URL"])
    try:
        created = create(db, title="Westside SPCP day", rooms=3, vote_budget=3, languages=["en", "es", "fa"],
                         date="2026-12-12", place="Westside Library", sector_preset="spcp", agenda="spcp")
    finally:
        db.engine.dispose()
    return _links(live_server.url, created)


def stage_spcp(live_server, segment: str) -> Staged:
    """A new SPCP workshop on `live_server`, played up to `segment` (SEGMENTS)."""
    if segment not in SEGMENTS:
        raise ValueError(f"unknown segment {segment!r}; one of {SEGMENTS}")
    url = live_server.url
    made = create_spcp_workshop(live_server)
    code = made["join_code"]
    token = lambda link: link.split("#", 1)[1]  # noqa: E731
    clients: list[Client] = []

    def client(tok: str) -> Client:
        c = Client(url, tok)
        clients.append(c)
        return c

    try:
        organiser = client(token(made["organiser_url"]))
        facilitators = [client(token(u)) for u in made["facilitator_urls"]]
        fac_url = {f.state["me"]["room_id"]: u for f, u in zip(facilitators, made["facilitator_urls"])}
        people = [_join(url, code, g, n, lang) for g, n, lang in PEOPLE]
        try:
            organiser.ok("rooms_form")   # seated by sector (a no_change if joining did it already)
        except AssertionError as e:
            if "no_change" not in str(e):
                raise
        phones = {p["participant_id"]: client(p["token"]) for p in people}
        me = people[0]
        room_of = {pid: c.sync()["me"]["room_id"] for pid, c in phones.items()}
        me = {**me, "room_id": room_of[me["participant_id"]]}
        others = [r for r in fac_url if r != me["room_id"]]
        staged = Staged(state=f"spcp-{segment}", url=url, workshop=made, join_code=code, room_id=me["room_id"], me=me,
                        facilitator_url=fac_url[me["room_id"]], other_facilitator_url=fac_url[others[0]],
                        organiser_url=made["organiser_url"], display_url=made["display_url"], people=people,
                        progress_url=made["progress_url"])

        def all_rooms(name, **payload):
            for f in facilitators:
                f.ok(name, **payload)

        all_rooms("phase_advance", from_phase="lobby", timer_secs=900)   # brainstorm
        by_sector = {}
        for (sector, _n, _l), p in zip(PEOPLE, people):
            by_sector.setdefault(sector, p["participant_id"])
        for sector, kind, text in BARRIERS:
            staged.barriers[text] = phones[by_sector[sector]].ok("barrier_post", text=text, kind=kind)["barrier"]["id"]
        all_rooms("phase_advance", from_phase="brainstorm")   # reveal
        if segment == "caucus":
            return staged

        organiser.ok("workshop_advance")   # prioritise
        items = sorted(organiser.sync()["plenary"].values(), key=lambda i: i["id"])
        for k, phone in enumerate(phones.values()):   # three dots each, on three different items; uneven totals
            for j in range(3):
                phone.ok("vote_cast", target_type="plenary", target_id=items[(k // 2 + j * (1 + k % 2)) % len(items)]["id"])
        organiser.ok("plenary_vote_close")
        if segment == "prioritise":
            return staged

        board = sorted(organiser.sync()["plenary"].values(), key=lambda i: (-(i["votes"] or 0), i["id"]))
        organiser.ok("priorities_confirm", item_ids=[i["id"] for i in board[:3]])
        organiser.ok("workshop_advance")   # solution_round
        for f in facilitators:
            f.sync()
        all_rooms("phase_advance", from_phase="lobby", timer_secs=1800)   # solutions
        state = organiser.sync()
        drafts = sorted((e for e in state["plan"].values() if e.get("room_id")), key=lambda e: e["id"])
        first = drafts[0]
        writer = next(f for f in facilitators if f.state["me"]["room_id"] == first["room_id"])
        for field_name, value in ANSWERS:
            fresh = writer.sync()["plan"][str(first["id"])]
            writer.ok("plan_entry_update", entry_id=first["id"], field=field_name, value=value,
                      version=fresh["versions"].get(field_name, 0))
        if len(drafts) > 1:
            second = drafts[1]
            writer2 = next(f for f in facilitators if f.state["me"]["room_id"] == second["room_id"])
            fresh = writer2.sync()["plan"][str(second["id"])]
            writer2.ok("plan_entry_update", entry_id=second["id"], field="problem",
                       value="Young people do not speak to officers", version=fresh["versions"].get("problem", 0))
        if segment == "solution":
            return staged

        organiser.ok("workshop_advance")   # report_out
        return staged
    finally:
        for c in clients:
            c.close()


class SpcpStager(Stager):
    """One staged SPCP workshop per segment, made on first use and shared by every test."""

    make = staticmethod(stage_spcp)
