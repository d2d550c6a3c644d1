"""Benchmark the brokerage-session scheduler against plain first-fit greedy.

Session as in issue 5: 400 participants, 3,000 accepted meeting requests, 16 slots × 60
tables, some unavailability and a few operator locks, all drawn from a seeded generator.
A second, table-rich variant (16 × 200) makes participants' clashes the binding limit,
where the repair phase has something to do. Both schedules are checked for validity.

    uv run python bench/scheduler.py [--seed N]

The last line printed is one JSON object (main scenario, plus the variant under "rich").
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter

from shared.scheduling import ScheduleResult, greedy_schedule, schedule

PARTICIPANTS, REQUESTS, SLOTS, TABLES, LOCKS = 400, 3000, 16, 60, 12


def generate(seed: int) -> tuple[dict, dict, dict]:
    """Meetings (skewed popularity), unavailability, and a few consistent locks."""
    rng = random.Random(seed)
    people = [f"org-{i:03d}" for i in range(PARTICIPANTS)]
    weight = [1.0 / (1 + i) ** 0.6 for i in range(PARTICIPANTS)]  # some are in demand
    rng.shuffle(weight)
    pairs: set[tuple[str, str]] = set()
    while len(pairs) < REQUESTS:
        a, b = rng.choices(people, weight, k=2)
        if a != b and (b, a) not in pairs:
            pairs.add((a, b))
    meetings = {f"m-{i:04d}": pair for i, pair in enumerate(sorted(pairs))}
    order = list(meetings.items())
    rng.shuffle(order)  # first-fit sees requests in arrival order, not sorted
    meetings = dict(order)
    unavailable: dict[str, set[int]] = {}
    for p in rng.sample(people, PARTICIPANTS // 5):  # a fifth miss a morning or afternoon block
        start = rng.choice([1, 5, 9, 13])
        unavailable[p] = set(range(start, start + rng.choice([2, 4])))
    locked: dict[str, tuple[int, int]] = {}
    busy: set[tuple[str, int]] = set()
    for mid, (a, b) in rng.sample(order, 60):
        slot = rng.randint(1, SLOTS)
        if len(locked) == LOCKS or slot in unavailable.get(a, ()) or slot in unavailable.get(b, ()):
            continue
        if (a, slot) in busy or (b, slot) in busy:
            continue
        busy |= {(a, slot), (b, slot)}
        locked[mid] = (slot, 1 + sum(s == slot for s, _ in locked.values()))
    return meetings, unavailable, locked


def check(result: ScheduleResult, meetings, unavailable, locked, tables: int) -> None:
    seen: set[tuple[str, int]] = set()
    per_slot: Counter[int] = Counter()
    cells = set()
    for mid, (slot, table) in result.placed.items():
        per_slot[slot] += 1
        assert 1 <= table <= tables and (slot, table) not in cells
        cells.add((slot, table))
        for p in meetings[mid]:
            assert (p, slot) not in seen and slot not in unavailable.get(p, ())
            seen.add((p, slot))
    assert all(result.placed[m] == where for m, where in locked.items())
    assert max(per_slot.values()) <= tables


def bound(meetings, unavailable, tables: int) -> int:
    """Upper bound: table count, and half the sum of each person's usable meetings."""
    degree = Counter(p for pair in meetings.values() for p in pair)
    usable = sum(min(d, SLOTS - len(unavailable.get(p, ()))) for p, d in degree.items())
    return min(SLOTS * tables, usable // 2)


def run(meetings, unavailable, locked, tables: int, seed: int) -> dict:
    slots = list(range(1, SLOTS + 1))
    t0 = time.perf_counter()
    greedy = greedy_schedule(slots, tables, meetings, unavailable, locked)
    t1 = time.perf_counter()
    ours = schedule(slots, tables, meetings, unavailable, locked, seed=seed)
    t2 = time.perf_counter()
    for result in (greedy, ours):
        check(result, meetings, unavailable, locked, tables)
    people = {p for pair in meetings.values() for p in pair}

    def covered(result: ScheduleResult) -> int:
        return len({p for m in result.placed for p in meetings[m]})

    return {
        "tables": tables,
        "requests": len(meetings),
        "placed": len(ours.placed),
        "greedy_placed": len(greedy.placed),
        "upper_bound": bound(meetings, unavailable, tables),
        "seconds": round(t2 - t1, 3),
        "greedy_seconds": round(t1 - t0, 3),
        "participants": len(people),
        "with_a_meeting": covered(ours),
        "greedy_with_a_meeting": covered(greedy),
        "unplaced_reasons": dict(Counter(str(r) for r in ours.unplaced.values())),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2022)
    seed = parser.parse_args().seed
    meetings, unavailable, locked = generate(seed)
    main_run = run(meetings, unavailable, locked, TABLES, seed)
    rich = run(meetings, unavailable, locked, 200, seed)
    print(f"scheduler benchmark (seed {seed}): {PARTICIPANTS} participants, {SLOTS} slots")
    print(f"  {len(locked)} locks, {len(unavailable)} participants with unavailable slots")
    for label, r in (("main", main_run), ("rich", rich)):
        print(
            f"  [{label}] {SLOTS}×{r['tables']} tables: placed {r['placed']}/{r['requests']} "
            f"in {r['seconds']:.2f}s; greedy {r['greedy_placed']} in {r['greedy_seconds']:.2f}s; "
            f"upper bound {r['upper_bound']}"
        )
        print(
            f"         participants with ≥1 meeting: {r['with_a_meeting']}/{r['participants']} "
            f"(greedy {r['greedy_with_a_meeting']}); unplaced: {r['unplaced_reasons']}"
        )
    print(json.dumps({**main_run, "seed": seed, "rich": rich}, ensure_ascii=False))


if __name__ == "__main__":
    main()
