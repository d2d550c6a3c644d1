"""The state machines of records, interests, deals and meetings: the shared table-driven
``step`` (:mod:`shared.transitions`), refusing in techtransfer's words: the entity, its
state and the action through the Chinese glossary, code ``invalid_transition``.
"""

from __future__ import annotations

from shared.transitions import S, Table, Transition
from shared.transitions import step as shared_step

from .errors import InvalidTransition, zh

__all__ = ["Table", "Transition", "step"]


def _refuse(action: str, entity: str, state: str) -> InvalidTransition:
    return InvalidTransition(
        "state",
        f"cannot {action} a {entity} that is {state}",
        zh=f"{zh(entity)}当前为{zh(state)}状态，不能{zh(action)}",
    )


def step(table: Table[S], state: S, action: str, entity: str) -> tuple[S, str | None]:
    """Look up ``action`` from ``state``; raise ``InvalidTransition`` naming ``state``."""
    return shared_step(table, state, action, entity, _refuse)
