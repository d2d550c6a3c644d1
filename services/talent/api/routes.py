"""Every router of the talent service, in one list for the composition root."""

from __future__ import annotations

from services.talent.api import agencies, candidates, claims, demands, fairs, placements

ROUTERS = [
    demands.router,
    claims.router,
    agencies.router,
    candidates.router,
    placements.router,
    fairs.router,
]
