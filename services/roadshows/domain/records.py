"""Market records: investors' mandates and enterprises' pitches (with a deck file).

A pitch of a 小升规 (small_to_scale) or 规升强 (scale_to_strong) enterprise carries that
tier as its priority flag; the tier comes from identity's tier list events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt, field_validator

from shared.errors import InvalidInput, TooLarge
from shared.events.contracts._market import DOMAINS, FundType, Stage
from shared.limits import Keyword, Keywords, ShortText, Text, Title
from shared.transitions import Transition, step


def _known_domain(code: str) -> str:
    if code not in DOMAINS:
        raise ValueError(f"未知领域代码 / unknown domain code: {code}")
    return code


DOMAIN_PATTERN = r"^[a-z0-9_]+$"
DomainCode = Annotated[
    str, Field(max_length=40, pattern=DOMAIN_PATTERN), AfterValidator(_known_domain)
]
Yuan = Annotated[StrictInt, Field(ge=0, le=10**13)]
Tier = Literal["small_to_scale", "scale_to_strong"]
PRIORITY_TIERS: tuple[Tier, ...] = ("scale_to_strong", "small_to_scale")


class RecordState(StrEnum):
    published = "published"
    withdrawn = "withdrawn"


TABLE = {
    (RecordState.published, "update"): (RecordState.published, "updated"),
    (RecordState.published, "withdraw"): (RecordState.withdrawn, "withdrawn"),
}


class MandateIn(BaseModel):
    """What an investor invests in: sectors, stages, ticket band, fund type, exclusions."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    title: Title  # type: ignore[valid-type]
    description: Text = ""  # type: ignore[valid-type]
    domains: list[DomainCode] = Field(min_length=1, max_length=10)
    keywords: Keywords = Field(default_factory=list)
    stages: list[Stage] = Field(min_length=1, max_length=5)
    ticket_cny: tuple[Yuan, Yuan] = Field(description="[min, max] in yuan")
    fund_type: FundType
    exclusions: list[Keyword] = Field(default_factory=list, max_length=20)  # type: ignore[valid-type]
    district: ShortText | None = None  # type: ignore[valid-type]

    @field_validator("ticket_cny")
    @classmethod
    def _ordered(cls, value: tuple[int, int]) -> tuple[int, int]:
        if value[0] > value[1]:
            raise ValueError("投资额区间下限不能大于上限 / ticket band min must not exceed max")
        return value


class Metric(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    name: Keyword  # type: ignore[valid-type]
    value: Annotated[str, Field(min_length=1, max_length=100)]


class PitchIn(BaseModel):
    """An enterprise's funding ask: round, amount, revenue, domain and key metrics."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    title: Title  # type: ignore[valid-type]
    description: Text = ""  # type: ignore[valid-type]
    domains: list[DomainCode] = Field(min_length=1, max_length=5)
    keywords: Keywords = Field(default_factory=list)
    stage: Stage
    ask_cny: Annotated[StrictInt, Field(ge=1, le=10**13)]
    revenue_cny: Yuan | None = None
    metrics: list[Metric] = Field(default_factory=list, max_length=20)
    district: ShortText | None = None  # type: ignore[valid-type]


class DeckRef(BaseModel):
    model_config = ConfigDict(frozen=True)

    file_id: str
    content_type: str
    size: int
    uploaded_at: dt.datetime


class Mandate(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    owner_org_id: str
    content: MandateIn
    state: RecordState = RecordState.published
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int = 0


class Pitch(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    owner_org_id: str
    content: PitchIn
    state: RecordState = RecordState.published
    priority_tier: Tier | None = None
    deck: DeckRef | None = None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int = 0


def priority_tier(tiers: Iterable[str]) -> Tier | None:
    """The tier that earns priority (规升强 before 小升规 when on both), or None."""
    held = set(tiers)
    return next((t for t in PRIORITY_TIERS if t in held), None)


def publish_mandate(
    mid: str, owner: str, content: MandateIn, now: dt.datetime
) -> Transition[Mandate]:
    m = Mandate(id=mid, owner_org_id=owner, content=content, created_at=now, updated_at=now)
    return Transition[Mandate](entity=m, events=("published",))


def publish_pitch(
    pid: str, owner: str, content: PitchIn, tier: Tier | None, now: dt.datetime
) -> Transition[Pitch]:
    p = Pitch(
        id=pid, owner_org_id=owner, content=content, priority_tier=tier,
        created_at=now, updated_at=now,
    )  # fmt: skip
    return Transition[Pitch](entity=p, events=("published",))


R = TypeVar("R", Mandate, Pitch)


def change(record: R, action: str, now: dt.datetime, **update: object) -> Transition[R]:
    """Update or withdraw a published record (anything else is a 409 naming its state)."""
    state, event = step(TABLE, record.state, action, "record")
    entity = record.model_copy(update={"state": state, "updated_at": now, **update})
    return Transition[R](entity=entity, events=(event,) if event else ())


DECK_TYPES = {
    "application/pdf": b"%PDF-",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": b"PK\x03\x04",
}


def check_deck(content_type: str, data: bytes, max_bytes: int) -> str:
    """The deck's media type if it is a PDF or a .pptx within ``max_bytes``."""
    if len(data) > max_bytes:
        raise TooLarge(
            "deck", "deck_too_large",
            zh=f"路演材料不能超过 {max_bytes} 字节", en=f"the deck is over {max_bytes} bytes",
        )  # fmt: skip
    kind = content_type.split(";")[0].strip().lower()
    magic = DECK_TYPES.get(kind)
    if magic is None:
        raise InvalidInput(
            "deck", "deck_type",
            zh="路演材料只接受 PDF 或 PPTX 文件", en="the deck must be a PDF or a .pptx file",
        )  # fmt: skip
    if not data.startswith(magic):
        raise InvalidInput(
            "deck", "deck_content",
            zh="文件内容与声明的类型不符", en="the file's content does not match its type",
        )  # fmt: skip
    return kind


def excluded(mandate: MandateIn, pitch: PitchIn) -> bool:
    """The mandate says it will not invest in this: an exclusion names one of the pitch's
    domains or keywords, or appears in its title."""
    keywords: list[str] = list(pitch.keywords)
    exclusions: list[str] = list(mandate.exclusions)
    title = str(pitch.title)
    marks = {*pitch.domains, *(k.casefold() for k in keywords)}
    return any(e in marks or e.casefold() in marks or e in title for e in exclusions)
