"""Mutable placement state for the scheduler: who sits in which slot, with an undo log.

Dense integer indices and bitmasks of slots keep the inner loops cheap; every change is
journalled so a failed repair chain can be rolled back exactly.
"""

from __future__ import annotations

from collections.abc import Iterable


def bits(mask: int) -> Iterable[int]:
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


class Board:
    """Mutable placement state over dense indices, with an undo journal."""

    def __init__(self, caps: list[int], ends: list[tuple[int, int]], avail: list[int]) -> None:
        n_slots, n_people = len(caps), len(avail)
        self.caps, self.ends, self.avail = caps, ends, avail
        self.slot_of = [-1] * len(ends)
        self.at = [[-1] * n_slots for _ in range(n_people)]
        self.busy = [0] * n_people
        self.hard = [0] * n_people  # slots taken by locked meetings
        self.count = [0] * n_slots
        self.full = 0
        self.members: list[dict[int, None]] = [{} for _ in range(n_slots)]
        self.locked: set[int] = set()
        self.journal: list[tuple[int, int, bool]] = []

    def place(self, e: int, s: int) -> None:
        a, b = self.ends[e]
        bit = 1 << s
        self.slot_of[e] = s
        self.at[a][s] = self.at[b][s] = e
        self.busy[a] |= bit
        self.busy[b] |= bit
        self.count[s] += 1
        self.members[s][e] = None
        if self.count[s] >= self.caps[s]:
            self.full |= bit
        self.journal.append((e, s, True))

    def unplace(self, e: int) -> None:
        s = self.slot_of[e]
        a, b = self.ends[e]
        bit = 1 << s
        self.slot_of[e] = -1
        self.at[a][s] = self.at[b][s] = -1
        self.busy[a] &= ~bit
        self.busy[b] &= ~bit
        self.count[s] -= 1
        del self.members[s][e]
        self.full &= ~bit
        self.journal.append((e, s, False))

    def rollback(self, mark: int) -> None:
        while len(self.journal) > mark:
            e, s, placed = self.journal.pop()
            if placed:
                self.unplace(e)
            else:
                self.place(e, s)
            self.journal.pop()

    def common(self, e: int) -> int:
        """Slots both sides are available in and not held by a locked meeting."""
        a, b = self.ends[e]
        return self.avail[a] & self.avail[b] & ~(self.hard[a] | self.hard[b])

    def feasible(self, e: int) -> int:
        a, b = self.ends[e]
        return self.avail[a] & self.avail[b] & ~(self.busy[a] | self.busy[b] | self.full)

    def free_tables(self) -> int:
        return sum(self.caps) - sum(self.count)
