"""Signing keys and access tokens (EdDSA over Ed25519).

A key is generated and kept by identity alone: its private half is stored in identity's
database and never leaves the service. The JWKS shows the current key and the one before
it, so tokens signed just before a rotation stay valid until they expire.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import uuid

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import BaseModel, Field

from shared.auth import ACCESS_TOKEN_TYPE, Caller

ALGORITHM = "EdDSA"
PUBLISHED_KEYS = 2  # current + previous


class SigningKey(BaseModel):
    """One stored key pair; ``private_pem`` must never be logged or returned."""

    kid: str
    created_at: dt.datetime
    private_pem: str = Field(repr=False)
    public_jwk: dict[str, str]


def generate_signing_key(now: dt.datetime) -> SigningKey:
    """A fresh Ed25519 key pair with a key id that sorts by creation time."""
    private = Ed25519PrivateKey.generate()
    kid = f"{now:%Y%m%dT%H%M%S}-{secrets.token_hex(4)}"
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(private.public_key()))
    public.update({"kid": kid, "alg": ALGORITHM, "use": "sig"})
    return SigningKey(kid=kid, created_at=now, private_pem=pem, public_jwk=public)


def newest_first(keys: list[SigningKey]) -> list[SigningKey]:
    return sorted(keys, key=lambda k: (k.created_at, k.kid), reverse=True)


def jwks(keys: list[SigningKey]) -> dict[str, list[dict[str, str]]]:
    """The public JWKS document: the current key and the previous one."""
    return {"keys": [dict(k.public_jwk) for k in newest_first(keys)[:PUBLISHED_KEYS]]}


def sign_access_token(
    key: SigningKey,
    caller: Caller,
    *,
    now: dt.datetime,
    ttl: dt.timedelta,
    issuer: str,
    audience: str,
) -> str:
    """A short-lived access token carrying the caller's identity claims."""
    claims = {
        **caller.to_claims(),
        "iss": issuer,
        "aud": audience,
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    private = serialization.load_pem_private_key(key.private_pem.encode(), password=None)
    return jwt.encode(
        claims,
        private,  # type: ignore[arg-type]
        algorithm=ALGORITHM,
        headers={"kid": key.kid, "typ": ACCESS_TOKEN_TYPE},
    )
