"""Dated catalogue editions (批次): the operator opens one (it starts from the entries of the
last published edition still listed), adds approved applications and removes entries
while it is open, freezes it, then publishes it. A published edition is a snapshot; the
diff of two snapshots gives added, changed and removed entries."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from services.catalogue.domain.applications import ProductSpec
from shared.errors import ConflictError, NotFoundError
from shared.limits import ShortText, Title
from shared.transitions import Transition, step

EditionCode = str  # validated at the edge: ^[0-9A-Za-z_-]{2,32}$


class EditionIn(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    code: str = Field(pattern=r"^[0-9A-Za-z_-]{2,32}$", examples=["2026-Q1"])
    title: Title  # type: ignore[valid-type]


class EditionState(StrEnum):
    open = "open"
    frozen = "frozen"
    published = "published"


S = EditionState
TABLE = {
    (S.open, "edit"): (S.open, "updated"),
    (S.open, "freeze"): (S.frozen, "frozen"),
    (S.frozen, "publish"): (S.published, "published"),
}


class Entry(BaseModel):
    """One catalogue entry as the edition lists it."""

    model_config = ConfigDict(frozen=True)

    product_id: str
    owner_org_id: str
    application_id: str
    spec: ProductSpec
    digest: str
    expires_at: dt.datetime | None = None


class Diff(BaseModel):
    """What changed from one edition to another, by product id."""

    base: str | None
    edition: str
    added: list[str] = Field(default_factory=list)
    changed: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)


class Edition(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    state: EditionState = EditionState.open
    base_edition_id: str | None = None
    entries: dict[str, Entry] = Field(default_factory=dict)
    removals: dict[str, str] = Field(default_factory=dict)  # product id -> reason
    opened_at: dt.datetime
    published_at: dt.datetime | None = None
    version: int = 0


class Current(BaseModel):
    """The pointer to the published edition in force; publishing saves it at the version
    read, so two publishers cannot both succeed."""

    model_config = ConfigDict(frozen=True)

    edition_id: str | None = None
    version: int = 0


def digest(spec: ProductSpec) -> str:
    raw = json.dumps(spec.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def open_edition(
    spec: EditionIn, base: Edition | None, still_listed: set[str], now: dt.datetime
) -> Transition[Edition]:
    carried = {} if base is None else {k: v for k, v in base.entries.items() if k in still_listed}
    e = Edition(
        id=spec.code,
        title=spec.title,
        base_edition_id=base.id if base else None,
        entries=carried,
        opened_at=now,
    )
    return Transition[Edition](entity=e, events=("opened",))


def _editable(e: Edition) -> None:
    if e.state is not EditionState.open:
        raise ConflictError(
            "edition_id",
            "edition_frozen",
            zh=f"清单批次 {e.id} 已冻结或已发布，不能再修改",
            en=f"edition {e.id} is {e.state.value}: it can no longer change",
        )
    step(TABLE, e.state, "edit", "edition")


def add(e: Edition, entry: Entry) -> Transition[Edition]:
    _editable(e)
    removals = {k: v for k, v in e.removals.items() if k != entry.product_id}
    entries = {**e.entries, entry.product_id: entry}
    entity = e.model_copy(update={"entries": entries, "removals": removals})
    return Transition[Edition](entity=entity, events=("updated",))


def remove(e: Edition, product_id: str, reason: ShortText) -> Transition[Edition]:  # type: ignore[valid-type]
    _editable(e)
    if product_id not in e.entries:
        raise NotFoundError(
            "product_id",
            "not_in_edition",
            zh="该产品不在本批次中",
            en="the product is not in this edition",
        )
    entries = {k: v for k, v in e.entries.items() if k != product_id}
    removals = {**e.removals, product_id: reason}
    entity = e.model_copy(update={"entries": entries, "removals": removals})
    return Transition[Edition](entity=entity, events=("updated",))


def freeze(e: Edition) -> Transition[Edition]:
    state, event = step(TABLE, e.state, "freeze", "edition")
    return Transition[Edition](entity=e.model_copy(update={"state": state}), events=(event or "",))


def publish(e: Edition, current: Current, now: dt.datetime) -> Transition[Edition]:
    state, event = step(TABLE, e.state, "publish", "edition")
    if current.edition_id != e.base_edition_id:
        raise ConflictError(
            "edition_id",
            "edition_stale",
            zh=f"本批次基于 {e.base_edition_id or '无'}，现行清单已是 {current.edition_id}，"
            "请重新开启批次",
            en=f"based on {e.base_edition_id}, but {current.edition_id} is in force now; "
            "open a new edition",
        )
    entity = e.model_copy(update={"state": state, "published_at": now})
    return Transition[Edition](entity=entity, events=(event or "",))


def diff(base: Edition | None, new: Edition) -> Diff:
    old = base.entries if base else {}
    return Diff(
        base=base.id if base else None,
        edition=new.id,
        added=sorted(k for k in new.entries if k not in old),
        changed=sorted(k for k, v in new.entries.items() if k in old and old[k].digest != v.digest),
        removed=sorted(k for k in old if k not in new.entries),
    )
