"""Every router of the service in one list (used by ``main``)."""

from services.reporting.api import figures, profiles, reports

ROUTERS = [figures.router, profiles.router, reports.router]
