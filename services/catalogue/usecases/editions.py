"""Dated editions: the operator opens, fills, freezes and publishes them; publishing lists
the edition's entries as products (published / updated / relisted) and delists the
previous edition's entries it leaves out. Open and frozen editions are the operator's;
published ones are readable by every signed-in organisation (districts and departments
included, as the policy opens the list to them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.catalogue import events
from services.catalogue.domain import editions as domain
from services.catalogue.domain import products as product_domain
from services.catalogue.domain.applications import ApplicationState
from services.catalogue.domain.editions import (
    Current,
    Diff,
    Edition,
    EditionIn,
    EditionState,
    Entry,
)
from services.catalogue.storage import CURRENT, queries
from services.catalogue.usecases import Deps, not_found
from services.catalogue.usecases.applications import APPLICATION
from shared.auth import Caller
from shared.errors import ConflictError, InvalidInput
from shared.store import Conflict, Versioned

EDITION = not_found("edition_id", "清单批次 / edition")


async def current(deps: Deps) -> Versioned[Current]:
    return await deps.repos.current.get(CURRENT) or Versioned(Current(), 0)


async def in_force(deps: Deps) -> Edition | None:
    """The published edition in force (None before the first one)."""
    cur = (await current(deps)).state
    if cur.edition_id is None:
        return None
    found = await deps.repos.editions.get(cur.edition_id)
    return found.state if found else None


async def open_edition(deps: Deps, spec: EditionIn) -> Edition:
    base = await in_force(deps)
    still = await queries.listed_ids(deps.repos.products, deps.now())
    t = domain.open_edition(spec, base, still, deps.now())
    try:
        saved = await deps.repos.editions.create(
            t.entity.id, t.entity, events.edition_events(t.entity, t.events)
        )
    except Conflict:
        raise ConflictError(
            "code",
            "edition_exists",
            zh=f"批次 {spec.code} 已存在",
            en=f"edition {spec.code} exists already",
        ) from None
    return saved.state


def _edit(deps: Deps, decide: Any, product_id: str | None = None) -> Any:
    def apply(cur: Versioned[Edition]) -> tuple[Edition, list[Any]]:
        t = decide(cur.state)
        return t.entity, events.edition_events(t.entity, t.events, product_id=product_id)

    return apply


async def add_entry(
    deps: Deps, edition_id: str, application_id: str, expires_at: dt.datetime | None
) -> Edition:
    if expires_at is not None and expires_at <= deps.now():
        raise InvalidInput(
            "expires_at",
            "expires_in_past",
            zh="有效期须晚于当前时间",
            en="expires_at must lie in the future",
        )
    app = (await deps.repos.applications.require(application_id, APPLICATION)).state
    if app.state is not ApplicationState.approved:
        raise ConflictError(
            "application_id",
            "application_not_approved",
            zh="只有审核通过的申报可以入选清单",
            en=f"only approved applications join an edition (this one is {app.state.value})",
        )
    entry = Entry(
        product_id=app.product_id,
        owner_org_id=app.owner_org_id,
        application_id=app.id,
        spec=app.spec,
        digest=domain.digest(app.spec),
        expires_at=expires_at,
    )
    apply = _edit(deps, lambda e: domain.add(e, entry), entry.product_id)
    return (await deps.repos.editions.update(edition_id, apply, not_found=EDITION)).state


async def remove_entry(deps: Deps, edition_id: str, product_id: str, reason: str) -> Edition:
    apply = _edit(deps, lambda e: domain.remove(e, product_id, reason), product_id)
    return (await deps.repos.editions.update(edition_id, apply, not_found=EDITION)).state


async def freeze(deps: Deps, edition_id: str) -> Edition:
    apply = _edit(deps, domain.freeze)
    return (await deps.repos.editions.update(edition_id, apply, not_found=EDITION)).state


async def publish(deps: Deps, edition_id: str) -> Edition:
    """The pointer to the edition in force is saved at the version read: of two publishers
    (or two editions built on the same base) exactly one wins; the other gets a 409."""
    found = await deps.repos.editions.require(edition_id, EDITION)
    pointer = await current(deps)
    t = domain.publish(found.state, pointer.state, deps.now())
    base = await in_force(deps)
    diff = domain.diff(base, t.entity)
    await deps.repos.current.save(CURRENT, Current(edition_id=edition_id), pointer.version)
    saved = await deps.repos.editions.save(
        edition_id, t.entity, found.version, events.edition_events(t.entity, t.events, diff)
    )
    await apply_edition(deps, saved.state, base)
    return saved.state


async def apply_edition(deps: Deps, e: Edition, base: Edition | None) -> int:
    """Bring the products up to a published edition (idempotent: run again after a crash,
    and by the sweeper, it changes nothing already done). Returns products changed."""
    changed = 0
    default_expiry = (e.published_at or deps.now()) + dt.timedelta(days=deps.settings.listing_days)
    for pid, entry in e.entries.items():
        expires = entry.expires_at or default_expiry

        def apply(
            cur: Versioned[Any] | None, entry: Entry = entry, expires: dt.datetime = expires
        ) -> Any:
            return product_domain.apply_entry(
                cur.state if cur else None, entry, e.id, expires, deps.now()
            )

        changed += await _save_product(deps, pid, apply)
    for pid in domain.diff(base, e).removed if base else []:
        reason = e.removals.get(pid) or f"未列入 {e.id} 批次 / not in edition {e.id}"
        changed += await _save_product(deps, pid, lambda cur, r=reason: _delist(cur, r, deps.now()))
    return changed


def _delist(cur: Versioned[Any] | None, reason: str, now: dt.datetime) -> Any:
    if cur is None or cur.state.state is not product_domain.ProductState.listed:
        return None
    return product_domain.withdraw(cur.state, "delist", reason, now)


async def _save_product(deps: Deps, pid: str, decide: Any) -> int:
    for _ in range(8):
        cur = await deps.repos.products.get(pid)
        t = decide(cur)
        if t is None:
            return 0
        try:
            await deps.repos.products.save(
                pid, t.entity, cur.version if cur else 0, events.product_events(t.entity, t.events)
            )
            return 1
        except Conflict:
            continue
    raise Conflict("product", pid, -1)


async def get(deps: Deps, caller: Caller, edition_id: str) -> Edition:
    e = (await deps.repos.editions.require(edition_id, EDITION)).state
    if e.state is not EditionState.published and not caller.is_operator:
        raise EDITION()
    return e


async def listing(deps: Deps, caller: Caller, limit: int, offset: int) -> tuple[list[Edition], int]:
    query = {} if caller.is_operator else {"state": EditionState.published.value}
    return await queries.page(
        deps.repos.editions, query, limit, offset, [("opened_at", -1), ("_id", 1)]
    )


async def diff(deps: Deps, caller: Caller, edition_id: str, against: str | None) -> Diff:
    e = await get(deps, caller, edition_id)
    other_id = against or e.base_edition_id
    other = await get(deps, caller, other_id) if other_id else None
    return domain.diff(other, e)


async def reapply_in_force(deps: Deps) -> int:
    e = await in_force(deps)
    if e is None:
        return 0
    base = await deps.repos.editions.get(e.base_edition_id) if e.base_edition_id else None
    return await apply_edition(deps, e, base.state if base else None)
