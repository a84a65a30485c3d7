"""A small scripted day for the export tests (and scripts/render-report-pages).

Two rooms; people with distinctive names, some posting anonymously; English,
Spanish and Persian posts; a merge, a hidden post, solutions, a report-out,
plenary votes, an action plan with Persian fields, and a council. `play()`
returns what the tests need to check the exports against: the texts, the
names that must never appear (authors of anonymous posts), and the ids.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# (name, group, language, anonymous by default). Room 0 then room 1.
ROOM_PEOPLE = [
    [("Zebulon Quartermaine", "law_enforcement", "en", True),     # posts anonymously only
     ("Officer Ilse Vandermeer", "law_enforcement", "en", False),
     ("Sgt. Okonkwo-Laurent", "law_enforcement", "en", False),
     (None, "law_enforcement", "en", True),
     ("Xiomara Feldspar", "community_member", "es", True),          # posts anonymously only
     ("پرستو خاوری‌نژاد", "community_member", "fa", True),           # posts anonymously only
     ("Rosalind Achterberg", "community_member", "en", False),
     (None, "community_member", "fa", True),
     ("Thaddeus Lightfoot", "community_org", "en", False)],        # the only community_org in room 0
    [("Capt. Maribel Oyelaran", "law_enforcement", "es", False),
     (None, "law_enforcement", "en", True),
     ("Bartholomew Grzeszczak", "law_enforcement", "en", True),    # posts anonymously only
     ("Dagny Hollowell", "community_member", "en", False),
     (None, "community_member", "es", True),
     ("کیانوش مهرآیین", "community_member", "fa", False),
     ("Ottoline Farquharson", "community_org", "en", False),
     (None, "community_org", "en", True),
     ("Aurelio Bustamante-Krol", "government_other", "es", False)],
]

BARRIERS = [
    # room, person index, text, anonymous choice (None = the person's default)
    (0, 0, "Officers never explain why a car is stopped", None),
    (0, 4, "Nadie explica cómo presentar una queja", None),
    (0, 5, "مردم از تلافی می‌ترسند و شکایت نمی‌کنند", None),
    (0, 1, "We rarely meet residents outside emergencies", False),
    (0, 6, "Complaints vanish without an answer", False),
    (0, 7, "مترجم فارسی در کلانتری نیست", None),
    (0, 8, "No interpreters at the front desk", False),
    (0, 3, "Insulting text that the facilitator hides", None),
    (1, 2, "Young people fear being searched at school", None),
    (1, 3, "Patrols change neighbourhood too often", False),
    (1, 5, "جوانان از پلیس می‌ترسند", False),
    (1, 4, "La gente teme represalias si denuncia", None),
    (1, 6, "Community groups are not invited to planning", False),
]


@dataclass
class Played:
    workshop_id: str
    created: dict
    rooms: list[int]
    people: dict[int, dict] = field(default_factory=dict)        # participant id -> name, group, room
    posts: dict[tuple[str, int], dict] = field(default_factory=dict)  # (kind, id) -> text, author, anonymous, name
    shared_id: int | None = None
    hidden_id: int | None = None
    plenary_ids: list[int] = field(default_factory=list)
    plan_ids: list[int] = field(default_factory=list)

    @property
    def secret_names(self) -> set[str]:
        """Names of people who posted only anonymously: they must appear in no export."""
        named = {p["name"] for p in self.posts.values() if not p["anonymous"] and p["name"]}
        anon = {p["name"] for p in self.posts.values() if p["anonymous"] and p["name"]}
        council = {m for m in self.council_names}
        return anon - named - council

    council_names: list[str] = field(default_factory=list)


def play(day, *, title="Eastside trust workshop — یک روز گفتگو") -> Played:
    """Play the whole day with real commands through the Socket.IO test clients."""
    created = day.create(rooms=2, vote_budget=3, languages=("en", "es", "fa"), title=title)
    org = day.organiser()
    facs = [day.facilitator(0), day.facilitator(1)]
    rooms = day.room_ids
    out = Played(created["workshop_id"], created, rooms)
    clients: list[list] = [[], []]
    for r, people in enumerate(ROOM_PEOPLE):
        for name, group, lang, anon in people:
            data = day.join(name=name, group=group, language=lang, anonymous=anon, connect=False)
            if data["room_id"] != rooms[r]:
                org.ok("participant_move", participant_id=data["participant_id"], room_id=rooms[r])
            c = day._client(data["token"], "participant", participant_id=data["participant_id"], room_id=rooms[r])
            clients[r].append(c)
            out.people[c.participant_id] = {"name": name, "group": group, "room": rooms[r], "anonymous": anon}
    org.ok("workshop_update", date="2026-11-25", place="Eastside Community Centre")

    for f in facs:
        f.ok("phase_advance", from_phase="lobby")  # brainstorm
    for r, i, text, choice in BARRIERS:
        c = clients[r][i]
        payload = {"text": text} if choice is None else {"text": text, "anonymous": choice}
        view = c.ok("barrier_post", **payload)["barrier"]
        me = out.people[c.participant_id]
        anonymous = True if not me["name"] else (me["anonymous"] if choice is None else choice)
        out.posts[("barrier", view["id"])] = {"text": text, "author": c.participant_id, "anonymous": anonymous,
                                             "name": me["name"], "room": rooms[r]}
    by_text = {p["text"]: k[1] for k, p in out.posts.items()}
    for f in facs:
        f.ok("phase_advance", from_phase="brainstorm")  # reveal
    # Merge the two Persian/English interpreter barriers of room 0.
    merged = facs[0].ok("barrier_merge", barrier_ids=[by_text["مترجم فارسی در کلانتری نیست"],
                                                      by_text["No interpreters at the front desk"]],
                        text="No interpreters (Persian, Spanish) at the station")
    out.shared_id = merged["shared_id"]
    out.posts[("barrier", out.shared_id)] = {"text": "No interpreters (Persian, Spanish) at the station",
                                             "author": None, "anonymous": True, "name": None, "room": rooms[0]}
    out.hidden_id = by_text["Insulting text that the facilitator hides"]
    facs[0].ok("post_hide", kind="barrier", id=out.hidden_id, reason="Personal attack")
    for f in facs:
        f.ok("phase_advance", from_phase="reveal")  # vote
    # Room 0: police and community both like "explain stops" and the interpreters.
    votes0 = {0: ["Officers never explain why a car is stopped", "SHARED", "Complaints vanish without an answer"],
              1: ["Officers never explain why a car is stopped", "We rarely meet residents outside emergencies"],
              2: ["SHARED", "Officers never explain why a car is stopped"],
              3: ["We rarely meet residents outside emergencies"],
              4: ["Officers never explain why a car is stopped", "Nadie explica cómo presentar una queja", "SHARED"],
              5: ["مردم از تلافی می‌ترسند و شکایت نمی‌کنند", "SHARED"],
              6: ["Complaints vanish without an answer", "Officers never explain why a car is stopped"],
              7: ["SHARED", "مردم از تلافی می‌ترسند و شکایت نمی‌کنند"],
              8: ["SHARED", "Nadie explica cómo presentar una queja"]}
    votes1 = {0: ["Young people fear being searched at school", "جوانان از پلیس می‌ترسند"],
              1: ["Patrols change neighbourhood too often"],
              2: ["جوانان از پلیس می‌ترسند", "Young people fear being searched at school"],
              3: ["جوانان از پلیس می‌ترسند", "Community groups are not invited to planning"],
              4: ["La gente teme represalias si denuncia", "جوانان از پلیس می‌ترسند"],
              5: ["جوانان از پلیس می‌ترسند", "Young people fear being searched at school"],
              6: ["Community groups are not invited to planning"],
              7: ["Community groups are not invited to planning", "جوانان از پلیس می‌ترسند"],
              8: ["Patrols change neighbourhood too often"]}
    for r, table in enumerate((votes0, votes1)):
        for i, texts in table.items():
            for text in texts:
                target = out.shared_id if text == "SHARED" else by_text[text]
                clients[r][i].ok("vote_cast", target_type="barrier", target_id=target)
    for f in facs:
        f.ok("phase_advance", from_phase="vote")  # solutions
    sols = [
        (0, 1, "SHARED", "Hire interpreters and publish the hours", None),
        (0, 4, "Officers never explain why a car is stopped", "Una tarjeta que explique cada parada", None),
        (0, 5, "SHARED", "برگزاری جلسات گفتگو با پلیس به زبان فارسی", None),
        (1, 0, "جوانان از پلیس می‌ترسند", "A school liaison officer who knows the students", False),
        (1, 2, "Young people fear being searched at school", "Written rules for any search at school", None),
    ]
    sol_ids = []
    for r, i, barrier_text, text, choice in sols:
        c = clients[r][i]
        bid = out.shared_id if barrier_text == "SHARED" else by_text[barrier_text]
        payload = {"barrier_id": bid, "text": text}
        if choice is not None:
            payload["anonymous"] = choice
        view = c.ok("solution_post", **payload)["solution"]
        me = out.people[c.participant_id]
        anonymous = True if not me["name"] else (me["anonymous"] if choice is None else choice)
        out.posts[("solution", view["id"])] = {"text": text, "author": c.participant_id, "anonymous": anonymous,
                                              "name": me["name"], "room": rooms[r]}
        sol_ids.append((r, view["id"]))
    for r, sid in sol_ids:
        for c in clients[r][:5]:
            c.ok("vote_cast", target_type="solution", target_id=sid)
    for f in facs:
        f.ok("phase_advance", from_phase="solutions")  # report_out
    push0 = [out.shared_id, by_text["Officers never explain why a car is stopped"]]
    push1 = [by_text["جوانان از پلیس می‌ترسند"], by_text["Young people fear being searched at school"]]
    out.plenary_ids = facs[0].ok("report_push", barrier_ids=push0)["item_ids"] + \
        facs[1].ok("report_push", barrier_ids=push1)["item_ids"]
    org.ok("workshop_advance")  # plenary
    everyone = clients[0] + clients[1]
    for n, c in enumerate(everyone):
        for item in (out.plenary_ids[n % 4], out.plenary_ids[(n + 1) % 4]):
            c.ok("vote_cast", target_type="plenary", target_id=item)
    org.ok("workshop_advance")  # action plan
    e1 = org.ok("plan_entry_create", plenary_item_id=out.plenary_ids[0])["entry"]
    e2 = org.ok("plan_entry_create", plenary_item_id=out.plenary_ids[2])["entry"]
    e3 = org.ok("plan_entry_create", title="Quarterly open meeting, police and residents")["entry"]
    out.plan_ids = [e1["id"], e2["id"], e3["id"]]
    for field_, value in (("actions", "Recruit two interpreters; post the hours at the front desk"),
                          ("owner", "Chief of Police and the Iranian-American Association"),
                          ("timeline", "تا پایان سه ماه آینده"), ("status", "agreed")):
        org.ok("plan_entry_update", entry_id=e1["id"], field=field_, value=value, version=1)
    org.ok("plan_entry_update", entry_id=e2["id"], field="actions",
           value="دیدار ماهانه با دانش‌آموزان و والدین در مدرسه", version=1)
    org.ok("plan_entry_update", entry_id=e2["id"], field="success_measure",
           value="Fewer complaints about searches by June", version=1)
    org.ok("plan_entry_update", entry_id=e3["id"], field="owner", value="Ayuntamiento y consejo", version=1)
    # Council: co-chairs from both sides; one member named in Persian.
    chair_police, chair_comm, member = clients[0][1], clients[1][3], clients[1][5]
    for c in (chair_police, chair_comm, member):
        c.ok("council_volunteer", contact=f"p{c.participant_id}@example.org", consent=True)
    clients[0][0].ok("council_volunteer", consent=False)  # volunteers, gets no role
    org.ok("council_role_set", participant_id=chair_police.participant_id, role="co_chair_law_enforcement")
    org.ok("council_role_set", participant_id=chair_comm.participant_id, role="co_chair_community")
    org.ok("council_role_set", participant_id=member.participant_id, role="member")
    out.council_names = [out.people[c.participant_id]["name"] for c in (chair_police, chair_comm, member)]
    day.drain()
    return out
