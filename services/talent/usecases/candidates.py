"""Candidate submissions: privacy, first-submitter rule, CV files, the hiring pipeline.

The same person (normalised phone or e-mail, keyed hash) submitted twice for one demand
belongs to the first submitter: each hash is a unique create of ``<demand>:<hash>`` in
the store, so of two racing submitters exactly one wins, and the other gets a 409.
Personal data is read only by the demand's enterprise and the submitting agency; to
anyone else a submission does not exist (404). Logs name ids only.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field

from services.talent import events
from services.talent.domain import candidates as domain
from services.talent.domain.agencies import ensure_verified
from services.talent.domain.candidates import Candidate, Personal, Stage
from services.talent.domain.claims import is_active
from services.talent.domain.demands import ensure_open
from services.talent.domain.privacy import normalise_email, normalise_phone, person_keys
from services.talent.domain.text import Name, ShortText, Text
from services.talent.storage import PersonKey, queries
from services.talent.usecases import Deps, new_id, not_found
from services.talent.usecases import agencies as agency_uc
from services.talent.usecases import demands as demand_uc
from shared.auth import Caller, OrgType
from shared.errors import ConflictError
from shared.store import Conflict, Versioned
from shared.transitions import Transition

log = logging.getLogger(__name__)
CANDIDATE = not_found("candidate_id", "候选人 / candidate")
DEMAND = not_found("demand_id", "人才需求 / talent demand")


class CandidateIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Name
    phone: str = Field(min_length=5, max_length=30, description="mainland mobile number")
    email: ShortText | None = None
    summary: Text = ""


async def submit(deps: Deps, caller: Caller, demand_id: str, body: CandidateIn) -> Candidate:
    agency = ensure_verified(await agency_uc.find(deps, caller.organisation_id))
    demand = (await deps.repos.demands.require(demand_id, DEMAND)).state
    now = deps.now()
    ensure_open(demand, now)
    claim = await queries.active_claim(deps.repos.claims, demand.id, agency.id)
    if claim is None or not is_active(claim.state, now):
        raise ConflictError(
            "demand_id",
            "no_active_claim",
            zh="须先认领该需求才能推荐候选人",
            en="claim the demand before submitting candidates",
        )
    phone = normalise_phone(body.phone)
    email = normalise_email(body.email) if body.email else None
    keys = person_keys(deps.settings.person_key_secret, phone, email)
    candidate_id = new_id("cand")
    await _take_person(deps, demand.id, keys, candidate_id, agency.id)
    candidate = Candidate(
        id=candidate_id,
        demand_id=demand.id,
        role_title=demand.content.title,
        claim_id=claim.state.id,
        agency_id=agency.id,
        enterprise_org_id=demand.owner_org_id,
        person_hash=keys[0],
        person_keys=keys,
        personal=Personal(name=body.name, phone=phone, email=email, summary=body.summary),
        created_at=now,
        updated_at=now,
    )
    t = domain.submit(candidate)
    try:
        saved = await deps.repos.candidates.create(
            candidate_id, t.entity, events.candidate_events(t.entity, t.events)
        )
    except BaseException:
        await _give_back(deps, demand.id, keys)
        raise
    log.info("candidate %s submitted for demand %s by %s", candidate_id, demand.id, agency.id)
    return saved.state


async def _take_person(deps: Deps, demand_id: str, keys: list[str], cid: str, agency: str) -> None:
    taken: list[str] = []
    for key in keys:
        try:
            await deps.repos.person_keys.create(
                f"{demand_id}:{key}", PersonKey(candidate_id=cid, agency_id=agency, at=deps.now())
            )
        except Conflict:
            await _give_back(deps, demand_id, taken)
            holder = await deps.repos.person_keys.get(f"{demand_id}:{key}")
            mine = holder is not None and holder.state.agency_id == agency
            who_zh, who_en = ("本机构", "your agency") if mine else ("其他机构", "another agency")
            raise ConflictError(
                "phone" if key == keys[0] else "email",
                "duplicate_candidate",
                zh=f"该候选人已由{who_zh}推荐到此需求，归属首个推荐方",
                en=f"this person was already submitted for this demand by {who_en}; "
                "the first submitter keeps them",
            ) from None
        taken.append(key)


async def _give_back(deps: Deps, demand_id: str, keys: list[str]) -> None:
    for key in keys:
        await deps.repos.person_keys.delete(f"{demand_id}:{key}", 1)


async def get_for(deps: Deps, caller: Caller, candidate_id: str) -> Candidate:
    """The submission with its personal data, for the enterprise and the agency only."""
    found = await deps.repos.candidates.get(candidate_id)
    if found is None or not domain.may_see(found.state, caller.organisation_id):
        raise CANDIDATE()
    return found.state


async def of_demand(
    deps: Deps, caller: Caller, demand_id: str, limit: int, offset: int
) -> tuple[list[Candidate], int]:
    demand = (await deps.repos.demands.require(demand_id, DEMAND)).state
    if caller.org_type is not OrgType.headhunter and demand.owner_org_id != caller.organisation_id:
        raise DEMAND()  # another enterprise's demand: not theirs to look into
    if demand.owner_org_id == caller.organisation_id:
        return await queries.candidates_for(deps.repos.candidates, demand_id, None, limit, offset)
    return await queries.candidates_for(
        deps.repos.candidates, demand_id, caller.organisation_id, limit, offset
    )


async def _change(
    deps: Deps, cid: str, decide: Callable[[Candidate], Transition[Candidate]]
) -> Candidate:
    def apply(current: Versioned[Candidate]) -> tuple[Candidate, list]:
        t = decide(current.state)
        return t.entity, events.candidate_events(t.entity, t.events)

    return (await deps.repos.candidates.update(cid, apply, not_found=CANDIDATE)).state


async def advance(deps: Deps, caller: Caller, cid: str, action: str) -> Candidate:
    await get_for(deps, caller, cid)
    org, days = caller.organisation_id, deps.settings.guarantee_days
    moved = await _change(deps, cid, lambda c: domain.advance(c, action, org, deps.now(), days))
    if moved.stage is Stage.hired:
        await demand_uc.record_hire(deps, moved.demand_id, moved.id)
    return moved


async def reject(deps: Deps, caller: Caller, cid: str, reason: str) -> Candidate:
    await get_for(deps, caller, cid)
    org = caller.organisation_id
    return await _change(deps, cid, lambda c: domain.reject(c, org, reason, deps.now()))


async def withdraw(deps: Deps, caller: Caller, cid: str, reason: str) -> Candidate:
    await get_for(deps, caller, cid)
    org = caller.organisation_id
    return await _change(deps, cid, lambda c: domain.withdraw(c, org, reason, deps.now()))


async def free_orphaned_person_keys(
    deps: Deps, grace: dt.timedelta = dt.timedelta(minutes=10)
) -> int:
    """Person keys of a submission that died before its candidate was saved would keep
    the person from that demand for good: keys older than ``grace`` (a submission takes
    milliseconds) whose candidate does not exist are deleted."""
    freed = 0
    now = deps.now()
    for key_id, key in await queries.person_keys_between(
        deps.repos.person_keys, now - dt.timedelta(days=1), now - grace
    ):
        if await deps.repos.candidates.get(key.candidate_id) is None:
            await deps.repos.person_keys.delete(key_id, 1)
            log.warning("freed an orphaned person key of submission %s", key.candidate_id)
            freed += 1
    return freed
