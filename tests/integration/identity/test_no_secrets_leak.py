"""No password, password hash, private key or token appears anywhere but the sign-in and
refresh responses: not in other response bodies, not in logs, not in events."""

from __future__ import annotations

import json
import logging
import uuid

import pytest

from tests.integration.identity.conftest import PASSWORD, Identity, bearer
from tests.integration.identity.events import published_events

pytestmark = pytest.mark.integration
TOKEN_ROUTES = ("/auth/token", "/auth/refresh")


async def test_secrets_stay_out_of_bodies_logs_and_events(
    identity: Identity, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    start = len(identity.responses)
    client = identity.client
    op_org, op = await identity.bootstrap_operator()
    enterprise = {
        "type": "enterprise", "name": "泄露扫描企业", "credit_code": "91110000600037341L",
        "district": "haidian", "founding_date": "2024-01-01",
    }  # fmt: skip
    org_id, admin_email = await identity.register(op, enterprise)
    pair = (
        await client.post("/auth/token", json={"email": admin_email, "password": PASSWORD})
    ).json()
    refreshed = (
        await client.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    ).json()
    token = refreshed["access_token"]
    new_password = f"Changed-{uuid.uuid4().hex[:8]}"
    member_email = f"m-{uuid.uuid4().hex[:8]}@test.duijie.local"
    await client.post(
        f"/organisations/{org_id}/users",
        json={"name": "成员", "email": member_email, "password": PASSWORD},
        headers=bearer(token),
    )
    await client.post("/auth/token", json={"email": member_email, "password": "Wrong-Pass-999"})
    await client.get("/me", headers=bearer(token))
    await client.get(f"/organisations/{org_id}/users", headers=bearer(token))
    assert (
        await client.post(
            "/me/password",
            json={"current_password": PASSWORD, "new_password": new_password},
            headers=bearer(token),
        )
    ).status_code == 204
    await client.post(
        f"/enterprises/{org_id}/tier-changes",
        json={"tier": "cultivation", "action": "remove", "reason": "扫描测试"},
        headers=bearer(op),
    )
    await client.patch(f"/organisations/{org_id}", json={"domains": ["ai"]}, headers=bearer(op))
    await client.get("/.well-known/jwks.json")

    tokens = [pair["access_token"], pair["refresh_token"], refreshed["refresh_token"], token, op]
    users = await identity.deps.repos.users.in_organisation(org_id)
    hashes = [u.password_hash for u in users]
    assert all(h.startswith("$argon2id$") for h in hashes)
    keys = await identity.deps.repos.keys.newest(5)
    secrets = [PASSWORD, new_password, "Wrong-Pass-999", *tokens, *hashes, "$argon2"]
    secrets += [k.private_pem.splitlines()[1] for k in keys] + ["PRIVATE KEY"]

    def leaks(text: str) -> list[str]:
        return [s[:12] for s in secrets if s in text]

    for response in identity.responses[start:]:
        if response.request.url.path in TOKEN_ROUTES and response.status_code == 200:
            continue
        assert not leaks(response.text), (response.request.url.path, leaks(response.text))
        assert not leaks(json.dumps(dict(response.headers))), response.request.url.path
    log_text = "\n".join(r.getMessage() for r in caplog.records) + caplog.text
    assert caplog.records, "the flow should have logged something"
    bad = [(r.name, r.levelname) for r in caplog.records if leaks(r.getMessage())]
    assert not bad
    assert not leaks(log_text)
    events = await published_events(identity, [org_id, op_org])
    assert events, "the flow should have produced events"
    assert "identity.user.registered" in {e["type"] for e in events}
    assert not leaks(json.dumps(events, default=str))
    assert admin_email not in json.dumps(events, default=str)  # no personal data either
