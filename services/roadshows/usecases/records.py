"""Mandates and pitches: publish, update, withdraw, read, list; a pitch's deck file."""

from __future__ import annotations

from typing import Any

from services.roadshows import events
from services.roadshows.domain import records as domain
from services.roadshows.domain.records import (
    DeckRef,
    Mandate,
    MandateIn,
    Pitch,
    PitchIn,
    RecordState,
    Tier,
)
from services.roadshows.storage import queries
from services.roadshows.usecases import Deps, new_id, not_found, require_owner
from shared.auth import Caller, OrgType
from shared.errors import ForbiddenError
from shared.store import Conflict, Versioned

MANDATE = not_found("mandate_id", "投资需求 / mandate")
PITCH = not_found("pitch_id", "融资项目 / pitch")


async def tier_of(deps: Deps, org_id: str) -> Tier | None:
    found = await deps.repos.tiers.get(org_id)
    return domain.priority_tier(found.state.tiers) if found else None


async def publish_mandate(deps: Deps, caller: Caller, content: MandateIn) -> Mandate:
    t = domain.publish_mandate(new_id("mandate"), caller.organisation_id, content, deps.now())
    saved = await deps.repos.mandates.create(
        t.entity.id, t.entity, events.mandate_events(t.entity, t.events)
    )
    return saved.state


async def change_mandate(
    deps: Deps, caller: Caller, mid: str, action: str, content: MandateIn | None = None
) -> Mandate:
    def decide(current: Versioned[Mandate]) -> tuple[Mandate, list[Any]]:
        require_owner(caller, current.state.owner_org_id, "mandate_id")
        extra = {"content": content} if content is not None else {}
        t = domain.change(current.state, action, deps.now(), **extra)
        return t.entity, events.mandate_events(t.entity, t.events)

    return (await deps.repos.mandates.update(mid, decide, not_found=MANDATE)).state


def _visible(caller: Caller, owner: str, state: RecordState) -> bool:
    return state is RecordState.published or caller.is_operator or caller.owns(owner)


async def get_mandate(deps: Deps, caller: Caller, mid: str) -> Mandate:
    m = (await deps.repos.mandates.require(mid, MANDATE)).state
    if not _visible(caller, m.owner_org_id, m.state):
        raise MANDATE()
    return m


def _listing(caller: Caller, own_type: OrgType) -> dict[str, Any]:
    if caller.is_operator:
        return {}
    if caller.org_type is own_type:
        return queries.owned_by(caller.organisation_id)
    return queries.published()


async def mandates(
    deps: Deps, caller: Caller, limit: int, offset: int
) -> tuple[list[Mandate], int]:
    """Investors see their own; enterprises the published ones; operators all."""
    return await queries.page(
        deps.repos.mandates, _listing(caller, OrgType.investor), limit, offset
    )


async def publish_pitch(deps: Deps, caller: Caller, content: PitchIn) -> Pitch:
    tier = await tier_of(deps, caller.organisation_id)
    t = domain.publish_pitch(new_id("pitch"), caller.organisation_id, content, tier, deps.now())
    saved = await deps.repos.pitches.create(
        t.entity.id, t.entity, events.pitch_events(t.entity, t.events)
    )
    return saved.state


async def change_pitch(
    deps: Deps, caller: Caller, pid: str, action: str, content: PitchIn | None = None
) -> Pitch:
    tier = None
    if content is not None:
        current = (await deps.repos.pitches.require(pid, PITCH)).state
        tier = await tier_of(deps, current.owner_org_id)

    def decide(current: Versioned[Pitch]) -> tuple[Pitch, list[Any]]:
        require_owner(caller, current.state.owner_org_id, "pitch_id")
        extra: dict[str, Any] = {"content": content, "priority_tier": tier} if content else {}
        t = domain.change(current.state, action, deps.now(), **extra)
        return t.entity, events.pitch_events(t.entity, t.events)

    return (await deps.repos.pitches.update(pid, decide, not_found=PITCH)).state


async def get_pitch(deps: Deps, caller: Caller, pid: str) -> Pitch:
    p = (await deps.repos.pitches.require(pid, PITCH)).state
    if not _visible(caller, p.owner_org_id, p.state):
        raise PITCH()
    return p


async def pitches(deps: Deps, caller: Caller, limit: int, offset: int) -> tuple[list[Pitch], int]:
    """Enterprises see their own; investors the published ones; operators all."""
    return await queries.page(
        deps.repos.pitches, _listing(caller, OrgType.enterprise), limit, offset
    )


async def upload_deck(
    deps: Deps, caller: Caller, pid: str, content_type: str, data: bytes
) -> Pitch:
    """Store the file, then point the pitch at it (one versioned save); on a lost save the
    new file is removed and the old one stays."""
    pitch = (await deps.repos.pitches.require(pid, PITCH)).state
    require_owner(caller, pitch.owner_org_id, "pitch_id")
    kind = domain.check_deck(content_type, data, deps.settings.deck_max_bytes)
    now = deps.now()
    ref = DeckRef(file_id=new_id("deck"), content_type=kind, size=len(data), uploaded_at=now)
    await deps.repos.decks.put(ref.file_id, kind, data, pitch.owner_org_id)
    old: list[str] = []

    def decide(current: Versioned[Pitch]) -> tuple[Pitch, list[Any]]:
        require_owner(caller, current.state.owner_org_id, "pitch_id")
        t = domain.change(current.state, "update", now, deck=ref)
        old[:] = [current.state.deck.file_id] if current.state.deck else []
        return t.entity, events.pitch_events(t.entity, t.events)

    try:
        saved = await deps.repos.pitches.update(pid, decide, not_found=PITCH)
    except BaseException:
        await deps.repos.decks.delete(ref.file_id)
        raise
    for file_id in old:
        await deps.repos.decks.delete(file_id)
    return saved.state


async def download_deck(deps: Deps, caller: Caller, pid: str) -> tuple[str, bytes]:
    pitch = await get_pitch(deps, caller, pid)
    if caller.org_type is OrgType.enterprise and not caller.owns(pitch.owner_org_id):
        raise ForbiddenError("pitch_id", "not_owner", zh="只能下载本机构的路演材料",
                             en="decks are for investors, operators and their owner")  # fmt: skip
    found = await deps.repos.decks.get(pitch.deck.file_id) if pitch.deck else None
    if found is None:
        raise not_found("deck", "路演材料 / deck")()
    return found.content_type, found.data


async def refresh_tier(deps: Deps, org_id: str, tier: Tier | None) -> int:
    """Re-flag the enterprise's published pitches after a tier change (one
    ``roadshows.pitch.updated`` each that changed; a replay changes nothing)."""
    changed = 0
    query = {**queries.owned_by(org_id), **queries.published()}
    for pitch in await queries.every(deps.repos.pitches, query):
        for _ in range(8):
            current = await deps.repos.pitches.get(pitch.id)
            if current is None or current.state.priority_tier == tier:
                break
            if current.state.state is not RecordState.published:
                break
            t = domain.change(current.state, "update", deps.now(), priority_tier=tier)
            try:
                await deps.repos.pitches.save(
                    pitch.id, t.entity, current.version, events.pitch_events(t.entity, t.events)
                )
                changed += 1
                break
            except Conflict:
                continue
    return changed
