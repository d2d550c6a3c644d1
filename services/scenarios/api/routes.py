"""Every router of the scenarios service, in one list for the composition root."""

from __future__ import annotations

from services.scenarios.api import panel, proposals, pushes, records, scenarios

ROUTERS = [records.router, scenarios.router, proposals.router, panel.router, pushes.router]
