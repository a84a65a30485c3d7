"""An SPCP day played with the real commands, for the export and archive tests of the agenda.

Three rooms, the `spcp` sectors and agenda (docs/agenda.md): people join by sector and are
seated in caucus rooms; they post strengths and barriers (some anonymously, in English and
Persian); a facilitator merges two strengths and hides a barrier; the prioritisation puts the
barriers on one board, people give their dots, the organiser closes the dots and confirms three
priorities; the solution rooms answer the guiding questions for their drafts; the day goes on to
the council and stops there (closing not reached). `play()` returns what the tests check against.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# (name, sector, language, anonymous by default)
PEOPLE = [
    ("Miriam Okafor-Lindqvist", "faith", "en", False),
    ("Tobias Wren-Abernathy", "faith", "en", True),          # posts anonymously only
    ("سارا نیک‌سرشت", "faith", "fa", False),
    ("Sgt. Halvard Brennan", "law_enforcement", "en", False),
    ("Officer Pilar Ndiaye", "law_enforcement", "es", False),
    ("Lt. Quincy Marchetti", "law_enforcement", "en", True),  # posts anonymously only
    ("Juniper Castellanos", "youth", "en", True),             # posts anonymously only
    (None, "youth", "en", True),
    ("فرهاد بهاری‌پور", "new_americans", "fa", True),         # posts anonymously only
    ("Ezekiel Thornbury", "business", "en", False),
]

# (person index, kind, text)
POSTS = [
    (0, "strength", "Faith leaders already host police listening sessions"),
    (1, "strength", "Our congregations trust the community liaison officer"),
    (2, "strength", "مسجد محله درهایش را برای همه باز می‌کند"),
    (3, "strength", "Officers volunteer at the youth league"),
    (6, "strength", "Youth centre staff know every kid by name"),
    (9, "strength", "Shop owners know the beat officers"),
    (0, "barrier", "Nobody explains how to file a complaint"),
    (1, "barrier", "People fear retaliation after a complaint"),
    (3, "barrier", "We rarely meet residents outside emergencies"),
    (5, "barrier", "Officers feel blamed for every incident"),
    (6, "barrier", "Young people are stopped without a reason given"),
    (8, "barrier", "مترجم فارسی در کلانتری نیست"),
    (4, "barrier", "No interpreters at the front desk"),
    (7, "barrier", "Insulting text that the facilitator hides"),
    (7, "strength", "A strength written in anger, hidden"),
]
MERGED_STRENGTH = "Faith communities already work with the police"
# The priorities the organiser confirms, in rank order (not the order of their dots).
PRIORITIES = ["مترجم فارسی در کلانتری نیست", "Nobody explains how to file a complaint",
              "Young people are stopped without a reason given"]
# Each solution room's answers to the guiding questions, by the rank of the priority it drafts.
ANSWERS = {
    1: {"problem": "Persian speakers cannot report a crime at the station",
        "causes": "No interpreter budget; no list of volunteers",
        "options": "Phone interpreting; volunteer interpreters; bilingual hires",
        "solution": "A phone interpreting line at the front desk",
        "actions": "Sign the contract; train the desk staff", "owner": "Chief of Police",
        "timeline": "تا پایان سه ماه آینده", "resources": "City grant",
        "success_measure": "Every Persian caller served the same day"},
    2: {"problem": "Complaints vanish without an answer",
        "causes": "The form is online only, in English",
        "options": "Paper forms; forms in three languages; a complaint desk at the library",
        "solution": "Complaint forms in English, Spanish and Persian at five places",
        "actions": "Translate the form; place the boxes", "owner": "Civilian review board",
        "timeline": "Before June", "resources": "Printing",
        "success_measure": "Every complaint answered within 30 days"},
    3: {"problem": "جوانان بدون توضیح متوقف می‌شوند",
        "causes": "No rule that a reason be given",
        "options": "A card that explains each stop; youth forums",
        "solution": "A card that explains each stop",
        "actions": "Print the cards; brief every shift", "owner": "Youth council and patrol captains",
        "timeline": "Next school year", "resources": "Printing; one training hour",
        "success_measure": "Fewer complaints about stops by June"},
}


@dataclass
class Played:
    workshop_id: str
    created: dict
    rooms: list[int]                                            # room ids in number order
    caucus_sectors: dict[int, list[str]] = field(default_factory=dict)  # room id -> sectors in the caucus
    people: dict[int, dict] = field(default_factory=dict)      # participant id -> name, sector, room
    posts: dict[int, dict] = field(default_factory=dict)       # barrier id -> text, kind, name, anonymous, room
    merged_id: int | None = None
    hidden_id: int | None = None
    hidden_strength_id: int | None = None
    dots: dict[str, int] = field(default_factory=dict)         # plenary item text -> dots
    priority_ids: list[int] = field(default_factory=list)      # plenary item ids in rank order
    drafts: dict[int, dict] = field(default_factory=dict)      # rank -> plan entry id, room id

    @property
    def secret_names(self) -> set[str]:
        """Names of people who posted only anonymously: no export may show them."""
        named = {p["name"] for p in self.posts.values() if not p["anonymous"] and p["name"]}
        anon = {p["name"] for p in self.posts.values() if p["anonymous"] and p["name"]}
        return anon - named


def play(day, *, title="SPCP day — روز گفتگو") -> Played:
    created = day.create(rooms=3, vote_budget=3, languages=("en", "es", "fa"), title=title,
                         sector_preset="spcp", agenda="spcp")
    org = day.organiser()
    rooms = day.room_ids
    out = Played(created["workshop_id"], created, rooms)
    clients = []
    for name, sector, lang, anon in PEOPLE:
        c = day.join(name=name, group=sector, language=lang, anonymous=anon)
        clients.append(c)
        out.people[c.participant_id] = {"name": name, "sector": sector, "anonymous": anon}
    org.ok("workshop_update", date="2026-12-05", place="Erie Community Centre")
    org.ok("prompts_set", prompts={"strength": {"en": "What already works between the police and your people?",
                                                "fa": "چه چیزی میان پلیس و مردم شما همین حالا خوب پیش می‌رود؟"},
                                   "questions": {"problem": {"en": "What is the problem, in one sentence?"}}})
    org.ok("rooms_form")  # the caucus rooms by sector, from the people who came
    state = org.snapshot()
    out.caucus_sectors = {r["id"]: list(r["sectors"]) for r in state["rooms"].values()}
    for pid, p in state["participants"].items():
        out.people[int(pid)]["room"] = p["room_id"]
    facs = {rooms[n]: day.facilitator(n) for n in range(len(rooms))}
    for f in facs.values():
        f.ok("phase_advance", from_phase="lobby")  # brainstorm
    for i, kind, text in POSTS:
        c = clients[i]
        view = c.ok("barrier_post", text=text, kind=kind)["barrier"]
        me = out.people[c.participant_id]
        out.posts[view["id"]] = {"text": text, "kind": kind, "name": me["name"],
                                 "anonymous": True if not me["name"] else me["anonymous"], "room": me["room"]}
    for f in facs.values():
        f.ok("phase_advance", from_phase="brainstorm")  # reveal
    by_text = {p["text"]: k for k, p in out.posts.items()}
    # Two faith strengths, in the faith room: merged into one.
    a, b = by_text[POSTS[0][2]], by_text[POSTS[1][2]]
    room = out.posts[a]["room"]
    assert out.posts[b]["room"] == room, "the two faith people sit in one caucus room"
    out.merged_id = facs[room].ok("barrier_merge", barrier_ids=[a, b], text=MERGED_STRENGTH)["shared_id"]
    out.posts[out.merged_id] = {"text": MERGED_STRENGTH, "kind": "strength", "name": None, "anonymous": True,
                                "room": room}
    out.hidden_id = by_text["Insulting text that the facilitator hides"]
    facs[out.posts[out.hidden_id]["room"]].ok("post_hide", kind="barrier", id=out.hidden_id, reason="Personal attack")
    out.hidden_strength_id = by_text["A strength written in anger, hidden"]
    facs[out.posts[out.hidden_strength_id]["room"]].ok("post_hide", kind="barrier", id=out.hidden_strength_id,
                                                       reason="Off topic")

    org.ok("workshop_advance")  # prioritise: every caucus barrier on the one board
    items = {i["text"]: i["id"] for i in org.snapshot()["plenary"].values()}
    # Dots: each person gives three; the interpreters get the most, the complaint and the stops fewer.
    choices = [["No interpreters at the front desk", "مترجم فارسی در کلانتری نیست", "Nobody explains how to file a complaint"],
               ["مترجم فارسی در کلانتری نیست", "Young people are stopped without a reason given"],
               ["No interpreters at the front desk", "Officers feel blamed for every incident"]]
    for n, c in enumerate(clients):
        for text in choices[n % 3]:
            c.ok("vote_cast", target_type="plenary", target_id=items[text])
            out.dots[text] = out.dots.get(text, 0) + 1
    org.ok("plenary_vote_close")
    out.priority_ids = [items[t] for t in PRIORITIES]
    org.ok("priorities_confirm", item_ids=out.priority_ids)

    org.ok("workshop_advance")  # solution_round: a draft per priority, dealt to the rooms in rank order
    plan = org.snapshot()["plan"]
    for rank, item_id in enumerate(out.priority_ids, 1):
        entry = next(e for e in plan.values() if e["plenary_item_id"] == item_id)
        out.drafts[rank] = {"id": entry["id"], "room": entry["room_id"]}
    for f in facs.values():
        f.ok("phase_advance", from_phase="lobby")  # solutions
    for rank, draft in out.drafts.items():
        for name, value in ANSWERS[rank].items():
            facs[draft["room"]].ok("plan_entry_update", entry_id=draft["id"], field=name, value=value, version=1)
    for _ in ("report_out", "action_plan", "council"):
        org.ok("workshop_advance")
    day.drain()
    return out
