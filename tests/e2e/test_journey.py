"""The tech-transfer journey across four real service processes, over HTTP and Kafka.

An operator (created with identity's CLI) registers an enterprise, a university and an
unrelated enterprise; the enterprise posts a need, the university a matching offer. The
enterprise's inbox gets exactly one suggestion about the offer; matching shows the pair
to the enterprise and not to the unrelated organisation; withdrawing the offer takes it
out of matching's search. Every wait is a condition with a deadline.

A service that does not wake its outbox relay per write publishes on the relay's sweep
(every 30 s), so each wait allows for one sweep; with waking relays the journey takes
a few seconds after start-up.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import pytest

from services.identity.domain.credit_code import check_character
from tests.e2e.conftest import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PASSWORD = "Journey-Pass-2024"  # throwaway users of a per-run database
EVENT_WAIT = 45.0  # one relay sweep (30 s) plus processing on a busy machine


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def sign_in(identity: str, email: str) -> str:
    r = httpx.post(f"{identity}/auth/token", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


def register(identity: str, operator: str, profile: dict[str, Any], email: str) -> tuple[str, str]:
    """An organisation with its admin; returns (organisation id, the admin's token)."""
    admin = {"name": "管理员", "email": email, "password": PASSWORD, "role": "admin"}
    r = httpx.post(f"{identity}/organisations", json={"organisation": profile, "admin": admin},
                   headers=bearer(operator))  # fmt: skip
    assert r.status_code == 201, r.text
    return r.json()["organisation"]["id"], sign_in(identity, email)


def enterprise(name: str, serial: str) -> dict[str, Any]:
    first17 = f"91110108{serial}"  # nine characters of the body identifier
    code = first17 + check_character(first17)
    return {"type": "enterprise", "name": name, "credit_code": code, "district": "haidian",
            "founding_date": "2019-03-01", "domains": ["energy"]}  # fmt: skip


def publish(techtransfer: str, token: str, kind: str, content: dict[str, Any]) -> str:
    r = httpx.post(f"{techtransfer}/{kind}", json=content, headers=bearer(token))
    assert r.status_code == 201, r.text
    rid = str(r.json()["id"])
    r = httpx.post(f"{techtransfer}/{kind}/{rid}/publish", headers=bearer(token))
    assert r.status_code == 200 and r.json()["state"] == "published", r.text
    return rid


def suggestions_about(notifications: str, token: str, record_id: str) -> list[dict[str, Any]]:
    r = httpx.get(f"{notifications}/inbox", params={"limit": 100}, headers=bearer(token))
    assert r.status_code == 200, r.text
    return [
        m for m in r.json()["items"]
        if m["event_type"] == "matching.match.suggested" and m["subject_id"] == record_id
    ]  # fmt: skip


def pairs(matching: str, token: str) -> list[tuple[str, str]]:
    r = httpx.get(f"{matching}/matches", headers=bearer(token))
    assert r.status_code == 200, r.text
    return [(m["demand_id"], m["supply_id"]) for m in r.json()["items"]]


def offer_ids_found(matching: str, token: str, q: str) -> set[str]:
    r = httpx.get(f"{matching}/search/tech_offer", params={"q": q}, headers=bearer(token))
    assert r.status_code == 200, r.text
    return {hit["record"]["id"] for hit in r.json()["items"]}


def test_need_meets_offer_then_withdrawal(
    e2e_prefix: str,
    kafka_available: None,
    mongo_available: None,
    search_available: None,
    start_service: Any,
    start_services: Any,
    run_cli: Any,
) -> None:
    t0 = time.monotonic()

    def mark(phase: str) -> None:  # shown with -s or on failure: where a slow run spent time
        print(f"{time.monotonic() - t0:6.1f} s  {phase} ({e2e_prefix})")

    identity = start_service("identity").url
    jwks = f"{identity}/.well-known/jwks.json"
    run = uuid.uuid4().hex[:6]
    operator_email = f"operator-{run}@e2e.duijie.local"
    run_cli("services.identity.cli", "create-operator", "--email", operator_email,
            "--name", "运营", DUIJIE_OPERATOR_PASSWORD=PASSWORD)  # fmt: skip
    # matching before notifications: it creates matching.match at start
    services = start_services("techtransfer", "matching", DUIJIE_JWKS_URL=jwks)
    techtransfer, matching = services["techtransfer"].url, services["matching"].url
    notifications = start_service("notifications", DUIJIE_JWKS_URL=jwks).url
    mark("services started, operator created")

    operator = sign_in(identity, operator_email)
    serial = f"MA{run.upper()}Q"  # hex digits are all valid code characters
    ent_id, ent = register(identity, operator, enterprise("京能储热科技有限公司", serial),
                           f"ent-{run}@e2e.duijie.local")  # fmt: skip
    _, other = register(identity, operator, enterprise("无关示例科技有限公司", serial[::-1]),
                        f"other-{run}@e2e.duijie.local")  # fmt: skip
    uni_id, uni = register(identity, operator,
        {"type": "university", "name": "北京能源大学", "kind": "university", "domains": ["energy"]},
        f"uni-{run}@e2e.duijie.local")  # fmt: skip

    code = f"ces{run}"
    need = publish(techtransfer, ent, "needs", {
        "title": f"储能电池热失控早期预警技术需求 {code}",
        "description": "寻求基于多传感器融合的储能电池热失控早期预警算法与硬件方案。",
        "domains": ["energy"], "keywords": ["储能", "热失控", "预警", code],
        "cooperation_modes": ["license", "joint_dev"], "min_trl": 5,
        "budget_cny": [500_000, 2_000_000],
    })  # fmt: skip
    offer = publish(techtransfer, uni, "offers", {
        "title": f"储能电池热失控多传感器早期预警系统 {code}",
        "description": "融合气体、温度与电压传感器的储能电池热失控早期预警算法与硬件。",
        "domains": ["energy"], "keywords": ["储能", "热失控", "预警", code],
        "cooperation_modes": ["license"], "trl": 7, "ip": 3,
    })  # fmt: skip

    mark("need and offer published")
    # the enterprise hears about the offer, once, with a link to it
    (message,) = eventually(lambda: suggestions_about(notifications, ent, offer),
                            EVENT_WAIT * 2, "suggestion in the enterprise's inbox")  # fmt: skip
    assert offer in message["link"] and message["subject_kind"] == "tech_offer"
    mark("suggestion in the enterprise's inbox")

    # matching shows the pair to both sides, and to nobody else
    assert (need, offer) in pairs(matching, ent)
    assert (need, offer) in pairs(matching, uni)
    assert (need, offer) not in pairs(matching, other)
    r = httpx.get(f"{matching}/matches/{need}/{offer}", headers=bearer(other))
    assert r.status_code == 404, r.text
    r = httpx.get(f"{matching}/matches/{need}/{offer}", headers=bearer(ent))
    assert r.status_code == 200 and r.json()["demand_org_id"] == ent_id, r.text
    assert r.json()["supply_org_id"] == uni_id

    # withdrawing the offer takes it out of search
    assert offer in offer_ids_found(matching, ent, code)
    r = httpx.post(f"{techtransfer}/offers/{offer}/withdraw", headers=bearer(uni))
    assert r.status_code == 200 and r.json()["state"] == "withdrawn", r.text
    eventually(lambda: offer not in offer_ids_found(matching, ent, code), EVENT_WAIT,
               "withdrawn offer gone from matching's search")  # fmt: skip

    mark("withdrawn offer gone from search")
    # still exactly one message about the pair after everything above was processed
    assert len(suggestions_about(notifications, ent, offer)) == 1
    assert suggestions_about(notifications, other, offer) == []
