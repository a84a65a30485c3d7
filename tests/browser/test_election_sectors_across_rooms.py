"""Nominating across rooms (docs/council-election.md): on an SPCP day the council segment comes
after mixed solution rooms, so a sector's people sit in different rooms. The phone's picker lists
every named person of one's own sector whatever their room (`sector_people`), never the nameless
nor another sector's; a newcomer appears on it live. Omid (Youth, Persian, room 1) nominates Kira
(Youth, English, room 2), who accepts; Kira nominates Omid back, who accepts; then Omid withdraws.
Everything by keyboard, on phones (390x844). Screenshots: election-across-rooms-*.png.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.stage import Client, _join
from tests.browser.test_election_screens import check_and_shoot, elections, open_phone, token

pytestmark = pytest.mark.browser

SECTORS = [
    {"key": "youth", "side": "community", "names": {"en": "Youth", "es": "Jóvenes", "fa": "جوانان"}},
    {"key": "law_enforcement", "side": "law_enforcement",
     "names": {"en": "Law enforcement", "es": "Fuerzas del orden", "fa": "نیروی انتظامی و پلیس"}},
]
PEOPLE = [  # (sector, name or None, language, room index)
    ("youth", "Omid", "fa", 0),              # 0: the Persian phone
    ("youth", "Kira", "en", 1),              # 1: the English phone, in the other room
    ("youth", None, "en", 1),                # 2: no name: never listed
    ("law_enforcement", "Officer Diaz", "en", 0),  # 3: another sector: never listed
    ("law_enforcement", "Sgt. Okafor", "en", 1),
]


def two_room_council_day(live_server):
    from server.cli import _links
    from server.db import Database
    from server.domain.workshops import create_workshop

    db = Database(live_server.env["DATABASE_URL"])
    try:
        made = create_workshop(db, title="Mixed rooms SPCP day", rooms=2, languages=["en", "es", "fa"], sectors=SECTORS,
                               agenda=["breakout", "council", "closing"])
    finally:
        db.engine.dispose()
    links = {**_links(live_server.url, made), "url": live_server.url}
    org = Client(live_server.url, token(links["organiser_url"]))
    rooms = sorted(int(r) for r in org.sync()["rooms"])
    people = []
    for group, name, lang, room in PEOPLE:
        p = _join(live_server.url, links["join_code"], group, name, lang)
        if p["room_id"] != rooms[room]:
            org.ok("participant_move", participant_id=p["participant_id"], room_id=rooms[room])
            p["room_id"] = rooms[room]
        people.append(p)
    org.ok("workshop_advance")   # breakout -> council
    return links, people, org


def choose_by_keyboard(page, select, label: str) -> None:
    """Focus the picker and step through its options with the arrow keys until `label` is chosen."""
    select.focus()
    for _ in range(10):
        if select.evaluate("s => s.options[s.selectedIndex].text") == label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{label!r} not reached with the arrow keys")


def press(page, locator) -> None:
    locator.focus()
    expect(locator).to_be_focused()
    page.keyboard.press("Enter")


def test_a_sectors_people_in_different_rooms_nominate_each_other_by_keyboard(browser, live_server, screenshots_dir,
                                                                            axe_source):
    links, people, org = two_room_council_day(live_server)
    contexts = []
    try:
        assert people[0]["room_id"] != people[1]["room_id"]
        eid = org.ok("election_open")["election"]["id"]
        fa_ctx, omid = open_phone(browser, links, people[0], "fa")
        en_ctx, kira = open_phone(browser, links, people[1], "en")
        contexts += [fa_ctx, en_ctx]
        expect(omid.locator("html")).to_have_attribute("dir", "rtl")

        # Omid's picker: Kira (room 2) by name; not himself, not the nameless, not the officers.
        picker = omid.get_by_label("معرفی کسی از گروه خودتان")
        expect(picker.locator("option")).to_have_count(2)      # the prompt, Kira
        expect(picker).to_contain_text("Kira")
        expect(picker).not_to_contain_text("Officer Diaz")
        expect(omid.get_by_text("همهٔ کسانی از گروه شما که نامی داده‌اند، در هر اتاقی.")).to_be_visible()
        # A named newcomer of the sector (room 1 or 2) appears on it live.
        _join(live_server.url, links["join_code"], "youth", "Noor", "en")
        expect(picker.locator("option")).to_have_count(3)
        check_and_shoot(omid, screenshots_dir, "across-rooms-picker-fa", axe_source, full_page=True)

        # Omid nominates Kira, by keyboard.
        choose_by_keyboard(omid, picker, "Kira")
        press(omid, omid.get_by_role("button", name="معرفی", exact=True))
        expect(omid.locator("#main").get_by_role("status").filter(has_text="Kira")).to_be_visible()
        # Kira, in the other room, is asked on her phone and accepts by keyboard.
        ask = kira.get_by_role("region", name="You have been nominated for the council. Do you accept?")
        expect(ask).to_be_visible()
        press(kira, ask.get_by_role("button", name="Accept", exact=True))
        expect(kira.locator("#main").get_by_role("status").filter(has_text="You are a candidate.")).to_be_visible()
        # Kira nominates Omid back (English picker: Omid and Noor, not Kira herself).
        picker_en = kira.get_by_label("Put forward someone of your sector")
        expect(picker_en.locator("option")).to_have_count(3)
        expect(kira.get_by_text("Everyone of your sector who gave a name, in any room.")).to_be_visible()
        check_and_shoot(kira, screenshots_dir, "across-rooms-candidate-en", axe_source, full_page=True)
        kira.set_viewport_size({"width": 1024, "height": 768})   # a tablet passed round the room
        check_and_shoot(kira, screenshots_dir, "across-rooms-candidate-en-tablet", axe_source)
        kira.set_viewport_size({"width": 390, "height": 844})
        choose_by_keyboard(kira, picker_en, "Omid")
        press(kira, kira.get_by_role("button", name="Nominate", exact=True))
        ask_fa = omid.get_by_role("region", name="شما برای شورا معرفی شده‌اید. آیا می‌پذیرید؟")
        expect(ask_fa).to_be_visible()
        check_and_shoot(omid, screenshots_dir, "across-rooms-nominated-fa", axe_source, full_page=True)
        press(omid, ask_fa.get_by_role("button", name="می‌پذیرم", exact=True))
        expect(omid.locator("#main").get_by_role("status").filter(has_text="شما نامزد هستید.")).to_be_visible()
        names = {c["name"] for c in elections(org)[0]["candidates"].values()}
        assert names == {"Kira", "Omid"}
        check_and_shoot(omid, screenshots_dir, "across-rooms-candidate-fa", axe_source, full_page=True)

        # Omid withdraws by keyboard: off the ballot, and he may stand again.
        press(omid, omid.get_by_role("button", name="انصراف از نامزدی"))
        expect(omid.get_by_role("button", name="نامزد می‌شوم")).to_be_focused()   # the keyboard carries on from here
        assert {c["name"] for c in elections(org)[0]["candidates"].values()} == {"Kira"}
        check_and_shoot(omid, screenshots_dir, "across-rooms-withdrawn-fa", axe_source, full_page=True)

        # The ballot opens: the pickers go, the ballot lists Kira.
        org.ok("election_ballot_open", election_id=eid)
        expect(kira.get_by_role("group", name="Your ballot: Youth").get_by_role("radio")).to_have_count(1)
        expect(kira.get_by_label("Put forward someone of your sector")).to_have_count(0)
    finally:
        org.close()
        for c in contexts:
            c.close()
