"""identity's per-address throttles need the visitor's address, which reaches it in
X-Forwarded-For from the portal: the FORWARDED_ALLOW_IPS that deploy/k8s and
docker-compose give identity make uvicorn believe the portal's pod/container, take the
right-most untrusted address (a visitor cannot forge one in front), and ignore the
header from anyone outside the private ranges."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

pytestmark = pytest.mark.unit
REPO = Path(__file__).resolve().parents[3]


def _k8s() -> str:
    [deployment, *_] = yaml.safe_load_all((REPO / "deploy/k8s/identity.yaml").read_text())
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    return next(e["value"] for e in container["env"] if e["name"] == "FORWARDED_ALLOW_IPS")


def _compose() -> str:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    return str(compose["services"]["identity"]["environment"]["FORWARDED_ALLOW_IPS"])


async def _client_seen(trusted: str, peer: str, forwarded: str | None) -> str:
    seen: dict[str, Any] = {}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen["client"] = scope["client"][0]

    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    scope = {"type": "http", "client": (peer, 40000), "headers": headers, "scheme": "http"}
    await ProxyHeadersMiddleware(app, trusted_hosts=trusted)(scope, None, None)
    return str(seen["client"])


@pytest.mark.parametrize("source", ["k8s", "compose"])
async def test_identity_believes_the_portal_and_nobody_else(source: str) -> None:
    trusted = _k8s() if source == "k8s" else _compose()
    portal_pod, visitor = "10.244.3.17", "203.0.113.7"
    assert await _client_seen(trusted, portal_pod, visitor) == visitor
    assert await _client_seen(trusted, "172.18.0.5", visitor) == visitor  # a compose network
    # an address forged in front by the visitor is not taken: the right-most untrusted one is
    assert await _client_seen(trusted, portal_pod, f"198.51.100.1, {visitor}") == visitor
    # from outside the private ranges the header is ignored
    assert await _client_seen(trusted, "198.51.100.9", visitor) == "198.51.100.9"
