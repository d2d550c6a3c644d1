"""What a demander says about a suggestion, and what the pair history records.

``not_relevant`` dismisses the pair for good: it is hidden from the demander's
list and never suggested again, whatever later updates do to its rank.
``contacted`` and ``relevant`` keep it. Each feedback is also an entry in the
organisation-pair history, which spans markets.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from services.matching.domain.pairs import Pair, Side


class Feedback(StrEnum):
    relevant = "relevant"
    not_relevant = "not_relevant"
    contacted = "contacted"


class HistoryAction(StrEnum):
    suggested = "suggested"
    relevant = "relevant"
    contacted = "contacted"
    declined = "declined"


HISTORY_FOR: dict[Feedback, HistoryAction] = {
    Feedback.relevant: HistoryAction.relevant,
    Feedback.not_relevant: HistoryAction.declined,
    Feedback.contacted: HistoryAction.contacted,
}


def dismissed_after(feedback: Feedback, already_dismissed: bool) -> bool:
    """A dismissal is final: later feedback (e.g. contacted) does not undo it."""
    return already_dismissed or feedback is Feedback.not_relevant


#: per side: the fields of its feedback, of when it was given, and of its dismissal
FIELDS: dict[Side, tuple[str, str, str]] = {
    "demand": ("feedback", "feedback_at", "dismissed"),
    "supply": ("supply_feedback", "supply_feedback_at", "supply_dismissed"),
}


def with_feedback(
    pair: Pair, side: Side, feedback: Feedback, by_user_id: str, now: dt.datetime
) -> Pair | None:
    """``pair`` once ``side`` said ``feedback`` (None: it said so already), with the
    history entry."""
    said, at, gone = FIELDS[side]
    if getattr(pair, said) == feedback.value:
        return None
    entry = {"action": HISTORY_FOR[feedback].value, "at": now, "by_user_id": by_user_id,
             "side": side}  # fmt: skip
    return pair.model_copy(
        update={
            said: feedback.value,
            at: now,
            gone: dismissed_after(feedback, bool(getattr(pair, gone))),
            "updated_at": now,
            "history": [*pair.history, entry],
        }
    )
