"""Expressions of interest: express, read, list, accept (with the owner's contact),
decline (with a reason), withdraw, and the expiry sweep.

Contact details are kept beside the interest and shown only to the two sides once the
owner has accepted; events never carry them.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from services.techtransfer import events
from services.techtransfer.domain import interest as domain
from services.techtransfer.domain.errors import Conflict, Forbidden, NotFound
from services.techtransfer.domain.interest import Interest, InterestAnswers, InterestState
from services.techtransfer.domain.transitions import Transition
from services.techtransfer.storage import Duplicate, queries
from services.techtransfer.usecases import Deps, new_id, party_of, require_party, retrying
from services.techtransfer.usecases.records import Kind, get_record
from shared.auth import Caller
from shared.limits import no_control_chars

log = logging.getLogger(__name__)


class Contact(BaseModel):
    """Who to talk to; shown to the other side only after acceptance."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    name: Annotated[str, AfterValidator(no_control_chars)] = Field(
        min_length=1, max_length=60, examples=["李明"]
    )
    phone: Annotated[str, AfterValidator(no_control_chars)] | None = Field(
        None, max_length=40, examples=["010-62780000"]
    )
    email: str | None = Field(
        None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", examples=["li@example.cn"]
    )


class InterestView(BaseModel):
    """An interest as one caller sees it: contacts only when ``contacts_visible``."""

    interest: Interest
    record_title: str
    contacts: dict[str, Contact] | None


def _view(doc: dict[str, Any], interest: Interest, caller: Caller) -> InterestView:
    viewer = party_of(caller)
    shown = viewer is not None and domain.contacts_visible(interest, viewer)
    contacts = {k: Contact(**v) for k, v in (doc.get("contacts") or {}).items()}
    return InterestView(
        interest=interest,
        record_title=doc.get("record_title", ""),
        contacts=contacts if shown else None,
    )


def _sides(interest: Interest) -> set[str]:
    return {interest.owner.org_id, interest.interested.org_id}


async def _load(deps: Deps, interest_id: str) -> tuple[Interest, dict[str, Any]]:
    doc = await deps.repos.interests.raw(interest_id)
    if doc is None:
        raise NotFound(
            "interest_id",
            f"no expression of interest {interest_id}",
            zh=f"没有编号为 {interest_id} 的合作意向",
        )
    return deps.repos.interests.from_doc(doc), doc


async def _save(
    deps: Deps, before: Interest, t: Transition[Interest], title: str, **more: Any
) -> bool:
    envelopes = events.interest_events(t.entity, t.events, title)
    saved = await deps.repos.interests.save(
        t.entity, expected_version=before.version, envelopes=envelopes, more=more or None
    )
    return saved


async def _expire_stale(deps: Deps, stale: list[dict[str, Any]]) -> int:
    now, expired = deps.now(), 0
    for doc in stale:
        interest = deps.repos.interests.from_doc(doc)
        if interest.state is InterestState.open and now >= interest.expires_at:
            t = domain.expire(interest, now)
            expired += await _save(deps, interest, t, doc.get("record_title", ""))
    return expired


async def express(
    deps: Deps,
    caller: Caller,
    kind: Kind,
    record_id: str,
    answers: InterestAnswers,
    contact: Contact,
) -> InterestView:
    """Any signed-in enterprise in an offer; any university or enterprise in a need."""
    party = require_party(caller, "express interest")
    record = await get_record(deps, caller, kind, record_id)
    existing = await deps.repos.interests.find_raw(
        {"record_id": record_id, "interested.org_id": party.org_id, "state": "open"}
    )
    t = domain.express_interest(
        new_id(),
        record,
        party,
        answers,
        deps.now(),
        [deps.repos.interests.from_doc(d) for d in existing],
        deps.settings.interest_expiry,
    )
    await _expire_stale(deps, existing)  # frees the open slot of an expired, unswept one
    more = {"contacts": {party.org_id: contact.model_dump()}, "record_title": record.content.title}
    try:
        envelopes = events.interest_events(t.entity, t.events, record.content.title)
        await deps.repos.interests.add(t.entity, envelopes, more)
    except Duplicate:
        raise Conflict(
            "record_id",
            "you already have an open expression of interest here",
            zh="你已对此提交过待处理的合作意向",
        ) from None
    return InterestView(interest=t.entity, record_title=record.content.title, contacts=None)


async def get(deps: Deps, caller: Caller, interest_id: str) -> InterestView:
    """The two sides and operators read an expression."""
    interest, doc = await _load(deps, interest_id)
    if not caller.is_operator and caller.organisation_id not in _sides(interest):
        raise Forbidden(
            "actor",
            "only the two sides may read this expression of interest",
            zh="只有双方可以查看该合作意向",
        )
    return _view(doc, interest, caller)


async def list_for(
    deps: Deps,
    caller: Caller,
    *,
    box: Literal["sent", "received"] | None,
    state: InterestState | None,
    record_id: str | None,
) -> list[InterestView]:
    """The caller's sent and/or received expressions (operators: everyone's)."""
    query = queries.interests_of(
        caller.organisation_id,
        box=box,
        operator=caller.is_operator,
        state=state.value if state is not None else None,
        record_id=record_id,
    )
    docs = await deps.repos.interests.find_raw(query)
    views = [_view(d, deps.repos.interests.from_doc(d), caller) for d in docs]
    views.sort(key=lambda v: v.interest.created_at, reverse=True)
    return views


async def _answer(deps: Deps, caller: Caller, interest_id: str, command: Any, **more: Any):
    party = require_party(caller, "answer an expression of interest")

    async def attempt() -> InterestView | None:
        interest, doc = await _load(deps, interest_id)
        t = command(interest, party, deps.now())
        if not await _save(deps, interest, t, doc.get("record_title", ""), **more):
            return None
        fresh = await deps.repos.interests.raw(interest_id)
        return _view(fresh or doc, t.entity, caller)

    return await retrying(attempt, "expression of interest")


async def accept(deps: Deps, caller: Caller, interest_id: str, contact: Contact) -> InterestView:
    """The record's owner accepts, giving its contact; both sides now see both contacts."""
    return await _answer(
        deps,
        caller,
        interest_id,
        domain.accept,
        **{f"contacts.{caller.organisation_id}": contact.model_dump()},
    )


async def decline(deps: Deps, caller: Caller, interest_id: str, reason: str) -> InterestView:
    return await _answer(
        deps, caller, interest_id, lambda i, p, now: domain.decline(i, p, reason, now)
    )


async def withdraw(deps: Deps, caller: Caller, interest_id: str) -> InterestView:
    return await _answer(deps, caller, interest_id, domain.withdraw)


async def sweep_expired(deps: Deps, batch: int = 500) -> int:
    """Expire open expressions whose period has run out; both sides are told by the event."""
    docs = await deps.repos.interests.find_raw(queries.open_interests_due(deps.now()), limit=batch)
    expired = await _expire_stale(deps, docs)
    if expired:
        log.info("expired %d expressions of interest", expired)
    return expired
