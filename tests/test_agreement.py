"""Common ground (server/domain/agreement.py): support per group, the ranking, and small-group suppression."""
from __future__ import annotations

from itertools import combinations, product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain import agreement as ag

LE, CM, CO, GO = ag.GROUPS


def sizes(le=0, cm=0, co=0, go=0) -> dict:
    return {LE: le, CM: cm, CO: co, GO: go}


# -- the suppression rule -------------------------------------------------------------

def test_every_group_shown_when_each_has_k_people():
    p = ag.plan(sizes(4, 3, 3, 5))
    assert all(v == ag.SHOWN for v in p.status.values())
    s = ag.support(p, sizes(2, 3, 0, 1))
    assert s.groups[LE].votes == 2 and s.groups[LE].share == 0.5
    # Community is every group but police: 3 + 0 + 1 dots from 3 + 3 + 5 people.
    assert s.sides["community"].votes == 4 and s.sides["community"].size == 11
    assert s.agreement == pytest.approx(4 / 11) and s.total == 6


def test_a_group_below_k_is_suppressed_and_so_is_its_complement():
    # One community organisation member in the room: their split is hidden, and
    # the community-member split is hidden too, because the community side minus
    # community members would be exactly that one person's dot.
    p = ag.plan(sizes(4, 4, 1, 0))
    assert p.status["group:community_org"] == ag.SUPPRESSED
    assert p.status["group:community_member"] == ag.SUPPRESSED
    assert p.status["side:police"] == ag.SHOWN and p.status["side:community"] == ag.SHOWN
    assert p.status["group:government_other"] == ag.ABSENT
    s = ag.support(p, sizes(3, 2, 1, 0))
    assert s.groups[CO].votes is None and s.groups[CO].share is None and s.groups[CO].size == 1
    assert s.groups[CM].votes is None
    assert s.sides["community"].votes == 3 and s.agreement == pytest.approx(min(3 / 4, 3 / 5))
    assert s.suppressed


def test_a_lone_person_of_a_fourth_group_pools_with_the_community_side():
    # Community is everyone who is not police, so police + community = the public
    # total and the lone government/other person's dot cannot be subtracted out.
    p = ag.plan(sizes(3, 3, 2, 1))
    assert p.status["side:police"] == ag.SHOWN
    assert p.status["side:community"] == ag.SHOWN
    assert p.status["group:community_member"] == ag.SHOWN
    assert p.status["group:community_org"] == ag.SUPPRESSED
    assert p.status["group:government_other"] == ag.SUPPRESSED
    s = ag.support(p, sizes(1, 1, 1, 1))
    assert s.sides["community"].votes == 3 and s.sides["community"].size == 6
    assert s.agreement == pytest.approx(min(1 / 3, 3 / 6))
    assert s.groups[GO].votes is None and s.groups[CO].votes is None


def test_a_room_with_too_few_police_has_no_agreement_but_keeps_its_tally():
    p = ag.plan(sizes(2, 5, 4, 0))
    assert p.status["side:police"] == ag.SUPPRESSED
    s = ag.support(p, sizes(2, 3, 1, 0))
    assert s.total == 6 and s.sides["police"].votes is None and s.agreement is None


def test_k_is_a_setting_with_a_floor():
    assert ag.plan(sizes(2, 2, 0, 0), k=2).status["side:police"] == ag.SHOWN
    assert ag.plan(sizes(2, 2, 0, 0), k=3).status["side:police"] == ag.SUPPRESSED
    for bad in (1, 0, -3, "3"):
        with pytest.raises(ValueError):
            ag.plan(sizes(5, 5), k=bad)


# -- the ranking ------------------------------------------------------------------------

def people(room, le, cm, co=0, go=0, start=1):
    out, n = [], start
    for group, count in ((LE, le), (CM, cm), (CO, co), (GO, go)):
        for _ in range(count):
            out.append(ag.Person(n, group, room))
            n += 1
    return out


def test_ranking_by_the_weaker_side_then_by_tally():
    folks = people(1, 4, 4)  # ids 1-4 police, 5-8 community
    items = [ag.Item("barrier", i, 1) for i in (10, 11, 12, 13)]
    votes = ([(p, "barrier", 10) for p in (1, 2, 5, 6)]            # 2/4 and 2/4 -> 0.5
             + [(p, "barrier", 11) for p in (1, 2, 3, 4, 5)]      # 4/4 and 1/4 -> 0.25, 5 dots
             + [(p, "barrier", 12) for p in (3, 7)]              # 1/4 and 1/4 -> 0.25, fewer dots
             + [(p, "barrier", 13) for p in (5, 6, 7, 8)])       # police 0 -> 0
    result = ag.compute(folks, items, votes)
    ranked = [s.id for s in result.ranked()]
    assert ranked == [10, 11, 12, 13]
    top = result.items[("barrier", 10)]
    assert top.sides["police"].share == 0.5 and top.sides["community"].share == 0.5 and top.agreement == 0.5


