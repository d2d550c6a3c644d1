"""The one error identity raises from its use cases; the API turns it into JSON.

Bodies look like ``{"detail": {"field", "reason", "message"}}`` with Chinese first.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse


class IdentityError(Exception):
    """An HTTP-shaped failure: status, field, stable reason code, bilingual message."""

    def __init__(
        self,
        status: int,
        field: str,
        reason: str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = {"field": field, "reason": reason, "message": message, **extra}
        self.headers = headers


def not_found(field: str, what: str) -> IdentityError:
    return IdentityError(404, field, "not_found", f"{what}不存在 / not found")


def forbidden(reason: str, message: str, field: str = "caller") -> IdentityError:
    return IdentityError(403, field, reason, message)


async def handle_identity_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, IdentityError)
    return JSONResponse({"detail": exc.body}, status_code=exc.status, headers=exc.headers)
