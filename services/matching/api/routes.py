"""Every router of the service in one list, and the error handler (used by ``main``)."""

from __future__ import annotations

from fastapi import FastAPI

from services.matching.api import (
    explanations,
    failures,
    handle_matching_error,
    history,
    matches,
    saved_searches,
    search,
)
from services.matching.domain.errors import MatchingError

ROUTERS = [
    search.router,
    matches.router,
    explanations.router,
    saved_searches.router,
    history.router,
    failures.router,
]


def install_error_handler(app: FastAPI) -> None:
    app.add_exception_handler(MatchingError, handle_matching_error)
