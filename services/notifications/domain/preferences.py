"""Message categories, channels and a user's preferences, with the defaults.

The inbox always keeps every message ("in-app always on"); the per-category choice says
where it is pushed besides: ``in_app`` (unread badge only), ``email``, ``webhook`` (the
organisation's endpoints) or ``off`` (kept in the inbox already read, pushed nowhere).
Cadence applies to e-mail: ``immediate`` or one ``daily_digest`` at the digest hour.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator


class Category(StrEnum):
    """What a message is about; preferences are kept per category."""

    match = "match"  # 匹配推荐
    interest = "interest"  # 合作意向
    meeting = "meeting"  # 对接会谈
    deal = "deal"  # 成交登记
    claim = "claim"  # 人才需求认领
    seat = "seat"  # 席位与候补
    tier = "tier"  # 企业清单
    application = "application"  # 申报与评审
    alert = "alert"  # 监测预警 (reporting's monitoring alerts)
    account = "account"  # 机构审核 (a self-signed-up organisation verified or rejected)


class Channel(StrEnum):
    in_app = "in_app"
    email = "email"
    webhook = "webhook"
    off = "off"


class Cadence(StrEnum):
    immediate = "immediate"
    daily_digest = "daily_digest"


class CategoryChoice(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    channel: Channel = Field(Channel.in_app, description="where, besides the inbox")
    cadence: Cadence = Field(Cadence.immediate, description="e-mail now or in a daily digest")


DEFAULT_CHOICE = CategoryChoice()


_EMAIL = re.compile(
    r"^[^@\s<>\"',;]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)


def _check_email(value: str) -> str:
    value = value.strip()
    if len(value) > 254 or not _EMAIL.match(value):
        # Never echo the address back: it is personal data.
        raise ValueError("not a valid e-mail address")
    return value


EmailAddress = Annotated[str, AfterValidator(_check_email)]


class Preferences(BaseModel):
    """One user's preferences. The e-mail address lives only here (never in events/logs)."""

    model_config = ConfigDict(extra="forbid")

    email: EmailAddress | None = Field(
        None, repr=False, description="where e-mail notifications go (given by the user)"
    )
    categories: dict[Category, CategoryChoice] = Field(
        default_factory=dict, description="per-category choice; missing ones use the default"
    )

    @model_validator(mode="after")
    def _email_needs_address(self) -> Preferences:
        if self.email is None and any(c.channel is Channel.email for c in self.categories.values()):
            raise ValueError("an e-mail address is needed to receive e-mail")
        return self

    def choice(self, category: Category) -> CategoryChoice:
        return self.categories.get(category, DEFAULT_CHOICE)

    def complete(self) -> dict[Category, CategoryChoice]:
        """Every category with its effective choice (defaults filled in)."""
        return {c: self.choice(c) for c in Category}


@dataclass(frozen=True)
class Routing:
    """What to do with one message for one recipient."""

    unread: bool
    email: bool
    webhook: bool
    digest: bool


def route(prefs: Preferences, category: Category) -> Routing:
    choice = prefs.choice(category)
    email = choice.channel is Channel.email and prefs.email is not None
    return Routing(
        unread=choice.channel is not Channel.off,
        email=email,
        webhook=choice.channel is Channel.webhook,
        digest=email and choice.cadence is Cadence.daily_digest,
    )


BEIJING = dt.timezone(dt.timedelta(hours=8), "CST")


def next_digest_at(now: dt.datetime, hour: int) -> dt.datetime:
    """The next daily digest time strictly after ``now`` (``hour`` o'clock, Beijing)."""
    local = now.astimezone(BEIJING)
    at = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if at <= local:
        at += dt.timedelta(days=1)
    return at.astimezone(dt.UTC)
