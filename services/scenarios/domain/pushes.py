"""Scenario pushes (精准推送) and an enterprise's muted domains.

A push is made once per scenario and enterprise (id ``<scenario>|<enterprise>``, a
unique create), from matching's supply-side suggestion, unless the enterprise muted the
scenario's domain.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from shared.transitions import Transition


class Mutes(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str  # the enterprise's organisation id
    domains: list[str] = Field(default_factory=list)
    version: int = 0


def mute(current: Mutes, domain: str) -> Transition[Mutes]:
    if domain in current.domains:
        return Transition[Mutes](entity=current)
    return Transition[Mutes](
        entity=current.model_copy(update={"domains": [*current.domains, domain]}), events=("muted",)
    )


def unmute(current: Mutes, domain: str) -> Transition[Mutes]:
    if domain not in current.domains:
        return Transition[Mutes](entity=current)
    left = [d for d in current.domains if d != domain]
    return Transition[Mutes](
        entity=current.model_copy(update={"domains": left}), events=("unmuted",)
    )


class Push(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    scenario_id: str
    scenario_title: str
    publisher_org_id: str
    enterprise_org_id: str
    capability_id: str
    domain: str
    score: float
    explanation: str
    at: dt.datetime
    version: int = 0


def push_id(scenario_id: str, org_id: str) -> str:
    return f"{scenario_id}|{org_id}"


def should_push(muted: list[str], domain: str) -> bool:
    return domain not in muted
