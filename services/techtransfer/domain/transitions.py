"""Table-driven state machines shared by records, interests, deals and meetings.

A table maps ``(state, action)`` to ``(new_state, event)``; anything not in the table is
forbidden. Keeping the rules as data lets the tests walk every pair.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from .errors import InvalidTransition, zh

S = TypeVar("S", bound=StrEnum)
T = TypeVar("T", bound=BaseModel)

Table = Mapping[tuple[S, str], tuple[S, str | None]]


class Transition(BaseModel, Generic[T]):
    """The entity after a command and the names of the events to emit (maybe none)."""

    model_config = ConfigDict(frozen=True)

    entity: T
    events: tuple[str, ...] = ()


def step(table: Table[S], state: S, action: str, entity: str) -> tuple[S, str | None]:
    """Look up ``action`` from ``state``; raise ``InvalidTransition`` naming ``state``."""
    try:
        return table[(state, action)]
    except KeyError:
        raise InvalidTransition(
            "state",
            f"cannot {action} a {entity} that is {state.value}",
            zh=f"{zh(entity)}当前为{zh(state)}状态，不能{zh(action)}",
        ) from None
