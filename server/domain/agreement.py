"""Common ground: how strongly police and community both support an item.

Pure functions over plain data (no database, no Flask): the report builder
(server/reports/model.py) feeds them participants, items and votes. The
method, and why, is in docs/agreement.md. In short:

* a group is a sector of the workshop (server/domain/sectors.py); the caller
  passes the sectors and their sides as a `Layout` (`layout()`), and without
  one the four groups of the `groups` preset are used;
* support of a group for an item = share of that group's participants in
  the item's scope (its room; the whole workshop for plenary items) who gave
  it a dot;
* agreement = min(police support, community support), where police is the
  sectors on the ``law_enforcement`` side and community is every other
  sector (community members, community organisations, government/other);
  items are ranked by agreement, then by raw tally;
* a cell (a group, or a side) with fewer than K people in the scope is never
  shown, and a cell is also held back when showing it would let someone work
  out a small cell by subtraction (total minus the shown cells). Which cells
  are shown depends only on the group sizes, never on the votes, so the
  pattern of blanks itself says nothing about how anyone voted.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations

from . import rules

DEFAULT_MIN_GROUP_SIZE = 3
# Below 2 a "split" is one person's ballot; the setting cannot go lower.
FLOOR_MIN_GROUP_SIZE = 2


@dataclass(frozen=True)
class Layout:
    """The groups (sector keys, in order) and the two sides of agreement."""

    groups: tuple[str, ...]
    police: tuple[str, ...]

    @property
    def sides(self) -> dict[str, tuple[str, ...]]:
        # Community is everyone who is not police: a lone government/other attendee then pools
        # with the community side instead of hiding it by subtraction (police + community =
        # the public room total).
        return {"police": self.police, "community": tuple(g for g in self.groups if g not in self.police)}

    @property
    def candidates(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The order cells are considered for publication: the two sides the ranking needs first,
        then the single groups."""
        sides = self.sides
        return (("side:police", sides["police"]), ("side:community", sides["community"]),
                *((f"group:{g}", (g,)) for g in self.groups))


def layout(sides: Mapping[str, str]) -> Layout:
    """A workshop's layout from its sectors: key -> side (law_enforcement | community | other), in order."""
    unknown = sorted(set(sides.values()) - set(rules.SECTOR_SIDES))
    if unknown:
        raise ValueError(f"unknown side {unknown[0]!r}")
    return Layout(groups=tuple(sides), police=tuple(k for k, side in sides.items() if side == "law_enforcement"))


# The `groups` preset: the four groups every workshop had before sectors.
DEFAULT_LAYOUT = Layout(groups=rules.GROUPS, police=rules.POLICE_GROUPS)
GROUPS: tuple[str, ...] = DEFAULT_LAYOUT.groups
COMMUNITY_SIDE: tuple[str, ...] = DEFAULT_LAYOUT.sides["community"]
SIDES: dict[str, tuple[str, ...]] = DEFAULT_LAYOUT.sides
CANDIDATES: tuple[tuple[str, tuple[str, ...]], ...] = DEFAULT_LAYOUT.candidates

SHOWN, SUPPRESSED, ABSENT = "shown", "suppressed", "absent"


def check_min_group_size(k: int) -> int:
    if not isinstance(k, int) or k < FLOOR_MIN_GROUP_SIZE:
        raise ValueError(f"the minimum group size must be an integer of at least {FLOOR_MIN_GROUP_SIZE}")
    return k


# -- which cells may be shown -----------------------------------------------------

def _vector(groups: Iterable[str], order: tuple[str, ...]) -> tuple[int, ...]:
    s = set(groups)
    return tuple(1 if g in s else 0 for g in order)


# Linear algebra over the rationals on 0/1 vectors, one column per group (at most 12: small).
# `basis` is a list of (pivot column, row with 1 at its pivot); each row is 0 at the pivots of the
# rows before it, so reducing a vector row by row leaves 0 at every pivot: the residual is 0
# exactly when the vector is a linear combination of the basis (its count can be worked out).

