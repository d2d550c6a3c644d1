"""Table-driven state machines: ``(state, action) -> (new_state, event name | None)``.

Anything not in a table is refused with a 409 naming the current state, so the tests
can walk every pair and the rules stay data. The markets' domains (catalogue, talent,
scenarios, roadshows, techtransfer) share it; a domain may refuse in its own words
(techtransfer names the state and the action through its Chinese glossary).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from shared.errors import ConflictError

S = TypeVar("S", bound=StrEnum)
T = TypeVar("T", bound=BaseModel)

Table = Mapping[tuple[S, str], tuple[S, str | None]]


class Transition(BaseModel, Generic[T]):
    """The entity after a command and the names of the events it caused (maybe none)."""

    model_config = ConfigDict(frozen=True)

    entity: T
    events: tuple[str, ...] = ()


class InvalidTransition(ConflictError):
    def __init__(self, action: str, entity: str, state: str) -> None:
        super().__init__(
            "state",
            f"{entity}_{state}",
            zh=f"当前状态（{state}）下不能执行该操作：{action}",
            en=f"cannot {action} a {entity} that is {state}",
        )


def step(
    table: Table[S],
    state: S,
    action: str,
    entity: str,
    refuse: Callable[[str, str, str], Exception] = InvalidTransition,
) -> tuple[S, str | None]:
    """Look ``action`` up from ``state``, or raise ``refuse(action, entity, state)``."""
    try:
        return table[(state, action)]
    except KeyError:
        raise refuse(action, entity, state.value) from None
