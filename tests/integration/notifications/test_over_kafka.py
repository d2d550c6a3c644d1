"""The whole service on the real engines: identity and matching events in on Kafka,
inbox messages out over HTTP — one per recipient even when an event is delivered twice —
and a mail in an SMTP sink for a user who asked for e-mail."""

from __future__ import annotations

import email
import email.policy
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from pydantic import BaseModel

from services.notifications.settings import NotificationsSettings
from shared.auth import OrgType, Role
from shared.events import Envelope, new_event
from shared.events.contracts.identity import UserRegistered
from shared.events.contracts.matching import MatchSuggested
from shared.settings import Settings
from tests.integration.notifications.conftest import inbox, publish, running_service, wait_for
from tests.support.auth import TokenMint, bearer, make_caller
from tests.support.mail import smtp_sink

pytestmark = [pytest.mark.integration, pytest.mark.slow]
MINT = TokenMint()


@pytest.fixture(scope="module")
def mail_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("kafka-mail")


@pytest.fixture(scope="module")
async def service(mail_folder: Path) -> AsyncIterator[tuple[httpx.AsyncClient, Settings]]:
    with smtp_sink(mail_folder) as smtp_port:
        notifications = NotificationsSettings(smtp_port=smtp_port, poll_seconds=0.1, workers=2)
        async with running_service(notifications, MINT.verifier()) as (client, settings, _):
            yield client, settings


def event(payload: BaseModel, subject: str, version: int = 1) -> Envelope:
    return new_event(payload, subject=subject, version=version, source="test")


def match(org: str, supply_id: str) -> MatchSuggested:
    return MatchSuggested(
        match_id=f"need-1|{supply_id}", trigger="ranking", reason="entered_top",
        recipient_org_id=org, demand_id="need-1", demand_kind="tech_need", demand_org_id=org,
        supply_id=supply_id, supply_kind="tech_offer", supply_org_id="org-supply", score=4.2,
        rank=1, summary="entered the top results at #1; matched: 储能",
    )  # fmt: skip


async def test_a_match_delivered_twice_gives_each_recipient_one_message(service) -> None:
    client, settings = service
    org = f"org-{uuid.uuid4().hex[:8]}"
    users = [make_caller(OrgType.enterprise, org_id=org, role=r) for r in Role]
    await publish(
        settings,
        *[
            event(
                UserRegistered(
                    user_id=u.user_id,
                    organisation_id=org,
                    name="用户",
                    role=u.role.value,
                    language=lang,
                ),
                u.user_id,
            )
            for u, lang in zip(users, ("zh-CN", "en"), strict=True)
        ],
    )
    first = event(match(org, "offer-1"), "need-1|offer-1")
    sentinel = event(match(org, "offer-2"), "need-1|offer-1")  # same key: same partition
    await publish(settings, first)
    await publish(settings, first, sentinel)  # the redelivery, then something after it
    tokens = [MINT.token(u) for u in users]

    for token in tokens:

        async def both_seen(token: str = token) -> list[dict] | None:
            items = await inbox(client, token)
            return items if {m["subject_id"] for m in items} == {"offer-1", "offer-2"} else None

        items = await wait_for(both_seen, timeout=60)
        assert sorted(m["subject_id"] for m in items) == ["offer-1", "offer-2"]
    zh, en = (await inbox(client, tokens[0]))[0], (await inbox(client, tokens[1]))[0]
    assert zh["title"].startswith("新的匹配推荐") and en["title"].startswith("New match")
    count = await client.get("/inbox/unread-count", headers=bearer(tokens[0]))
    assert count.json() == {"unread": 2}


async def test_email_preference_over_kafka_reaches_the_smtp_sink(
    service, mail_folder: Path
) -> None:
    client, settings = service
    org = f"org-{uuid.uuid4().hex[:8]}"
    user = make_caller(OrgType.university, org_id=org, role=Role.member)
    token = MINT.token(user)
    address = f"{uuid.uuid4().hex[:8]}@example.cn"
    response = await client.put(
        "/preferences",
        json={"email": address, "categories": {"match": {"channel": "email"}}},
        headers=bearer(token),
    )
    assert response.status_code == 200, response.text
    assert response.json()["categories"]["tier"] == {"channel": "in_app", "cadence": "immediate"}
    bad = await client.put("/preferences", json={"email": "nope"}, headers=bearer(token))
    assert bad.status_code == 422 and "nope" not in bad.text
    await publish(
        settings,
        event(
            UserRegistered(user_id=user.user_id, organisation_id=org, name="李老师", role="member"),
            user.user_id,
        ),
        event(match(org, "offer-9"), "need-1|offer-9"),
    )

    async def mail() -> list[Path]:
        return [p for p in mail_folder.glob("*.eml") if address.encode() in p.read_bytes()]

    [found] = await wait_for(mail, timeout=60)
    message = email.message_from_bytes(found.read_bytes(), policy=email.policy.default)
    assert message["Subject"] == "新的匹配推荐：科技成果"
    assert "/techtransfer/offers/offer-9" in message.get_body().get_content()


async def test_a_long_poll_answers_when_the_message_is_stored(service) -> None:
    import asyncio

    client, settings = service
    org = f"org-{uuid.uuid4().hex[:8]}"
    user = make_caller(OrgType.enterprise, org_id=org, role=Role.admin)
    token = MINT.token(user)
    poll = asyncio.create_task(
        client.get("/inbox?unread=true&wait=30", headers=bearer(token), timeout=60)
    )
    registered = UserRegistered(
        user_id=user.user_id, organisation_id=org, name="用户", role=user.role.value
    )
    await publish(settings, event(registered, user.user_id))
    await publish(settings, event(match(org, "offer-9"), "need-1|offer-9"))
    response = await poll  # empty until the message is stored; 30 s would be a failure
    assert response.status_code == 200, response.text
    assert [m["subject_id"] for m in response.json()["items"]] == ["offer-9"]


async def test_a_long_poll_with_nothing_new_returns_empty_after_the_wait(service) -> None:
    client, _ = service
    user = make_caller(OrgType.enterprise, org_id=f"org-{uuid.uuid4().hex[:8]}")
    response = await client.get("/inbox?unread=true&wait=0.5", headers=bearer(MINT.token(user)))
    assert response.status_code == 200 and response.json()["items"] == []
    too_long = await client.get("/inbox?wait=31", headers=bearer(MINT.token(user)))
    assert too_long.status_code == 422 and "wait" in too_long.text
