"""Monitoring alerts on the real engines: identity's organisation and user events and
reporting's ``reporting.alert.raised`` go in on Kafka; the alert appears in the inbox of
the recipient organisation, of the district's government and of the operators, and
reaches a district government learned only after the alert."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from services.notifications.settings import NotificationsSettings
from services.notifications.usecases import Deps
from shared.auth import OrgType
from shared.events.contracts.identity import OrganisationRegistered, UserRegistered
from shared.events.contracts.reporting import AlertRaised
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
NOW = dt.datetime.now(dt.UTC)


@pytest.fixture(scope="module")
async def service() -> AsyncIterator[tuple[httpx.AsyncClient, Settings, Deps]]:
    notifications = NotificationsSettings(poll_seconds=0.1, workers=1)
    async with running_service(notifications, MINT.verifier()) as running:
        yield running


def organisation(org_type: str, district: str | None = None) -> tuple[BaseModel, str]:
    org_id = uuid.uuid4().hex
    kind = "district" if org_type == "government" else None
    payload = OrganisationRegistered(organisation_id=org_id, type=org_type, name="机构名称",
                                     kind=kind, district=district)  # fmt: skip
    return payload, org_id


def user(org_type: OrgType, org_id: str, district: str | None = None) -> tuple[Any, str]:
    caller = make_caller(org_type, org_id=org_id, district=district)
    registered = UserRegistered(user_id=caller.user_id, organisation_id=org_id, name="用户",
                                role=caller.role.value)  # fmt: skip
    return (registered, caller.user_id), MINT.token(caller)


def alert(kind: str, audience: str, subject: str, **extra: Any) -> tuple[BaseModel, str]:
    alert_id = f"{kind}:{subject}:{uuid.uuid4().hex[:6]}"
    payload = AlertRaised(alert_id=alert_id, kind=kind, audience=audience, subject_id=subject,
                          raised_at=NOW, title_zh="预警", title_en="alert", **extra)  # fmt: skip
    return payload, alert_id


def stale(district: str) -> tuple[BaseModel, str]:
    return alert("cultivation_stale", "district", district, district=district,
                 subject_kind="district", detail={"days": "90"})  # fmt: skip


async def test_each_audience_finds_the_alert_in_its_inbox(service) -> None:
    client, settings, deps = service
    haidian, ops, chaoyang = (organisation("government", "haidian"), organisation("operator"),
                              organisation("government", "chaoyang"))  # fmt: skip
    enterprise = uuid.uuid4().hex
    gov_user, gov_token = user(OrgType.government, haidian[1], "haidian")
    ops_user, ops_token = user(OrgType.operator, ops[1])
    cy_user, cy_token = user(OrgType.government, chaoyang[1], "chaoyang")
    ent_user, ent_token = user(OrgType.enterprise, enterprise)
    await publish(settings, haidian, ops, chaoyang, gov_user, ops_user, cy_user, ent_user)

    async def directory_ready() -> bool:
        return all([await deps.repos.organisations.get(o[1]) for o in (haidian, ops, chaoyang)])

    await wait_for(directory_ready, timeout=90)
    demand = alert("demand_unanswered", "organisation", "need-7", recipient_org_id=enterprise,
                   subject_kind="tech_need",
                   detail={"title": "储能热管理", "days": "30", "no_match": "true",
                           "no_interest": "true"})  # fmt: skip
    month = alert("roadshow_month_at_risk", "operators", "2025-06", subject_kind="month",
                  detail={"month": "2025-06"})  # fmt: skip
    await publish(settings, demand, stale("haidian"), month)

    [told] = await arrives(client, ent_token)
    assert told["title"] == "监测预警：技术需求发布30天仍无匹配推荐、合作意向"
    assert told["category"] == "alert" and told["link"].endswith("/techtransfer/needs/need-7")
    [district_told] = await arrives(client, gov_token)
    assert district_told["title"] == "监测预警：海淀区培育清单已一个季度未更新"
    assert district_told["link"].endswith("/reports?district=haidian")
    operators_told = await arrives(client, ops_token, 2)
    assert sorted(m["subject_id"] for m in operators_told) == ["2025-06", "haidian"]
    # Chaoyang hears Chaoyang's alert only (published after Haidian's: it did not hear that)
    await publish(settings, stale("chaoyang"))
    [own] = await arrives(client, cy_token)
    assert own["subject_id"] == "chaoyang"
    assert len(await arrives(client, ops_token, 3)) == 3


async def test_a_district_government_learned_after_the_alert_still_hears_it(service) -> None:
    client, settings, deps = service
    now = dt.datetime.now(dt.UTC)
    # the users first, then the organisation (fengtai); the organisation, then its user (tongzhou)
    fengtai, tongzhou = (
        organisation("government", "fengtai"),
        organisation("government", "tongzhou"),
    )
    ft_user, ft_token = user(OrgType.government, fengtai[1], "fengtai")
    tz_user, tz_token = user(OrgType.government, tongzhou[1], "tongzhou")
    await publish(settings, stale("fengtai"), stale("tongzhou"))

    async def kept(district: str) -> bool:
        return bool(await deps.repos.recent.for_organisation(f"group:district:{district}", now))

    await wait_for(lambda: kept("fengtai"), timeout=90)
    await wait_for(lambda: kept("tongzhou"), timeout=90)
    await publish(settings, ft_user)

    async def known() -> bool:
        return await deps.repos.recipients.get(ft_user[1]) is not None

    await wait_for(known, timeout=90)
    assert await inbox(client, ft_token) == []  # not yet known as Fengtai's government
    await publish(settings, fengtai, tongzhou)
    [late] = await arrives(client, ft_token)
    assert late["subject_id"] == "fengtai" and late["category"] == "alert"

    async def directory_knows() -> bool:
        return await deps.repos.organisations.get(tongzhou[1]) is not None

    await wait_for(directory_knows, timeout=90)
    await publish(settings, tz_user)
    [later] = await arrives(client, tz_token)
    assert later["subject_id"] == "tongzhou"
