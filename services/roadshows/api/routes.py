"""Every router of the roadshows service, in one list for the composition root."""

from __future__ import annotations

from services.roadshows.api import applications, calendar, meetings, records, seats

ROUTERS = [records.router, calendar.router, applications.router, seats.router, meetings.router]
