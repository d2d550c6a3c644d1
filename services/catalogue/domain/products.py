"""Listed products: an entry of a published edition becomes a listed product until it
expires or is delisted (with a reason); every step is kept in ``history``. Only listed
products are published to the market (``catalogue.product.published/updated``);
delisting and expiry publish ``catalogue.product.withdrawn``."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from services.catalogue.domain.applications import ProductSpec
from services.catalogue.domain.editions import Entry
from shared.transitions import Transition, step


class ProductState(StrEnum):
    listed = "listed"
    delisted = "delisted"
    expired = "expired"


S = ProductState
TABLE = {
    (S.delisted, "list"): (S.listed, "published"),
    (S.expired, "list"): (S.listed, "published"),
    (S.listed, "update"): (S.listed, "updated"),
    (S.listed, "delist"): (S.delisted, "withdrawn"),
    (S.listed, "expire"): (S.expired, "withdrawn"),
}

PAST = {"update": "updated", "list": "relisted"}


class Step(BaseModel):
    model_config = ConfigDict(frozen=True)

    at: dt.datetime
    action: str
    edition_id: str | None = None
    reason: str = ""


class Product(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    owner_org_id: str
    application_id: str
    spec: ProductSpec
    digest: str
    edition_id: str
    state: ProductState = ProductState.listed
    listed_at: dt.datetime
    expires_at: dt.datetime
    updated_at: dt.datetime
    reason: str = ""
    history: tuple[Step, ...] = ()
    version: int = 0


def is_listed(p: Product, now: dt.datetime) -> bool:
    return p.state is ProductState.listed and p.expires_at > now


def apply_entry(
    p: Product | None, entry: Entry, edition_id: str, expires_at: dt.datetime, now: dt.datetime
) -> Transition[Product] | None:
    """List (or update, or relist) the product an edition entry names; None: nothing to do
    (the product already shows this entry — applying an edition twice changes nothing)."""
    fields = {
        "spec": entry.spec,
        "digest": entry.digest,
        "application_id": entry.application_id,
        "edition_id": edition_id,
        "expires_at": expires_at,
        "updated_at": now,
        "reason": "",
    }
    if p is None:
        new = Product(
            id=entry.product_id,
            owner_org_id=entry.owner_org_id,
            listed_at=now,
            history=(Step(at=now, action="listed", edition_id=edition_id),),
            **fields,
        )
        return Transition[Product](entity=new, events=("published",))
    if p.edition_id == edition_id:
        return None  # applied already; a delisting since then stands
    if p.state is ProductState.listed and p.digest == entry.digest:
        # Carried into a new edition unchanged: the record moves, the market sees no change.
        return Transition[Product](entity=p.model_copy(update={"edition_id": edition_id}))
    action = "update" if p.state is ProductState.listed else "list"
    state, event = step(TABLE, p.state, action, "product")
    history = (*p.history, Step(at=now, action=PAST[action], edition_id=edition_id))
    entity = p.model_copy(update={"state": state, "history": history, **fields})
    if action == "list":
        entity = entity.model_copy(update={"listed_at": now})
    return Transition[Product](entity=entity, events=(event or "",))


def withdraw(p: Product, action: str, reason: str, now: dt.datetime) -> Transition[Product]:
    """``delist`` (operator or owner, with a reason) or ``expire`` (the sweeper)."""
    state, event = step(TABLE, p.state, action, "product")
    history = (*p.history, Step(at=now, action=state.value, edition_id=p.edition_id, reason=reason))
    entity = p.model_copy(
        update={"state": state, "reason": reason, "updated_at": now, "history": history}
    )
    return Transition[Product](entity=entity, events=(event or "",))
