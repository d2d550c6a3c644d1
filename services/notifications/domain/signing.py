"""The webhook signature scheme integrators verify.

Each delivery carries ``X-Duijie-Timestamp`` (Unix seconds) and
``X-Duijie-Signature: v1=<hex>``, where ``<hex>`` is HMAC-SHA256 keyed with the endpoint's
secret over ``f"{timestamp}.".encode() + body`` (the raw request body bytes). Receivers
recompute it, compare in constant time, and reject timestamps older than a few minutes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "X-Duijie-Signature"
TIMESTAMP_HEADER = "X-Duijie-Timestamp"
DELIVERY_HEADER = "X-Duijie-Delivery"
EVENT_HEADER = "X-Duijie-Event"
SCHEME = "v1"
SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)


def new_secret() -> str:
    """A fresh endpoint secret (shown to the admin once)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"{SCHEME}={mac.hexdigest()}"


def signed_headers(secret: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }


def verify(
    secret: str, timestamp: str, header: str, body: bytes, *, now: int, tolerance: int = 300
) -> bool:
    """True when ``header`` signs ``body`` at ``timestamp`` and the timestamp is fresh."""
    try:
        ts = int(timestamp)
    except ValueError:
        return False
    if abs(now - ts) > tolerance:
        return False
    expected = signature(secret, ts, body)
    # A header may carry several signatures during secret rotation: "v1=a, v1=b".
    return any(hmac.compare_digest(expected, part.strip()) for part in header.split(","))
