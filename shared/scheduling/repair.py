"""Repair phase of the scheduler: ejection chains and coverage swaps on a ``Board``.

An unplaced meeting takes a slot by evicting what blocks it (a participant's meeting
there, or one table's worth when the slot is full) and re-placing the evicted meetings
recursively; a chain that fails is undone. Work is bounded by a step budget so results
never depend on machine speed.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from .board import Board, bits


class Repair:
    """Ejection chains: re-place blocking meetings elsewhere to make room for one more."""

    CAPACITY_CHOICES = 3  # meetings tried for eviction when a slot's tables are all taken

    def __init__(self, board: Board, rng: random.Random, effort: int) -> None:
        self.board, self.budget = board, effort
        self.slot_rank = rng.sample(range(len(board.caps)), len(board.caps))
        self.banned: set[int] = set()

    def run(self) -> None:
        board = self.board
        pending = [e for e in range(len(board.ends)) if board.slot_of[e] < 0 and board.common(e)]
        pending.sort(key=lambda e: board.common(e).bit_count())
        for depth in (1, 2, 3):
            if self.budget <= 0 or board.free_tables() == 0:
                break
            # Someone booked in every slot they can attend can take e only by dropping
            # another of theirs, which gains nothing: skip those.
            pending = [e for e in pending if self.saturated(e) or not self.insert(e, depth)]
        self.cover(pending)

    def saturated(self, e: int) -> bool:
        board = self.board
        return any(not board.avail[p] & ~board.busy[p] for p in board.ends[e])

    def cover(self, pending: list[int]) -> None:
        """Give people without any meeting one, at the cost of someone who keeps another.

        A swap may leave at most one evicted meeting unplaced, and only if both its sides
        still have a meeting, so the placed count never drops while coverage rises.
        """
        board = self.board
        for e in pending:
            a, b = board.ends[e]
            if board.slot_of[e] >= 0 or (board.busy[a] and board.busy[b]):
                continue
            for s in bits(board.common(e)):
                self.budget -= 1
                if self.budget <= 0:
                    return
                if self.swap_in(e, s):
                    break

    def swap_in(self, e: int, s: int) -> bool:
        board = self.board
        a, b = board.ends[e]
        blockers = [f for f in {board.at[a][s], board.at[b][s]} if f >= 0]
        if any(f in board.locked for f in blockers):
            return False
        evicted = list(blockers)
        if board.count[s] - len(blockers) >= board.caps[s]:
            spare = [g for g in board.members[s] if g not in board.locked and g not in evicted]
            spare = [g for g in spare if all(board.busy[p].bit_count() > 1 for p in board.ends[g])]
            if not spare:
                return False
            evicted.append(spare[0])
        mark = len(board.journal)
        for f in evicted:
            board.unplace(f)
        board.place(e, s)
        self.banned.add(e)
        dropped = [f for f in evicted if not self.insert(f, 1)]
        self.banned.discard(e)
        if len(dropped) <= 1 and all(board.busy[p] for f in dropped for p in board.ends[f]):
            return True
        board.rollback(mark)
        return False

    def insert(self, e: int, depth: int) -> bool:
        """Place ``e``, evicting and re-placing at most ``depth`` levels; undo on failure."""
        board = self.board
        a, b = board.ends[e]
        options = []
        for s in bits(board.common(e)):
            blockers = [f for f in {board.at[a][s], board.at[b][s]} if f >= 0]
            if any(f in self.banned for f in blockers):
                continue
            over = board.count[s] - len(blockers) >= board.caps[s]
            options.append((len(blockers) + over, self.slot_rank[s], s, blockers, over))
        options.sort()
        self.banned.add(e)
        try:
            for cost, _, s, blockers, over in options:
                self.budget -= 1
                if self.budget <= 0:
                    return False
                if cost and depth == 0:
                    break  # sorted: nothing cheaper follows
                for evicted in self._evictions(s, blockers, over):
                    mark = len(board.journal)
                    for f in evicted:
                        board.unplace(f)
                    board.place(e, s)
                    if all(self.insert(f, depth - 1) for f in evicted):
                        return True
                    board.rollback(mark)
            return False
        finally:
            self.banned.discard(e)

    def _evictions(self, s: int, blockers: list[int], over: bool) -> Iterable[list[int]]:
        if not over:
            yield blockers
            return
        board = self.board
        # Prefer meetings that can move straight away; the slot's table count is the limit.
        candidates = [
            g
            for g in board.members[s]
            if g not in board.locked and g not in self.banned and g not in blockers
        ]
        candidates.sort(key=lambda g: -(board.feasible(g) & ~(1 << s)).bit_count())
        for g in candidates[: self.CAPACITY_CHOICES]:
            yield [*blockers, g]
