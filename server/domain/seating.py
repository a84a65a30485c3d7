"""Who sits in which room: caucus rooms by sector, mixed rooms with every sector (docs/agenda.md).

Pure functions of counts and keys; the commands that move people are in workshops.py.
"""
from __future__ import annotations

from collections import Counter


def caucus_rooms(room_ids: list[int], sizes: list[tuple[str, int]]) -> dict[int, list[str]]:
    """The sectors each room gathers in a caucus round.

    `sizes`: every sector's key and how many people it has, in the workshop's order. With as many
    rooms as sectors or more, each sector has a room and the rooms left go to the largest sectors
    (highest averages: a sector's people per room if it had one more); with fewer rooms, the
    largest sectors are placed first, each in the room with the fewest people so far, so the
    smallest end up sharing."""
    rooms: dict[int, list[str]] = {rid: [] for rid in room_ids}
    if not room_ids or not sizes:
        return rooms
    order = {key: i for i, (key, _) in enumerate(sizes)}
    count = dict(sizes)
    if len(room_ids) >= len(sizes):
        held = Counter({key: 1 for key, _ in sizes})
        for _ in range(len(room_ids) - len(sizes)):
            key = max(count, key=lambda k: (count[k] / (held[k] + 1), -order[k]))
            held[key] += 1
        it = iter(room_ids)
        for key, _ in sizes:
            for _ in range(held[key]):
                rooms[next(it)].append(key)
        return rooms
    load = {rid: 0 for rid in room_ids}
    for key, n in sorted(sizes, key=lambda s: (-s[1], order[s[0]])):
        rid = min(room_ids, key=lambda r: (load[r], len(rooms[r]), room_ids.index(r)))
        rooms[rid].append(key)
        load[rid] += n
    return rooms


def seat_caucus(people: list[tuple[int, str]], rooms: dict[int, list[str]]) -> dict[int, int]:
    """Each person's room in a caucus round: the least full room of their sector (in id order).

    `people`: (participant id, sector key); `rooms`: caucus_rooms' answer."""
    seated: Counter = Counter()
    order = list(rooms)
    out = {}
    for pid, key in sorted(people):
        mine = [rid for rid in order if key in rooms[rid]] or order
        rid = min(mine, key=lambda r: (seated[r], order.index(r)))
        out[pid] = rid
        seated[rid] += 1
    return out


def seat_mixed(people: list[tuple[int, str, str]], room_ids: list[int]) -> dict[int, int]:
    """Each person's room in a mixed round: every sector's people dealt across the rooms, largest
    sector first, each to the room with the fewest of their sector, then of their side, then of
    people; so each room has someone of every sector whose numbers allow, balanced by side.

    `people`: (participant id, sector key, side)."""
    by_sector: dict[str, list[tuple[int, str]]] = {}
    for pid, key, side in sorted(people):
        by_sector.setdefault(key, []).append((pid, side))
    of_sector: Counter = Counter()
    of_side: Counter = Counter()
    size: Counter = Counter()
    out = {}
    for key, members in sorted(by_sector.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        for pid, side in members:
            rid = min(room_ids, key=lambda r: (of_sector[r, key], of_side[r, side], size[r], room_ids.index(r)))
            out[pid] = rid
            of_sector[rid, key] += 1
            of_side[rid, side] += 1
            size[rid] += 1
    return out
