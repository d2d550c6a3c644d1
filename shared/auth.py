"""Who is calling: token verification and authorisation helpers every service uses.

Access tokens are JWTs signed by the identity service (EdDSA/Ed25519, or RS256); every
service verifies them locally against the identity service's JWKS, cached in process and
refreshed when a token names a key id the cache does not know (at most once every
``min_refresh_interval`` seconds, so forged key ids cannot turn into a request flood).

Every route declares who may call it: either it depends on :data:`CurrentCaller` (or one
of the ``require_*`` dependencies), or it is marked public with ``dependencies=[PUBLIC]``.
:func:`undeclared_routes` lists routes that do neither, for each service's tests.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from enum import StrEnum
from typing import Annotated, Any

import httpx
import jwt
from fastapi import Depends, FastAPI, Request, status
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from shared.errors import DuijieError, ForbiddenError, Unauthorized
from shared.settings import get_settings

log = logging.getLogger(__name__)

# RFC 9068 header "typ"; refresh tokens are opaque, never JWTs.
ACCESS_TOKEN_TYPE = "at+jwt"  # noqa: S105
ALLOWED_ALGORITHMS = ("EdDSA", "RS256")
DEFAULT_ISSUER = "duijie-identity"
DEFAULT_AUDIENCE = "duijie"


class OrgType(StrEnum):
    """The kinds of organisation a caller can belong to."""

    enterprise = "enterprise"
    university = "university"
    soe = "soe"
    government = "government"
    investor = "investor"
    headhunter = "headhunter"
    operator = "operator"


class Role(StrEnum):
    """A user's role inside their own organisation."""

    admin = "admin"
    member = "member"


class Caller(BaseModel):
    """The verified caller of a request, read from the access token's claims."""

    model_config = ConfigDict(frozen=True)

    user_id: str = Field(description="the user's id (token subject)")
    user_name: str = Field("", description="display name, for records such as 'changed by'")
    organisation_id: str
    org_type: OrgType
    role: Role
    district: str | None = Field(None, description="the organisation's district, if it has one")
    government_kind: str | None = Field(None, description="district | department (government)")
    verified: bool = Field(
        True,
        description="the organisation passed operator verification (a self-signed-up one "
        "drafts but does not publish until then); tokens without the claim count as verified",
    )

    @property
    def is_operator(self) -> bool:
        return self.org_type is OrgType.operator

    @property
    def is_district_government(self) -> bool:
        return self.org_type is OrgType.government and self.government_kind == "district"

    def owns(self, organisation_id: str) -> bool:
        """True when the resource belongs to the caller's own organisation."""
        return self.organisation_id == organisation_id

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> Caller:
        return cls(
            user_id=claims["sub"],
            user_name=claims.get("name", ""),
            organisation_id=claims["org"],
            org_type=claims["org_type"],
            role=claims["role"],
            district=claims.get("district"),
            government_kind=claims.get("gov_kind"),
            verified=claims.get("verified", True) is not False,
        )

    def to_claims(self) -> dict[str, Any]:
        """The claims identity puts into an access token for this caller."""
        claims: dict[str, Any] = {
            "sub": self.user_id,
            "name": self.user_name,
            "org": self.organisation_id,
            "org_type": self.org_type.value,
            "role": self.role.value,
            "verified": self.verified,
        }
        if self.district:
            claims["district"] = self.district
        if self.government_kind:
            claims["gov_kind"] = self.government_kind
        return claims


