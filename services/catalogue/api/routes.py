"""Every router of the catalogue service, in one list for the composition root."""

from __future__ import annotations

from services.catalogue.api import applications, dockings, editions, launches, needs, products

ROUTERS = [
    applications.router,
    editions.router,
    products.router,
    needs.router,
    dockings.router,
    launches.router,
]
