"""Place accepted 1:1 meetings of a session into time slots and tables (no market rules).

Used by techtransfer's brokerage sessions and by the 1:1 meetings after roadshows.

The problem is edge colouring of a multigraph (participants are vertices, meetings are
edges, slots are colours) with two extras: a colour class holds at most ``tables`` edges,
and a vertex may not use the colours it is unavailable in. We maximise placed edges:

1. operator locks are placed first and never moved;
2. a DSatur-style greedy takes next the meeting with the fewest feasible slots (ties:
   meetings of lightly booked participants first, which spreads meetings across people)
   and gives it the slot that removes the fewest options from its neighbours;
3. repair (``repair.py``): each unplaced meeting tries an ejection chain (Kempe-style):
   take a slot, evict what blocks it (a participant's meeting there, or one table's
   worth if the slot is full) and re-place those recursively, depth 1, then 2, then 3,
   undoing a chain that fails; then coverage swaps give participants left without any
   meeting one, never lowering the placed count.

Everything is seeded and budgeted by search steps, never by wall-clock time, so a given
input always yields the same schedule. ``greedy_schedule`` is the plain first-fit
baseline; ``schedule`` never places fewer meetings than it.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from shared.errors import InvalidInput

from .board import Board, bits
from .repair import Repair

DEFAULT_EFFORT = 400_000  # search steps for the repair phase


class Invalid(InvalidInput):
    """The scheduler's input is inconsistent (a bad lock, a meeting with oneself)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(field, "invalid_schedule", zh=reason, en=reason)
        self.reason = reason


class UnplacedReason(StrEnum):
    no_common_slot = "no_common_slot"  # the two share no slot they are both available in
    participants_busy = "participants_busy"  # in every shared slot one of them has a meeting
    tables_full = "tables_full"  # the shared free slots have no table left


REASON_TEXT = {
    UnplacedReason.no_common_slot: ("双方没有共同的可用时段", "no time slot both sides are free"),
    UnplacedReason.participants_busy: (
        "共同可用时段均已被其他洽谈占用",
        "one side has another meeting in every shared slot",
    ),
    UnplacedReason.tables_full: (
        "共同空闲时段的洽谈桌已满",
        "no table left in the shared free slots",
    ),
}


class ScheduleResult(BaseModel):
    """Placed meetings as ``(slot, table)`` (tables count from 1) and why others were not."""

    model_config = ConfigDict(frozen=True)

    placed: dict[str, tuple[int, int]]
    unplaced: dict[str, UnplacedReason]


class _Problem:
    """Validated input translated to dense indices."""

    def __init__(
        self,
        slots: Sequence[int],
        tables_per_slot: int | Mapping[int, int],
        meetings: Mapping[str, tuple[str, str]],
        unavailable: Mapping[str, Iterable[int]],
        locked: Mapping[str, tuple[int, int]],
    ) -> None:
        self.slots = list(dict.fromkeys(slots))
        slot_index = {s: i for i, s in enumerate(self.slots)}
        if isinstance(tables_per_slot, int):
            caps = [tables_per_slot] * len(self.slots)
        else:
            caps = [tables_per_slot.get(s, 0) for s in self.slots]
        if any(c < 0 for c in caps):
            raise Invalid("tables_per_slot", "tables per slot must not be negative")
        self.ids = list(meetings)
        people: dict[str, int] = {}
        ends: list[tuple[int, int]] = []
        for mid, (a, b) in meetings.items():
            if a == b:
                raise Invalid(f"meetings.{mid}", "a meeting needs two different participants")
            ends.append((people.setdefault(a, len(people)), people.setdefault(b, len(people))))
        everything = (1 << len(self.slots)) - 1
        avail = [everything] * len(people)
        for person, blocked in unavailable.items():
            if person in people:
                for s in blocked:
                    if s in slot_index:
                        avail[people[person]] &= ~(1 << slot_index[s])
        self.people = list(people)
        self.caps, self.ends, self.avail = caps, ends, avail
        self.locks = self._locks(locked, slot_index, {m: i for i, m in enumerate(self.ids)})

    def _locks(
        self,
        locked: Mapping[str, tuple[int, int]],
        slot_index: dict[int, int],
        index: dict[str, int],
    ) -> dict[int, tuple[int, int]]:
        locks: dict[int, tuple[int, int]] = {}
        taken: set[tuple[int, int]] = set()
        seen: set[tuple[int, int]] = set()  # (person, slot)
        for mid, (slot, table) in locked.items():
            field = f"locked.{mid}"
            if mid not in index:
                raise Invalid(field, "locked meeting is not among the meetings to schedule")
            if slot not in slot_index:
                raise Invalid(field, f"slot {slot} is not a slot of this session")
            s = slot_index[slot]
            if not 1 <= table <= self.caps[s]:
                raise Invalid(field, f"table {table} is outside 1..{self.caps[s]}")
            if (s, table) in taken:
                raise Invalid(field, f"slot {slot} table {table} is locked twice")
            taken.add((s, table))
            e = index[mid]
            for p in self.ends[e]:
                if not self.avail[p] >> s & 1:
                    raise Invalid(field, f"{self.people[p]} is unavailable in slot {slot}")
                if (p, s) in seen:
                    raise Invalid(field, f"{self.people[p]} has two locked meetings in slot {slot}")
                seen.add((p, s))
            locks[e] = (s, table)
        return locks

    def board(self) -> Board:
        board = Board(self.caps, self.ends, self.avail)
        for e, (s, _) in self.locks.items():
            board.place(e, s)
            board.locked.add(e)
            for p in self.ends[e]:
                board.hard[p] |= 1 << s
        board.journal.clear()
        return board

    def result(self, board: Board) -> ScheduleResult:
        placed: dict[str, tuple[int, int]] = {}
        used: list[set[int]] = [set() for _ in self.slots]
        for s, table in self.locks.values():
            used[s].add(table)
        next_table = [1] * len(self.slots)
        unplaced: dict[str, UnplacedReason] = {}
        for e, mid in enumerate(self.ids):
            s = board.slot_of[e]
            if e in self.locks:
                placed[mid] = (self.slots[s], self.locks[e][1])
            elif s >= 0:
                while next_table[s] in used[s]:
                    next_table[s] += 1
                placed[mid] = (self.slots[s], next_table[s])
                next_table[s] += 1
            else:
                unplaced[mid] = self._reason(board, e)
        return ScheduleResult(placed=placed, unplaced=unplaced)

    def _reason(self, board: Board, e: int) -> UnplacedReason:
        a, b = self.ends[e]
        shared = self.avail[a] & self.avail[b]
        if not shared:
            return UnplacedReason.no_common_slot
        if not shared & ~(board.busy[a] | board.busy[b]):
            return UnplacedReason.participants_busy
        return UnplacedReason.tables_full


