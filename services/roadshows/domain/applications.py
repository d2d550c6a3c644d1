"""Pitch applications to a roadshow and the operator's selection of presenters.

An enterprise applies with a published pitch in the roadshow's domain. The operator sees
the applications ordered by tier priority (小升规/规升强 first, as policy 10(3) asks),
then by match score, then first come; each selection takes one pitch slot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from services.roadshows.domain.calendar import Roadshow, ensure_open
from services.roadshows.domain.records import Pitch, RecordState, Tier
from shared.errors import ConflictError, InvalidInput
from shared.transitions import Transition, step


class ApplicationState(StrEnum):
    applied = "applied"
    selected = "selected"
    declined = "declined"
    withdrawn = "withdrawn"


TABLE = {
    (ApplicationState.applied, "select"): (ApplicationState.selected, "selected"),
    (ApplicationState.applied, "decline"): (ApplicationState.declined, "declined"),
    (ApplicationState.applied, "withdraw"): (ApplicationState.withdrawn, "withdrawn"),
    (ApplicationState.selected, "withdraw"): (ApplicationState.withdrawn, "withdrawn"),
}


class Application(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    roadshow_id: str
    pitch_id: str
    pitch_title: str
    enterprise_org_id: str
    state: ApplicationState = ApplicationState.applied
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int = 0


class RankedApplication(BaseModel):
    """An application as the operator weighs it."""

    application: Application
    priority_tier: Tier | None
    match_score: float
    rank: int


def application_id(roadshow_id: str, pitch_id: str) -> str:
    return f"{roadshow_id}:{pitch_id}"


def apply(rs: Roadshow, pitch: Pitch, now: dt.datetime) -> Transition[Application]:
    ensure_open(rs, now)
    if pitch.state is not RecordState.published:
        raise ConflictError(
            "pitch_id", "pitch_withdrawn", zh="融资项目已撤回", en="the pitch is withdrawn"
        )
    if rs.content.domain not in pitch.content.domains:
        raise InvalidInput(
            "pitch_id", "outside_domain",
            zh=f"融资项目不属于本场路演的领域（{rs.content.domain}）",
            en=f"the pitch is outside the roadshow's domain ({rs.content.domain})",
        )  # fmt: skip
    app = Application(
        id=application_id(rs.id, pitch.id), roadshow_id=rs.id, pitch_id=pitch.id,
        pitch_title=pitch.content.title, enterprise_org_id=pitch.owner_org_id,
        created_at=now, updated_at=now,
    )  # fmt: skip
    return Transition[Application](entity=app, events=("submitted",))


def decide(app: Application, action: str, now: dt.datetime) -> Transition[Application]:
    state, event = step(TABLE, app.state, action, "application")
    entity = app.model_copy(update={"state": state, "updated_at": now})
    return Transition[Application](entity=entity, events=(event or "",))


def rank(
    apps: Iterable[Application],
    tiers: Mapping[str, Tier | None],
    scores: Mapping[str, float],
) -> list[RankedApplication]:
    """Tier priority first, then match score, then who applied first."""

    def key(a: Application) -> tuple[int, float, dt.datetime, str]:
        return (0 if tiers.get(a.enterprise_org_id) else 1, -scores.get(a.pitch_id, 0.0),
                a.created_at, a.id)  # fmt: skip

    ordered = sorted(apps, key=key)
    return [
        RankedApplication(
            application=a,
            priority_tier=tiers.get(a.enterprise_org_id),
            match_score=scores.get(a.pitch_id, 0.0),
            rank=i + 1,
        )
        for i, a in enumerate(ordered)
    ]