def _reduce(basis: list[tuple[int, list[Fraction]]], v) -> list[Fraction]:
    out = [Fraction(x) for x in v]
    for pivot, row in basis:
        f = out[pivot]
        if f:
            out = [a - f * b for a, b in zip(out, row, strict=True)]
    return out


def _row(residual: list[Fraction]) -> tuple[int, list[Fraction]]:
    pivot = next(i for i, x in enumerate(residual) if x)
    return pivot, [x / residual[pivot] for x in residual]


@dataclass(frozen=True)
class Plan:
    """Which cells of one scope are shown: decided from the group sizes alone."""

    sizes: Mapping[str, int]
    k: int
    status: Mapping[str, str]  # cell name ("side:police", "group:community_org") -> shown|suppressed|absent
    layout: Layout = DEFAULT_LAYOUT

    def shown(self, cell: str) -> bool:
        return self.status[cell] == SHOWN


def plan(sizes: Mapping[str, int], k: int = DEFAULT_MIN_GROUP_SIZE, layout: Layout = DEFAULT_LAYOUT) -> Plan:
    """Decide which group and side splits of a scope may be shown.

    The room's total tally is public anyway. Starting from it (and from the
    groups nobody belongs to, whose count is known to be 0), each candidate
    cell is shown only if it has at least K people and if, once shown, every
    combination of groups whose count could then be worked out by adding and
    subtracting shown numbers still has 0 or at least K people.
    """
    check_min_group_size(k)
    order = layout.groups
    sizes = {g: int(sizes.get(g, 0)) for g in order}
    present = tuple(g for g in order if sizes[g] > 0)
    basis: list[tuple[int, list[Fraction]]] = []
    for v in [_vector(present, order)] + [_vector((g,), order) for g in order if sizes[g] == 0]:
        residual = _reduce(basis, v)
        if any(residual):
            basis.append(_row(residual))
    # The combinations that must not become known: more than nobody, fewer than K people. Every
    # present group has someone, so such a combination has fewer than K groups.
    small = [_vector(sub, order) for r in range(1, min(len(present), k - 1) + 1)
             for sub in combinations(present, r) if sum(sizes[g] for g in sub) < k]
    status: dict[str, str] = {}
    for name, groups in layout.candidates:
        pop = sum(sizes[g] for g in groups)
        if pop == 0:
            status[name] = ABSENT
            continue
        if pop < k:
            status[name] = SUPPRESSED
            continue
        new = _reduce(basis, _vector(groups, order))
        if not any(new):  # known already: showing it tells nothing new
            status[name] = SHOWN
            continue
        pivot, row = _row(new)
        # A small combination not known yet becomes known once this cell is shown exactly when
        # what is left of it, after the known counts, is a multiple of what this cell adds.
        leaks = False
        for v in small:
            rest = _reduce(basis, v)
            if any(rest) and not any(a - rest[pivot] * b for a, b in zip(rest, row, strict=True)):
                leaks = True
                break
        if leaks:
            status[name] = SUPPRESSED
        else:
            status[name] = SHOWN
            basis.append((pivot, row))
    return Plan(sizes=sizes, k=k, status=status, layout=layout)


# -- one item -------------------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    size: int            # people in the scope (always shown: participation is public)
    votes: int | None    # None when suppressed
    share: float | None  # votes / size, None when suppressed or nobody is in it
    status: str


@dataclass(frozen=True)
class Support:
    kind: str            # barrier | solution | plenary
    id: int
    scope: int | None    # room id, or None for the whole workshop
    total: int
    groups: dict[str, Cell]
    sides: dict[str, Cell]
    agreement: float | None  # min(police share, community share); None when either is not shown

    @property
    def suppressed(self) -> bool:
        return any(c.status == SUPPRESSED for c in (*self.groups.values(), *self.sides.values()))