def greedy_schedule(
    slots: Sequence[int],
    tables_per_slot: int | Mapping[int, int],
    meetings: Mapping[str, tuple[str, str]],
    unavailable: Mapping[str, Iterable[int]],
    locked: Mapping[str, tuple[int, int]],
) -> ScheduleResult:
    """Baseline: locks first, then each meeting in input order into the first slot that fits."""
    problem = _Problem(slots, tables_per_slot, meetings, unavailable, locked)
    board = problem.board()
    _first_fit(board)
    return problem.result(board)


def _first_fit(board: Board) -> None:
    for e in range(len(board.ends)):
        if board.slot_of[e] < 0:
            feasible = board.feasible(e)
            if feasible:
                board.place(e, (feasible & -feasible).bit_length() - 1)


def schedule(
    slots: Sequence[int],
    tables_per_slot: int | Mapping[int, int],
    meetings: Mapping[str, tuple[str, str]],
    unavailable: Mapping[str, Iterable[int]],
    locked: Mapping[str, tuple[int, int]],
    *,
    seed: int = 0,
    effort: int = DEFAULT_EFFORT,
) -> ScheduleResult:
    """Place as many ``meetings`` (id → (participant, participant)) as possible.

    Hard rules: nobody in two meetings in one slot, at most ``tables_per_slot`` meetings in
    a slot, nobody placed in a slot listed in ``unavailable``, and ``locked`` meetings
    (id → (slot, table)) stay exactly where they are. Invalid locks raise ``Invalid``.
    """
    problem = _Problem(slots, tables_per_slot, meetings, unavailable, locked)
    rng = random.Random(seed)  # noqa: S311 -- reproducible tie-breaks, not secrets
    board = problem.board()
    _dsatur(board, rng)
    baseline = problem.board()
    _first_fit(baseline)
    if sum(s >= 0 for s in baseline.slot_of) > sum(s >= 0 for s in board.slot_of):
        board = baseline  # never worse than first-fit; repair then works on its result
    Repair(board, rng, effort).run()
    return problem.result(board)


def _dsatur(board: Board, rng: random.Random) -> None:
    ends, n = board.ends, len(board.ends)
    degree = [0] * len(board.avail)
    incident: list[list[int]] = [[] for _ in board.avail]
    for e, (a, b) in enumerate(ends):
        degree[a] += 1
        degree[b] += 1
        incident[a].append(e)
        incident[b].append(e)
    tiebreak = rng.sample(range(n), n)
    done = [board.slot_of[e] >= 0 for e in range(n)]
    current = [board.feasible(e).bit_count() for e in range(n)]
    heap = [(current[e], degree[a] + degree[b], tiebreak[e], e) for e, (a, b) in enumerate(ends)]
    heap = [item for item in heap if not done[item[3]]]
    heapq.heapify(heap)
    slot_rank = rng.sample(range(len(board.caps)), len(board.caps))
    while heap:
        key, _, _, e = heapq.heappop(heap)
        if done[e] or key != current[e]:
            continue
        done[e] = True
        feasible = board.feasible(e)
        if not feasible:
            continue
        a, b = ends[e]
        damage = dict.fromkeys(bits(feasible), 0.0)
        for f in incident[a] + incident[b]:
            if not done[f]:
                options = board.feasible(f)
                weight = 1.0 / max(options.bit_count(), 1)
                for s in bits(options & feasible):
                    damage[s] += weight
        s = min(damage, key=lambda s: (damage[s], board.count[s] - board.caps[s], slot_rank[s]))
        board.place(e, s)
        affected: Iterable[int] = incident[a] + incident[b]
        if board.full >> s & 1:
            affected = range(n)  # a slot filled up: anyone may have lost it
        for f in affected:
            if not done[f]:
                key = board.feasible(f).bit_count()
                if key != current[f]:
                    current[f] = key
                    fa, fb = ends[f]
                    heapq.heappush(heap, (key, degree[fa] + degree[fb], tiebreak[f], f))
