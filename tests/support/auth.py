"""Access tokens for tests of any service: a throw-away signing key, a verifier that
trusts it (no identity process needed), tokens for any caller, and broken tokens.

Tokens are signed exactly the way identity signs them (``services.identity.domain.keys``),
so a service under test verifies them with the real ``shared.auth.TokenVerifier``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from services.identity.domain.keys import SigningKey, generate_signing_key, jwks, sign_access_token
from shared.auth import DEFAULT_AUDIENCE, DEFAULT_ISSUER, Caller, JWKSCache, OrgType, Role
from shared.auth import TokenVerifier as Verifier


class TokenMint:
    """One signing key, a verifier trusting it, and tokens for made-up callers."""

    def __init__(self, issuer: str = DEFAULT_ISSUER, audience: str = DEFAULT_AUDIENCE) -> None:
        self.key: SigningKey = generate_signing_key(dt.datetime.now(dt.UTC))
        self.issuer = issuer
        self.audience = audience

    async def _jwks(self) -> dict[str, Any]:
        return jwks([self.key])

    def verifier(self) -> Verifier:
        cache = JWKSCache(self._jwks, ttl=3600.0, min_refresh_interval=0.0)
        return Verifier(cache, issuer=self.issuer, audience=self.audience)

    def token(
        self,
        caller: Caller,
        *,
        ago: float = 0.0,
        ttl: float = 900.0,
        key: SigningKey | None = None,
    ) -> str:
        now = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=ago)
        return sign_access_token(
            key or self.key,
            caller,
            now=now,
            ttl=dt.timedelta(seconds=ttl),
            issuer=self.issuer,
            audience=self.audience,
        )

    def bad_tokens(self, caller: Caller) -> dict[str, str | None]:
        """Tokens every protected route must answer 401 to (None: no header at all)."""
        valid = self.token(caller)
        head, payload, signature = valid.split(".")
        stranger = generate_signing_key(dt.datetime.now(dt.UTC))
        return {
            "none": None,
            "expired": self.token(caller, ago=3600),
            "tampered": f"{head}.{payload[:-4]}AAAA.{signature}",
            "wrong key, known kid": self.token(
                caller, key=stranger.model_copy(update={"kid": self.key.kid})
            ),
            "unknown kid": self.token(caller, key=stranger),
            "garbage": "garbage",
        }


def make_caller(
    org_type: OrgType,
    *,
    role: Role = Role.admin,
    org_id: str | None = None,
    district: str | None = "haidian",
    name: str = "测试用户",
) -> Caller:
    """A caller of the given organisation type (a fresh organisation unless ``org_id``)."""
    return Caller(
        user_id=f"user-{uuid.uuid4().hex[:8]}",
        user_name=name,
        organisation_id=org_id or f"{org_type.value}-{uuid.uuid4().hex[:8]}",
        org_type=org_type,
        role=role,
        district=district if org_type in (OrgType.enterprise, OrgType.government) else None,
        government_kind="district" if org_type is OrgType.government else None,
    )


def bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}
