"""Self-sign-up on the real engines: sign up -> the mail reaches the SMTP sink -> confirm ->
sign in and draft in techtransfer, but publishing is 403 ``organisation_not_verified`` ->
an operator verifies -> a fresh token publishes. Duplicates are 409 naming the field, the
throttle answers 429, and expired, reused or replaced links are refused by name (issue 17).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import jwt
import pytest
from aiokafka import AIOKafkaConsumer

from tests.integration.identity.signup_world import (
    EMAIL_LIMIT,
    IP_LIMIT,
    World,
    enterprise,
    new_email,
    running_world,
)
from tests.support.market import decode
from tests.support.problems import code_of, field_of
from tests.support.techtransfer import OFFER_FIELDS

pytestmark = pytest.mark.integration
EN = {"Accept-Language": "en"}


@pytest.fixture(scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    async with running_world(tmp_path_factory) as running:
        yield running


def bearer(token: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **extra}


async def organisation_events(w: World, predicate, timeout: float = 30.0) -> list[dict]:
    """Envelopes on identity.organisation, read from the start until ``predicate`` holds."""
    consumer = AIOKafkaConsumer(
        f"{w.settings.topic_prefix}identity.organisation",
        bootstrap_servers=w.settings.kafka_bootstrap,
        group_id=None, auto_offset_reset="earliest", enable_auto_commit=False,
    )  # fmt: skip
    await consumer.start()
    seen: list[dict[str, Any]] = []
    try:
        async with asyncio.timeout(timeout):
            while not predicate(seen):
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    seen.extend(map(decode, records))  # structured or binary mode
    finally:
        await consumer.stop()
    return seen


async def test_sign_up_confirm_draft_verify_publish(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    address = new_email()
    signed = await world.sign_up(email=address)
    assert signed.status_code == 201, signed.text
    body = signed.json()
    org_id = body["organisation"]["id"]
    assert body["organisation"]["standing"] == "pending_email" and body["email_sent"] is True
    early = await world.token(address)  # right password, e-mail not confirmed yet
    assert early.status_code == 403 and code_of(early.json()) == "email_not_confirmed"

    token = await world.link_token(address)
    assert token.startswith(f"{org_id}.")
    confirmed = await world.call("POST", "/sign-up/confirm", json={"token": token})
    assert confirmed.json() == {"organisation_id": org_id, "standing": "pending_verification"}
    again = await world.call("POST", "/sign-up/confirm", json={"token": token}, headers=EN)
    assert again.status_code == 409 and code_of(again.json()) == "token_used"
    assert "already been used" in again.json()["errors"][0]["message"]

    access = (await world.token(address)).json()["access_token"]
    assert jwt.decode(access, options={"verify_signature": False})["verified"] is False
    draft = await world.call(
        "POST", "/offers", "techtransfer", json=OFFER_FIELDS, headers=bearer(access)
    )
    assert draft.status_code == 201 and draft.json()["state"] == "draft", draft.text
    offer = draft.json()["id"]
    refused = await world.call(
        "POST", f"/offers/{offer}/publish", "techtransfer", headers=bearer(access)
    )
    assert refused.status_code == 403 and code_of(refused.json()) == "organisation_not_verified"
    assert "审核" in refused.json()["errors"][0]["message"]  # Chinese by default
    at_once = await world.call(
        "POST", "/offers", "techtransfer", json={**OFFER_FIELDS, "publish": True},
        headers=bearer(access, **EN),
    )  # fmt: skip
    assert at_once.status_code == 403 and "not verified" in at_once.json()["errors"][0]["message"]

    operator = await world.operator_token()
    queue = await world.call(
        "GET", "/organisations", params={"state": "pending_verification", "limit": 100},
        headers=bearer(operator),
    )  # fmt: skip
    assert org_id in [o["id"] for o in queue.json()["items"]]
    not_operator = await world.call(
        "POST", f"/organisations/{org_id}/verify", headers=bearer(access)
    )
    assert not_operator.status_code == 403
    verified = await world.call("POST", f"/organisations/{org_id}/verify", headers=bearer(operator))
    assert verified.status_code == 200 and verified.json()["standing"] == "verified"
    twice = await world.call("POST", f"/organisations/{org_id}/verify", headers=bearer(operator))
    assert twice.status_code == 409 and code_of(twice.json()) == "not_awaiting_verification"

    fresh = (await world.token(address)).json()["access_token"]
    published = await world.call(
        "POST", f"/offers/{offer}/publish", "techtransfer", headers=bearer(fresh)
    )
    assert published.status_code == 200 and published.json()["state"] == "published"

    def announced(seen: list[dict]) -> bool:
        types = {e["type"] for e in seen if e.get("subject") == org_id}
        return {"identity.organisation.registered", "identity.organisation.verified"} <= types

    events = await organisation_events(world, announced)
    mine = [e for e in events if e.get("subject") == org_id]
    # announced once verified, not at sign-up; never with the e-mail or the link's secret
    assert [e["type"] for e in mine] == [
        "identity.organisation.registered", "identity.organisation.verified"
    ]  # fmt: skip
    secret = token.split(".", 1)[1]
    assert secret not in json.dumps(mine) and address not in json.dumps(mine)
    leaks = [  # the SMTP sink's own log ("mail.log") is the mail server's, not ours
        (r.name, r.getMessage()[:300])
        for r in caplog.records
        if not r.name.startswith("mail.")
        and (secret in r.getMessage() or address in r.getMessage())
    ]
    assert leaks == []


async def test_a_taken_credit_code_or_e_mail_is_a_409_naming_it(world: World) -> None:
    first = enterprise()
    address = new_email()
    assert (await world.sign_up(first, email=address)).status_code == 201
    same_code = await world.sign_up(enterprise(credit_code=first["credit_code"]))
    assert same_code.status_code == 409, same_code.text
    assert field_of(same_code.json()) == "organisation.credit_code"
    assert code_of(same_code.json()) == "credit_code_taken"
    assert "信用代码" in same_code.json()["errors"][0]["message"]
    same_email = await world.call(
        "POST", "/sign-up", headers=EN,
        json={"organisation": enterprise(),
              "admin": {"name": "王强", "email": address.upper(), "password": "Another-Pass-1"}},
    )  # fmt: skip
    assert same_email.status_code == 409 and field_of(same_email.json()) == "admin.email"
    assert same_email.json()["errors"][0]["message"] == "e-mail already in use"


async def test_sign_up_is_throttled_per_e_mail_and_per_address(world: World) -> None:
    address = new_email()
    answers = [(await world.sign_up(email=address)).status_code for _ in range(EMAIL_LIMIT + 1)]
    assert answers[0] == 201 and answers[1:EMAIL_LIMIT] == [409] * (EMAIL_LIMIT - 1)
    assert answers[-1] == 429
    ip = "192.0.2.77"
    for _ in range(IP_LIMIT):  # attempts count whatever their outcome (a weak password here)
        weak = await world.sign_up(ip=ip, password="short")
        assert weak.status_code == 422 and field_of(weak.json()) == "admin.password"
    locked = await world.sign_up(ip=ip)
    assert locked.status_code == 429 and field_of(locked.json()) == "client"
    assert code_of(locked.json()) == "too_many_sign_ups"
    assert int(locked.headers["Retry-After"]) > 0
    assert locked.headers["content-type"].startswith("application/problem+json")
    # a resend is throttled with the sign-ups of its e-mail, and names its own field
    resend = await world.call("POST", "/sign-up/resend", json={"email": address})
    assert resend.status_code == 429 and field_of(resend.json()) == "email"


async def test_expired_replaced_and_bogus_links_are_refused_by_name(world: World) -> None:
    address = new_email()
    assert (await world.sign_up(email=address)).status_code == 201
    first = await world.link_token(address)
    world.clock.offset = dt.timedelta(days=2)  # the link works for one day
    try:
        expired = await world.call("POST", "/sign-up/confirm", json={"token": first})
    finally:
        world.clock.offset = dt.timedelta()
    assert expired.status_code == 422 and code_of(expired.json()) == "token_expired"
    resent = await world.call("POST", "/sign-up/resend", json={"email": address})
    assert resent.status_code == 202
    second = await world.link_token(address, besides=(first,))
    replaced = await world.call("POST", "/sign-up/confirm", json={"token": first})
    assert replaced.status_code == 422 and code_of(replaced.json()) == "invalid_token"
    ok = await world.call("POST", "/sign-up/confirm", json={"token": second})
    assert ok.status_code == 200 and ok.json()["standing"] == "pending_verification"
    world.clock.offset = dt.timedelta(hours=2)  # past this e-mail's sign-up throttle
    try:
        late = await world.call("POST", "/sign-up/resend", json={"email": address})
    finally:
        world.clock.offset = dt.timedelta()
    assert late.status_code == 202 and len(world.mails_to(address)) == 2  # confirmed: no mail
    for bogus in ("nonsense", "a" * 32 + "." + "b" * 43):
        refused = await world.call("POST", "/sign-up/confirm", json={"token": bogus})
        assert refused.status_code == 422 and code_of(refused.json()) == "invalid_token"
    unknown = await world.call("POST", "/sign-up/resend", json={"email": new_email()})
    assert unknown.status_code == 202  # the same answer for an e-mail nobody signed up with


async def test_a_rejected_sign_up_frees_its_credit_code(world: World) -> None:
    profile = enterprise()
    address = new_email()
    org_id = (await world.sign_up(profile, email=address)).json()["organisation"]["id"]
    await world.call("POST", "/sign-up/confirm", json={"token": await world.link_token(address)})
    operator = await world.operator_token()
    rejected = await world.call(
        "POST", f"/organisations/{org_id}/reject", json={"reason": "信用代码与名称不符"},
        headers=bearer(operator),
    )  # fmt: skip
    assert rejected.status_code == 200 and rejected.json()["standing"] == "rejected"
    assert rejected.json()["rejection_reason"] == "信用代码与名称不符"
    access = (await world.token(address)).json()["access_token"]  # may sign in to read why
    me = await world.call("GET", "/me", headers=bearer(access))
    assert me.json()["organisation"]["standing"] == "rejected"
    again = await world.sign_up(enterprise(credit_code=profile["credit_code"]))
    assert again.status_code == 201, again.text


async def test_sign_up_asks_for_the_credit_code_and_names_fields_without_union_tags(
    world: World,
) -> None:
    no_code = {"type": "university", "name": "自助注册大学", "kind": "university"}
    missing = await world.sign_up(no_code)
    assert missing.status_code == 422 and field_of(missing.json()) == "organisation.credit_code"
    bad = await world.sign_up(enterprise(name="企\x00业", credit_code="91110108551385082A"))
    assert bad.status_code == 422
    assert sorted(e["field"] for e in bad.json()["errors"]) == [
        "organisation.credit_code", "organisation.name"
    ]  # fmt: skip
    operator_type = await world.sign_up({"type": "operator", "name": "假冒运营方"})
    assert operator_type.status_code == 422 and field_of(operator_type.json()) == "organisation"
