"""The session scheduler: hard rules hold for random input, and it beats first-fit."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.scheduling import Invalid, UnplacedReason, greedy_schedule, schedule
from shared.scheduling import solver as scheduler
from shared.scheduling.repair import Repair

pytestmark = pytest.mark.unit


@st.composite
def sessions(draw):
    n_slots = draw(st.integers(1, 6))
    slots = list(range(1, n_slots + 1))
    tables = draw(st.integers(1, 4))
    people = [f"p{i}" for i in range(draw(st.integers(2, 10)))]
    pairs = draw(
        st.lists(
            st.tuples(st.sampled_from(people), st.sampled_from(people)).filter(
                lambda pair: pair[0] != pair[1]
            ),
            max_size=30,
        )
    )
    meetings = {f"m{i}": pair for i, pair in enumerate(pairs)}
    unavailable = {
        p: set(draw(st.lists(st.sampled_from(slots), max_size=n_slots)))
        for p in draw(st.lists(st.sampled_from(people), max_size=len(people), unique=True))
    }
    locked: dict[str, tuple[int, int]] = {}
    busy: set[tuple[str, int]] = set()
    for mid in draw(st.lists(st.sampled_from(sorted(meetings) or ["-"]), max_size=5, unique=True)):
        if mid not in meetings:
            continue
        slot, table = draw(st.sampled_from(slots)), draw(st.integers(1, tables))
        a, b = meetings[mid]
        clash = {(a, slot), (b, slot)} & busy or (slot, table) in locked.values()
        if clash or slot in unavailable.get(a, ()) or slot in unavailable.get(b, ()):
            continue
        busy |= {(a, slot), (b, slot)}
        locked[mid] = (slot, table)
    return slots, tables, meetings, unavailable, locked


def _check_hard_rules(result, slots, tables, meetings, unavailable, locked) -> None:
    assert set(result.placed) | set(result.unplaced) == set(meetings)
    assert not set(result.placed) & set(result.unplaced)
    booked: set[tuple[str, int]] = set()
    cells: set[tuple[int, int]] = set()
    for mid, (slot, table) in result.placed.items():
        assert slot in slots and 1 <= table <= tables
        assert (slot, table) not in cells, "two meetings at one table"
        cells.add((slot, table))
        for person in meetings[mid]:
            assert (person, slot) not in booked, "double-booked"
            assert slot not in unavailable.get(person, ()), "placed in an unavailable slot"
            booked.add((person, slot))
    assert max(Counter(s for s, _ in result.placed.values()).values(), default=0) <= tables
    for mid, where in locked.items():
        assert result.placed[mid] == where, "a locked meeting moved"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sessions())
def test_hard_rules_hold_and_never_worse_than_greedy(case) -> None:
    slots, tables, meetings, unavailable, locked = case
    result = schedule(slots, tables, meetings, unavailable, locked)
    _check_hard_rules(result, *case)
    greedy = greedy_schedule(slots, tables, meetings, unavailable, locked)
    _check_hard_rules(greedy, *case)
    assert len(result.placed) >= len(greedy.placed)
    assert schedule(slots, tables, meetings, unavailable, locked) == result  # deterministic
    for mid, reason in result.unplaced.items():
        a, b = meetings[mid]
        shared = set(slots) - unavailable.get(a, set()) - unavailable.get(b, set())
        assert (reason is UnplacedReason.no_common_slot) == (not shared)


def test_beats_first_fit_when_order_matters() -> None:
    # first-fit puts A–B into slot 1, which is the only slot C can make.
    meetings = {"m1": ("A", "B"), "m2": ("A", "C")}
    unavailable = {"C": {2}}
    assert len(greedy_schedule([1, 2], 5, meetings, unavailable, {}).placed) == 1
    assert schedule([1, 2], 5, meetings, unavailable, {}).placed == {"m1": (2, 1), "m2": (1, 1)}


def test_repair_moves_a_meeting_to_make_room() -> None:
    # One table per slot, A–B already sits in slot 1, the only slot C can make: the
    # ejection chain moves A–B to slot 2 and seats C–D in slot 1.
    problem = scheduler._Problem([1, 2], 1, {"ab": ("A", "B"), "cd": ("C", "D")}, {"C": {2}}, {})
    board = problem.board()
    board.place(0, 0)
    Repair(board, random.Random(0), effort=100).run()
    assert problem.result(board).placed == {"ab": (2, 1), "cd": (1, 1)}


def test_unplaced_meetings_say_why() -> None:
    meetings = {"ab": ("A", "B"), "ac": ("A", "C"), "de": ("D", "E"), "fg": ("F", "G")}
    unavailable = {"B": {2}, "C": {2}, "F": {1}, "G": {2}}
    result = schedule([1, 2], 1, meetings, unavailable, {})
    assert result.unplaced["fg"] is UnplacedReason.no_common_slot
    assert len(result.placed) == 2
    reasons = {result.unplaced[m] for m in ("ab", "ac", "de") if m in result.unplaced}
    assert reasons <= {UnplacedReason.participants_busy, UnplacedReason.tables_full}


@pytest.mark.parametrize(
    ("locked", "reason"),
    [
        ({"zz": (1, 1)}, "not among the meetings"),
        ({"ab": (9, 1)}, "not a slot"),
        ({"ab": (1, 3)}, "outside 1..2"),
        ({"ab": (1, 1), "cd": (1, 1)}, "locked twice"),
        ({"ab": (1, 1), "ac": (1, 2)}, "two locked meetings"),
        ({"ab": (2, 1)}, "unavailable"),
    ],
)
def test_bad_locks_name_the_meeting(locked, reason) -> None:
    meetings = {"ab": ("A", "B"), "ac": ("A", "C"), "cd": ("C", "D")}
    with pytest.raises(Invalid) as err:
        schedule([1, 2], 2, meetings, {"B": {2}}, locked)
    assert err.value.field.startswith("locked.") and reason in err.value.reason


def test_a_meeting_with_oneself_is_refused() -> None:
    with pytest.raises(Invalid) as err:
        schedule([1], 1, {"m": ("A", "A")}, {}, {})
    assert err.value.field == "meetings.m"