class InvalidToken(Exception):
    """The token cannot be trusted; ``reason`` is a stable code, never the token itself."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


JWKSFetcher = Callable[[], Awaitable[dict[str, Any]]]


def http_jwks_fetcher(url: str, *, timeout: float = 5.0) -> JWKSFetcher:
    """A fetcher that GETs a JWKS document over HTTP."""

    async def fetch() -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=timeout) as client:
            response = await client.get(url)
            response.raise_for_status()
            return response.json()

    return fetch


class JWKSCache:
    """Public keys by key id, refreshed every ``ttl`` seconds or on an unknown key id."""

    def __init__(
        self,
        fetch: JWKSFetcher,
        *,
        ttl: float = 300.0,
        min_refresh_interval: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._ttl = ttl
        self._min_interval = min_refresh_interval
        self._clock = clock
        self._keys: dict[str, jwt.PyJWK] = {}
        self._loaded_at: float | None = None
        self._attempted_at: float | None = None
        self._lock = asyncio.Lock()
        self.refreshes = 0

    @property
    def key_ids(self) -> frozenset[str]:
        return frozenset(self._keys)

    async def refresh(self, *, force: bool = False) -> None:
        """Fetch the key set, unless another refresh happened within the minimum interval."""
        async with self._lock:
            now = self._clock()
            if (
                not force
                and self._attempted_at is not None
                and now - self._attempted_at < self._min_interval
            ):
                return
            self._attempted_at = now
            try:
                document = await self._fetch()
            except Exception as exc:  # keep serving the keys we have
                log.warning("jwks refresh failed: %s", type(exc).__name__)
                return
            keys: dict[str, jwt.PyJWK] = {}
            for entry in document.get("keys", []):
                kid = entry.get("kid")
                if not kid or entry.get("use", "sig") != "sig":
                    continue
                try:
                    keys[kid] = jwt.PyJWK(entry)
                except jwt.PyJWTError:
                    log.warning("jwks entry %s skipped: unsupported key", kid)
            self._keys = keys
            self._loaded_at = now
            self.refreshes += 1

    async def get(self, kid: str) -> jwt.PyJWK | None:
        """The key for ``kid``; refreshes when stale or when ``kid`` is unknown."""
        if self._loaded_at is None or self._clock() - self._loaded_at > self._ttl:
            await self.refresh()
        if kid not in self._keys:
            await self.refresh()
        return self._keys.get(kid)


class TokenVerifier:
    """Checks signature, key id, type, issuer, audience and expiry of an access token."""

    def __init__(
        self,
        keys: JWKSCache,
        *,
        issuer: str = DEFAULT_ISSUER,
        audience: str = DEFAULT_AUDIENCE,
        leeway: float = 10.0,
    ) -> None:
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway

    async def verify(self, token: str) -> Caller:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken("malformed_token", "令牌格式错误 / malformed token") from exc
        kid = header.get("kid")
        if header.get("typ") != ACCESS_TOKEN_TYPE or not isinstance(kid, str):
            raise InvalidToken("wrong_token_type", "不是访问令牌 / not an access token")
        if header.get("alg") not in ALLOWED_ALGORITHMS:
            raise InvalidToken("wrong_algorithm", "签名算法不被接受 / algorithm not accepted")
        key = await self.keys.get(kid)
        if key is None:
            raise InvalidToken("unknown_key", "签名密钥未知 / signed with an unknown key")
        try:
            claims = jwt.decode(
                token,
                key=key.key,
                algorithms=[key.algorithm_name],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidToken("expired_token", "令牌已过期 / token expired") from exc
        except jwt.PyJWTError as exc:
            raise InvalidToken("invalid_token", "令牌无效 / token is not valid") from exc
        try:
            return Caller.from_claims(claims)
        except (KeyError, ValueError) as exc:
            raise InvalidToken(
                "invalid_claims", "令牌声明不完整 / token claims incomplete"
            ) from exc


def verifier_from_settings() -> TokenVerifier:
    """The default verifier: JWKS from ``DUIJIE_JWKS_URL``, issuer/audience from settings."""
    settings = get_settings()
    cache = JWKSCache(
        http_jwks_fetcher(settings.jwks_url),
        ttl=getattr(settings, "jwks_cache_seconds", 300.0),
        min_refresh_interval=getattr(settings, "jwks_min_refresh_seconds", 10.0),
    )
    return TokenVerifier(
        cache,
        issuer=getattr(settings, "auth_issuer", DEFAULT_ISSUER),
        audience=getattr(settings, "auth_audience", DEFAULT_AUDIENCE),
    )


def install_verifier(app: FastAPI, verifier: TokenVerifier | None = None) -> TokenVerifier:
    """Attach the verifier the dependencies use (built from settings when not given)."""
    app.state.token_verifier = verifier or verifier_from_settings()
    return app.state.token_verifier


def _verifier(request: Request) -> TokenVerifier:
    verifier = getattr(request.app.state, "token_verifier", None)
    if verifier is None:
        verifier = install_verifier(request.app)
    return verifier


def _problem(code: int, field: str, reason: str, message: str) -> DuijieError:
    """401/403 as problem details like every other error (``errors: [{field, code,
    message}]``, ``"中文 / English"`` split by ``Accept-Language``); a 401 keeps its
    ``WWW-Authenticate`` challenge."""
    zh, sep, en = message.partition(" / ")
    kind = Unauthorized if code == status.HTTP_401_UNAUTHORIZED else ForbiddenError
    err = kind(field, reason, zh=zh, en=en if sep else zh)
    if kind is Unauthorized:
        challenge = f'Bearer error="invalid_token", error_description="{reason}"'
        err.headers = {"WWW-Authenticate": challenge}
    return err


_bearer = HTTPBearer(auto_error=False, description="access token from identity POST /auth/token")


async def get_current_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """The verified caller; 401 with a reason when the token is missing or not valid."""
    if credentials is None or not credentials.credentials:
        raise _problem(401, "Authorization", "missing_token", "需要登录 / sign-in required")
    try:
        return await _verifier(request).verify(credentials.credentials)
    except InvalidToken as exc:
        raise _problem(401, "Authorization", exc.reason, exc.message) from None


CurrentCaller = Annotated[Caller, Depends(get_current_caller)]


def forbidden(reason: str, message: str, field: str = "caller") -> DuijieError:
    """A 403 with the same body shape as every other error."""
    return _problem(status.HTTP_403_FORBIDDEN, field, reason, message)


def require_org_types(*types: OrgType) -> Callable[..., Awaitable[Caller]]:
    """A dependency that admits only callers from organisations of the given types."""
    allowed = frozenset(types)

    async def dependency(caller: CurrentCaller) -> Caller:
        if caller.org_type not in allowed:
            raise forbidden(
                "org_type_not_allowed",
                "所属机构类型无权执行此操作 / your organisation type may not do this",
            )
        return caller

    dependency.__name__ = "require_org_types_" + "_".join(sorted(allowed))
    return dependency


def require_role(*roles: Role) -> Callable[..., Awaitable[Caller]]:
    """A dependency that admits only callers holding one of ``roles`` in their organisation."""
    allowed = frozenset(roles)

    async def dependency(caller: CurrentCaller) -> Caller:
        if caller.role not in allowed:
            raise forbidden("role_not_allowed", "角色权限不足 / your role may not do this")
        return caller

    dependency.__name__ = "require_role_" + "_".join(sorted(allowed))
    return dependency


def ensure_owner(
    caller: Caller,
    organisation_id: str,
    *,
    roles: Iterable[Role] | None = None,
    operators: bool = True,
) -> None:
    """403 unless the caller belongs to ``organisation_id`` (with one of ``roles`` if given).

    Operators pass too unless ``operators=False``: platform staff act on anyone's behalf.
    """
    if operators and caller.is_operator:
        return
    if not caller.owns(organisation_id):
        raise forbidden("not_owner", "只能操作本机构的数据 / this belongs to another organisation")
    if roles is not None and caller.role not in frozenset(roles):
        raise forbidden("role_not_allowed", "角色权限不足 / your role may not do this")


def ensure_verified(caller: Caller) -> None:
    """403 ``organisation_not_verified`` unless the caller's organisation has been verified
    by an operator: a self-signed-up organisation drafts, but publishes nothing until then.
    The one publish gate every market calls (or declares with :data:`VERIFIED`)."""
    if not caller.verified:
        raise forbidden(
            "organisation_not_verified",
            "机构尚未通过运营方审核，可保存草稿，审核通过后方可发布 / "
            "your organisation is not verified yet: drafts are kept, publishing waits "
            "for the operator's verification",
        )


async def require_verified(caller: CurrentCaller) -> Caller:
    """A dependency: the caller, whose organisation must be verified (see
    :func:`ensure_verified`)."""
    ensure_verified(caller)
    return caller


#: ``dependencies=[VERIFIED]`` on a route that publishes (makes a record visible to others)
VERIFIED = Depends(require_verified)


def public_endpoint() -> None:
    """Marks a route as callable without a token (health, docs, JWKS, sign-in)."""


PUBLIC = Depends(public_endpoint)

# Routes the service factory adds and FastAPI's own documentation routes.
DEFAULT_PUBLIC_PATHS = frozenset(
    {
        "/healthz",
        "/readyz",
        "/metrics",
        "/openapi.json",
        "/docs",
        "/docs/oauth2-redirect",
        "/redoc",
        "/asyncapi.json",
        "/asyncapi",
        "/asyncapi.yaml",
        "/docs/asyncapi",
    }
)


def _declares_caller(dependant: Any) -> bool:
    for dep in dependant.dependencies:
        if dep.call in (get_current_caller, public_endpoint) or _declares_caller(dep):
            return True
    return False


def api_routes(app: FastAPI) -> list[tuple[str, set[str], Any]]:
    """(path, methods, dependant) of every API route, including those of included routers.

    FastAPI >= 0.16x includes routers lazily; ``iter_route_contexts`` flattens them.
    """
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI: routes are already flat
        return [
            (r.path, set(r.methods or ()), r.dependant)
            for r in app.routes
            if isinstance(r, APIRoute)
        ]
    found: list[tuple[str, set[str], Any]] = []
    for ctx in iter_route_contexts(app.routes):
        if isinstance(ctx.original_route, APIRoute):
            found.append((ctx.path or "", set(ctx.methods or ()), ctx.dependant))
    return found


def undeclared_routes(
    app: FastAPI, public_paths: Iterable[str] = DEFAULT_PUBLIC_PATHS
) -> list[str]:
    """Routes that neither require a caller nor are marked public ("METHOD path")."""
    allowed = frozenset(public_paths)
    missing: list[str] = []
    for path, methods, dependant in api_routes(app):
        if path not in allowed and not _declares_caller(dependant):
            missing.extend(f"{method} {path}" for method in sorted(methods))
    return missing


def public_routes(app: FastAPI) -> list[str]:
    """Routes explicitly marked :data:`PUBLIC` ("METHOD path")."""
    found: list[str] = []
    for path, methods, dependant in api_routes(app):
        if any(dep.call is public_endpoint for dep in dependant.dependencies):
            found.extend(f"{method} {path}" for method in sorted(methods))
    return found