def support(p: Plan, counts: Mapping[str, int], kind: str = "barrier", item_id: int = 0,
            scope: int | None = None) -> Support:
    """The shown splits of one item, given its votes per group."""
    counts = {g: int(counts.get(g, 0)) for g in p.layout.groups}

    def cell(name: str, groups: tuple[str, ...]) -> Cell:
        size = sum(p.sizes[g] for g in groups)
        status = p.status[name]
        if status != SHOWN:
            return Cell(size, None, None, status)
        votes = sum(counts[g] for g in groups)
        return Cell(size, votes, votes / size, status)

    groups = {g: cell(f"group:{g}", (g,)) for g in p.layout.groups}
    sides = {s: cell(f"side:{s}", gs) for s, gs in p.layout.sides.items()}
    police, community = sides["police"].share, sides["community"].share
    agreement = min(police, community) if police is not None and community is not None else None
    return Support(kind=kind, id=item_id, scope=scope, total=sum(counts.values()), groups=groups, sides=sides,
                   agreement=agreement)


# -- a whole workshop -------------------------------------------------------------------

@dataclass(frozen=True)
class Person:
    id: int
    group: str
    room_id: int | None
    removed: bool = False


@dataclass(frozen=True)
class Item:
    kind: str            # barrier | solution | plenary
    id: int
    scope: int | None    # room id; None for plenary items (the whole workshop)


@dataclass
class Agreement:
    k: int
    sizes: dict[int | None, dict[str, int]]   # scope -> group -> people
    plans: dict[int | None, Plan]
    items: dict[tuple[str, int], Support] = field(default_factory=dict)

    def ranked(self, kinds: Iterable[str] | None = None) -> list[Support]:
        """Items by agreement (unknown last), then raw tally, then kind and id."""
        wanted = set(kinds) if kinds is not None else None
        chosen = [s for s in self.items.values() if wanted is None or s.kind in wanted]
        return sorted(chosen, key=lambda s: (s.agreement is None, -(s.agreement or 0.0), -s.total, s.kind, s.id))


def populations(people: Iterable[Person], items: Iterable[Item], votes: Iterable[tuple[int, str, int]],
                layout: Layout = DEFAULT_LAYOUT) -> dict[int | None, dict[str, set[int]]]:
    """Who counts in each scope: its current members, plus anyone who voted on one of its items
    (someone moved or removed after voting still counts where they voted)."""
    people = {p.id: p for p in people}
    scope_of = {(i.kind, i.id): i.scope for i in items}
    out: dict[int | None, dict[str, set[int]]] = {}

    def add(scope, pid):
        p = people.get(pid)
        if p is not None:
            out.setdefault(scope, {g: set() for g in layout.groups})[p.group].add(pid)

    for p in people.values():
        if not p.removed:
            add(None, p.id)
            if p.room_id is not None:
                add(p.room_id, p.id)
    for pid, kind, target in votes:
        if (kind, target) in scope_of:
            add(scope_of[(kind, target)], pid)
    return out


def compute(people: Iterable[Person], items: Iterable[Item], votes: Iterable[tuple[int, str, int]],
            k: int = DEFAULT_MIN_GROUP_SIZE, layout: Layout = DEFAULT_LAYOUT) -> Agreement:
    """Support per group and side for every item, with the suppression rule applied."""
    people, items, votes = list(people), list(items), list(votes)
    group_of = {p.id: p.group for p in people}
    members = populations(people, items, votes, layout)
    sizes = {scope: {g: len(ids) for g, ids in by_group.items()} for scope, by_group in members.items()}
    empty = {g: 0 for g in layout.groups}
    plans = {scope: plan(s, k, layout) for scope, s in sizes.items()}
    result = Agreement(k=k, sizes=sizes, plans=plans)
    tallies: dict[tuple[str, int], dict[str, int]] = {}
    for pid, kind, target in votes:
        if pid in group_of:
            t = tallies.setdefault((kind, target), dict(empty))
            t[group_of[pid]] += 1
    for item in items:
        p = plans.get(item.scope) or plan(empty, k, layout)
        result.items[(item.kind, item.id)] = support(p, tallies.get((item.kind, item.id), empty), item.kind,
                                                     item.id, item.scope)
    return result
