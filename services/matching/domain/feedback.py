"""What a demander says about a suggestion, and what the pair history records.

``not_relevant`` dismisses the pair for good: it is hidden from the demander's
list and never suggested again, whatever later updates do to its rank.
``contacted`` and ``relevant`` keep it. Each feedback is also an entry in the
organisation-pair history, which spans markets.
"""

from __future__ import annotations

from enum import StrEnum


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
