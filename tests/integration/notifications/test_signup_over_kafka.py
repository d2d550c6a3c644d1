"""A self-sign-up's outcome on the real engines (issue 17): identity's user events and
``identity.organisation.verified`` / ``.rejected`` go in on Kafka; the organisation's admin
finds the decision in their inbox (the rejection with the operator's reason, in the
admin's language), a member does not, and an admin learned only after the event (the
topics are not ordered against each other) still hears it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import BaseModel

from services.notifications.settings import NotificationsSettings
from services.notifications.usecases import Deps
from shared.auth import OrgType, Role
from shared.events.contracts.identity import (
    OrganisationRegistered,
    OrganisationRejected,
    OrganisationVerified,
    UserRegistered,
)
from shared.settings import Settings
from tests.integration.notifications.conftest import (
    arrives,
    inbox,
    publish,
    running_service,
    wait_for,
)
from tests.support.auth import TokenMint, make_caller

pytestmark = [pytest.mark.integration, pytest.mark.slow]
MINT = TokenMint()
OPERATOR = uuid.uuid4().hex


@pytest.fixture(scope="module")
async def service() -> AsyncIterator[tuple[httpx.AsyncClient, Settings, Deps]]:
    notifications = NotificationsSettings(poll_seconds=0.1, workers=1)
    async with running_service(notifications, MINT.verifier()) as running:
        yield running


def person(org_id: str, role: Role, language: str = "zh-CN") -> tuple[tuple[BaseModel, str], str]:
    caller = make_caller(OrgType.enterprise, org_id=org_id, role=role)
    registered = UserRegistered(user_id=caller.user_id, organisation_id=org_id, name="用户",
                                role=role.value, language=language)  # fmt: skip
    return (registered, caller.user_id), MINT.token(caller)


def verified(org_id: str, name: str) -> list[tuple[BaseModel, str]]:
    """What identity sends when an operator verifies a sign-up: registered, then verified."""
    now = dt.datetime.now(dt.UTC)
    facts = {"organisation_id": org_id, "type": "enterprise", "name": name,
             "district": "haidian", "credit_code": "91110108551385082Q"}  # fmt: skip
    return [
        (OrganisationRegistered(**facts), org_id),
        (OrganisationVerified(**facts, verified_at=now, verified_by_organisation_id=OPERATOR),
         org_id),
    ]  # fmt: skip


def rejected(org_id: str, reason: str) -> tuple[BaseModel, str]:
    return OrganisationRejected(
        organisation_id=org_id, type="enterprise", name="北京某某科技有限公司", reason=reason,
        rejected_at=dt.datetime.now(dt.UTC), rejected_by_organisation_id=OPERATOR,
    ), org_id  # fmt: skip


async def test_the_admin_hears_the_verification_and_a_member_does_not(service) -> None:
    client, settings, deps = service
    org = uuid.uuid4().hex
    admin, admin_token = person(org, Role.admin)
    member, member_token = person(org, Role.member)
    await publish(settings, admin, member)

    async def both_known() -> bool:
        return all([await deps.repos.recipients.get(u[1]) for u in (admin, member)])

    await wait_for(both_known, timeout=90)
    await publish(settings, *verified(org, "北京示例智能科技有限公司"))
    [told] = await arrives(client, admin_token)
    assert told["title"] == "机构审核通过" and told["category"] == "account"
    assert "北京示例智能科技有限公司" in told["body"]
    assert told["link"].endswith("/account") and told["subject_id"] == org
    # the directory learned the organisation from the registered event sent with it
    assert await deps.repos.organisations.get(org) is not None
    assert await inbox(client, member_token) == []


async def test_an_admin_learned_after_the_event_still_hears_it(service) -> None:
    client, settings, deps = service
    now = dt.datetime.now(dt.UTC)
    late_org, refused_org = uuid.uuid4().hex, uuid.uuid4().hex
    await publish(settings, *verified(late_org, "北京迟到科技有限公司"),
                  rejected(refused_org, "统一社会信用代码与企业名称不符"))  # fmt: skip

    async def kept() -> bool:
        found = [await deps.repos.recent.for_organisation(o, now) for o in (late_org, refused_org)]
        return all(found)

    await wait_for(kept, timeout=90)  # both handled while nobody of theirs was known
    # a member first (replayed to: told nothing), then the admins (replayed to: told)
    late_member, late_member_token = person(late_org, Role.member)
    await publish(settings, late_member)

    async def member_known() -> bool:
        return await deps.repos.recipients.get(late_member[1]) is not None

    await wait_for(member_known, timeout=90)
    late_admin, late_token = person(late_org, Role.admin)
    refused_admin, refused_token = person(refused_org, Role.admin, language="en")
    await publish(settings, late_admin, refused_admin)
    [late] = await arrives(client, late_token)
    assert late["title"] == "机构审核通过" and late["subject_id"] == late_org
    [refused] = await arrives(client, refused_token)
    assert refused["title"] == "Your organisation was not verified"
    assert refused["body"].endswith("Reason: 统一社会信用代码与企业名称不符")
    assert await inbox(client, late_member_token) == []  # the replay keeps to admins too
