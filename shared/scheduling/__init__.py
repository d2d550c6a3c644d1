"""A pure, seeded scheduler of 1:1 meetings into time slots and tables (no market rules).

Brokerage sessions (techtransfer) and the meetings after roadshows (roadshows) both build
their schedules with :func:`schedule`; see :mod:`shared.scheduling.solver` for the method.
"""

from shared.scheduling.solver import (
    REASON_TEXT,
    Invalid,
    ScheduleResult,
    UnplacedReason,
    greedy_schedule,
    schedule,
)

__all__ = [
    "REASON_TEXT",
    "Invalid",
    "ScheduleResult",
    "UnplacedReason",
    "greedy_schedule",
    "schedule",
]
