"""The one error notifications raises from its use cases; the API turns it into JSON.

Bodies look like ``{"detail": {"field", "reason", "message"}}``, Chinese first.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse


class NotificationsError(Exception):
    def __init__(self, status: int, field: str, reason: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.body = {"field": field, "reason": reason, "message": message}


def not_found(field: str, what: str) -> NotificationsError:
    return NotificationsError(404, field, "not_found", f"{what}不存在 / not found")


def conflict(field: str, reason: str, message: str) -> NotificationsError:
    return NotificationsError(409, field, reason, message)


async def handle_notifications_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, NotificationsError)
    return JSONResponse({"detail": exc.body}, status_code=exc.status)