def test_unknown_agreement_ranks_after_known_ones_by_tally():
    folks = people(1, 4, 4) + people(2, 1, 4, start=20)  # room 2 has one officer
    items = [ag.Item("barrier", 1, 1), ag.Item("barrier", 2, 2), ag.Item("barrier", 3, 2)]
    votes = [(1, "barrier", 1), (5, "barrier", 1), (21, "barrier", 2), (22, "barrier", 2), (23, "barrier", 3)]
    result = ag.compute(folks, items, votes)
    assert [s.id for s in result.ranked()] == [1, 2, 3]
    assert result.items[("barrier", 2)].agreement is None


def test_plenary_items_use_the_whole_workshop_and_moved_voters_count_where_they_voted():
    folks = people(1, 2, 3) + people(2, 2, 2, start=10)
    moved = ag.Person(99, LE, 2)  # voted in room 1, then moved to room 2
    items = [ag.Item("plenary", 1, None), ag.Item("barrier", 5, 1)]
    votes = [(1, "plenary", 1), (10, "plenary", 1), (3, "plenary", 1), (99, "barrier", 5), (1, "barrier", 5)]
    result = ag.compute([*folks, moved], items, votes)
    assert result.sizes[None] == sizes(5, 5, 0, 0)
    assert result.sizes[1][LE] == 3  # two members plus the moved voter
    plenary = result.items[("plenary", 1)]
    assert plenary.sides["police"].votes == 2 and plenary.sides["community"].votes == 1
    assert result.items[("barrier", 5)].sides["police"].votes == 2


# -- property: no suppressed cell can be recovered -------------------------------------

group_sizes = st.fixed_dictionaries({g: st.integers(0, 6) for g in ag.GROUPS})


def published(s: ag.Support) -> tuple:
    """Everything a report shows about an item."""
    return (s.total, s.agreement, tuple((c.votes, c.share, c.status) for c in s.groups.values()),
            tuple((c.votes, c.share, c.status) for c in s.sides.values()))


@settings(max_examples=150, deadline=None)
@given(n=group_sizes, k=st.integers(2, 5), data=st.data())
def test_suppressed_groups_never_leak_by_differencing(n, k, data):
    counts = {g: data.draw(st.integers(0, n[g]), label=g) for g in ag.GROUPS}
    p = ag.plan(n, k)
    shown = published(ag.support(p, counts))
    # 1. no shown cell is smaller than k
    for name, status in p.status.items():
        groups = dict(ag.CANDIDATES)[name]
        if status == ag.SHOWN:
            assert sum(n[g] for g in groups) >= k
    # 2. moving one dot between a suppressed group and some partner group changes
    #    nothing that is published: the suppressed group's count cannot be worked
    #    out from the total and the shown splits. The partner pool has >= k people.
    for g in ag.GROUPS:
        if p.status[f"group:{g}"] != ag.SUPPRESSED:
            continue
        partners = [h for h in ag.GROUPS if h != g and n[h] > 0 and _hidden_together(p, g, h)]
        present = {h for h in ag.GROUPS if n[h] > 0}
        pool = {g, *partners}
        if pool == present:
            continue  # the room's own tally is this pool's count: public anyway, nothing more is shown
        assert partners, f"{g} is suppressed but nothing hides it (sizes {n}, k={k})"
        assert sum(n[x] for x in pool) >= k
        for h in partners:
            for a, b in ((g, h), (h, g)):
                if counts[a] < n[a] and counts[b] > 0:
                    moved = dict(counts)
                    moved[a] += 1
                    moved[b] -= 1
                    assert published(ag.support(p, moved)) == shown, (g, h, n, counts)
    # 3. the same holds for every small combination of groups: no such combination's
    #    dots are a fixed function of the published numbers (unless the total alone fixes it).
    present = [g for g in ag.GROUPS if n[g] > 0]
    for r in range(1, len(present)):
        for combo in combinations(present, r):
            if 0 < sum(n[g] for g in combo) < k:
                assert _can_vary(p, n, counts, set(combo), shown), (combo, n, counts, k)


def _hidden_together(p: ag.Plan, g: str, h: str) -> bool:
    """True when no shown cell separates g from h (contains one but not the other)."""
    return not any(p.status[name] == ag.SHOWN and ((g in groups) != (h in groups)) for name, groups in ag.CANDIDATES)


def _can_vary(p, n, counts, combo, shown) -> bool:
    """Some other ballot box with the same published numbers gives `combo` a different count,
    unless no other count is possible at all (e.g. nobody voted: the public total is 0)."""
    ranges = [range(n[g] + 1) for g in ag.GROUPS]
    possible = set()
    for values in product(*ranges):
        other = dict(zip(ag.GROUPS, values))
        if published(ag.support(p, other)) == shown:
            possible.add(sum(other[g] for g in combo))
            if len(possible) > 1:
                return True
    # Only one value: allowed only when every group of the combination sits in a block of
    # >= k people (or the whole room) that voted all alike - the k-anonymity trade-off:
    # "all 4 officers gave it a dot" pins each officer, however many there are.
    return all(_block_is_uniform(p, n, counts, g) for g in combo)


def _block_is_uniform(p, n, counts, g) -> bool:
    block = [h for h in ag.GROUPS if n[h] > 0 and (h == g or _hidden_together(p, g, h))]
    votes, size = sum(counts[h] for h in block), sum(n[h] for h in block)
    return votes in (0, size)
