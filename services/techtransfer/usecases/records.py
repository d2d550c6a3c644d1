"""Offers and needs: create (as draft, or published at once), read, list, edit, publish,
withdraw, close. Only the owner organisation changes a record; drafts are private to it;
anyone signed in reads published records; operators also see withdrawn and closed ones."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from services.techtransfer import events
from services.techtransfer.domain import records as domain
from services.techtransfer.domain.errors import NotFound, zh
from services.techtransfer.domain.records import (
    NeedContent,
    OfferContent,
    Record,
    RecordState,
    TechNeed,
    TechOffer,
)
from services.techtransfer.domain.transitions import Transition
from services.techtransfer.storage import queries
from services.techtransfer.storage.base import Aggregates
from services.techtransfer.usecases import Deps, new_id, require_party, retrying
from shared.auth import Caller

Kind = Literal["tech_offer", "tech_need"]
NOUN = {"tech_offer": "technology offer", "tech_need": "technology need"}
TRL_FIELD = {"tech_offer": "content.trl", "tech_need": "content.min_trl"}


def repo(deps: Deps, kind: Kind) -> Aggregates[Any]:
    return deps.repos.offers if kind == "tech_offer" else deps.repos.needs


@dataclass(frozen=True)
class Filters:
    """What a listing may be narrowed by (all optional)."""

    domain: str | None = None
    trl_min: int | None = None
    trl_max: int | None = None
    mode: str | None = None
    status: RecordState | None = None
    owner: str | None = None


def visible(record: Record, caller: Caller) -> bool:
    if record.owner.org_id == caller.organisation_id:
        return True
    if record.state is RecordState.draft:
        return False
    return record.state is RecordState.published or caller.is_operator


def listing_query(kind: Kind, caller: Caller, f: Filters) -> dict[str, Any]:
    return queries.record_listing(
        queries.visible_records(caller.organisation_id, operator=caller.is_operator),
        status=f.status.value if f.status is not None else None,
        owner=f.owner,
        domain=f.domain,
        mode=f.mode,
        trl_field=TRL_FIELD[kind],
        trl_min=f.trl_min,
        trl_max=f.trl_max,
    )


async def list_records(
    deps: Deps, caller: Caller, kind: Kind, filters: Filters, *, limit: int, offset: int
) -> tuple[list[Record], int]:
    query = listing_query(kind, caller, filters)
    store = repo(deps, kind)
    return await store.page(query, sort=[("created", -1), ("_id", 1)], offset=offset, limit=limit)


def _absent(kind: Kind, record_id: str) -> NotFound:
    """One answer for a record that is absent and one the caller may not see (no leak)."""
    return NotFound(
        "record_id", f"no {NOUN[kind]} {record_id}", zh=f"没有编号为 {record_id} 的{zh(kind)}"
    )


async def load(deps: Deps, kind: Kind, record_id: str) -> tuple[Record, dict[str, Any]]:
    """The record and its stored document (for the district), or NotFound."""
    store = repo(deps, kind)
    doc = await store.raw(record_id)
    if doc is None:
        raise _absent(kind, record_id)
    return store.from_doc(doc), doc


async def get_record(deps: Deps, caller: Caller, kind: Kind, record_id: str) -> Record:
    record, _ = await load(deps, kind, record_id)
    if not visible(record, caller):
        raise _absent(kind, record_id)
    return record


async def create_record(
    deps: Deps,
    caller: Caller,
    kind: Kind,
    content: OfferContent | NeedContent,
    *,
    publish: bool = False,
    record_id: str | None = None,
) -> Record:
    """A new draft owned by the caller's organisation; ``publish`` publishes it at once."""
    party = require_party(caller, f"own a {NOUN[kind]}")
    now = deps.now()
    rid = record_id or new_id()
    record: TechOffer | TechNeed
    if kind == "tech_offer":
        assert isinstance(content, OfferContent)
        record = domain.create_offer(rid, party, content, now)
    else:
        assert isinstance(content, NeedContent)
        record = domain.create_need(rid, party, content, now)
    names: tuple[str, ...] = ("drafted",)
    if publish:
        published = domain.publish(record, party, now)
        record, names = published.entity, ("drafted", *published.events)
    envelopes = events.record_events(record, names, caller.district)
    await repo(deps, kind).add(record, envelopes, {"district": caller.district})
    return record


async def _change(
    deps: Deps, caller: Caller, kind: Kind, record_id: str, command: Any, what: str
) -> Record:
    party = require_party(caller, f"{what} a {NOUN[kind]}")

    async def attempt() -> Record | None:
        record, doc = await load(deps, kind, record_id)
        if not visible(record, caller):
            raise _absent(kind, record_id)
        transition: Transition[Any] = command(record, party, deps.now())
        if transition.entity is record:
            return record
        envelopes = events.record_events(transition.entity, transition.events, doc.get("district"))
        saved = await repo(deps, kind).save(
            transition.entity, expected_version=record.version, envelopes=envelopes
        )
        return transition.entity if saved else None

    return await retrying(attempt, NOUN[kind])


async def edit_record(
    deps: Deps, caller: Caller, kind: Kind, record_id: str, changes: Mapping[str, Any]
) -> Record:
    return await _change(
        deps,
        caller,
        kind,
        record_id,
        lambda r, p, now: domain.edit(r, p, changes, now),
        "edit",
    )


async def publish_record(deps: Deps, caller: Caller, kind: Kind, record_id: str) -> Record:
    return await _change(deps, caller, kind, record_id, domain.publish, "publish")


async def withdraw_record(deps: Deps, caller: Caller, kind: Kind, record_id: str) -> Record:
    return await _change(deps, caller, kind, record_id, domain.withdraw, "withdraw")


async def close_record(deps: Deps, caller: Caller, kind: Kind, record_id: str) -> Record:
    return await _change(deps, caller, kind, record_id, domain.close, "close")
