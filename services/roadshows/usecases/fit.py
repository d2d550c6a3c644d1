"""Both ways of the pair, from matching's scores: an investor's ranked pitches for a
mandate, and the funds that fit an enterprise's pitch (published records only, and
never what the mandate excludes)."""

from __future__ import annotations

from pydantic import BaseModel

from services.roadshows.domain.records import Mandate, Pitch, RecordState, excluded
from services.roadshows.storage import queries
from services.roadshows.usecases import Deps, require_owner
from services.roadshows.usecases.records import MANDATE, PITCH
from shared.auth import Caller


class ScoredPitch(BaseModel):
    pitch: Pitch
    score: float


class ScoredMandate(BaseModel):
    mandate: Mandate
    score: float


async def pitches_for(deps: Deps, caller: Caller, mandate_id: str) -> list[ScoredPitch]:
    mandate = (await deps.repos.mandates.require(mandate_id, MANDATE)).state
    require_owner(caller, mandate.owner_org_id, "mandate_id")
    scored = await queries.every(deps.repos.scores, queries.scored_for(mandate.id))
    score = {s.id: s.scores[mandate.id] for s in scored}
    found = await queries.every(deps.repos.pitches, queries.by_ids(score))
    live = [
        p for p in found
        if p.state is RecordState.published and not excluded(mandate.content, p.content)
    ]  # fmt: skip
    ranked = sorted(live, key=lambda p: (-score[p.id], p.id))
    return [ScoredPitch(pitch=p, score=score[p.id]) for p in ranked]


async def funds_for(deps: Deps, caller: Caller, pitch_id: str) -> list[ScoredMandate]:
    pitch = (await deps.repos.pitches.require(pitch_id, PITCH)).state
    require_owner(caller, pitch.owner_org_id, "pitch_id")
    found = await deps.repos.scores.get(pitch.id)
    score = found.state.scores if found else {}
    mandates = await queries.every(deps.repos.mandates, queries.by_ids(score))
    live = [
        m for m in mandates
        if m.state is RecordState.published and not excluded(m.content, pitch.content)
    ]  # fmt: skip
    ranked = sorted(live, key=lambda m: (-score[m.id], m.id))
    return [ScoredMandate(mandate=m, score=score[m.id]) for m in ranked]
