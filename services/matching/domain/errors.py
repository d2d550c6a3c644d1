"""Errors the use cases raise; the API turns them into the shared error body."""

from __future__ import annotations


class MatchingError(Exception):
    status_code = 400

    def __init__(self, field: str, reason: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.reason = reason
        self.message = message


class NotFound(MatchingError):
    status_code = 404


class Forbidden(MatchingError):
    status_code = 403


class Invalid(MatchingError):
    status_code = 422
