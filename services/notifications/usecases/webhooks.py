"""An organisation's webhook endpoints and their deliveries (admin of that organisation)."""

from __future__ import annotations

from dataclasses import dataclass

from services.notifications.domain.records import DeliveryJob, JobKind, JobStatus, WebhookEndpoint
from services.notifications.domain.signing import new_secret
from services.notifications.errors import conflict, not_found
from services.notifications.usecases import Deps, new_id

MAX_ENDPOINTS = 5


@dataclass(frozen=True)
class Registered:
    endpoint: WebhookEndpoint
    secret: str  # returned once, at registration


async def register(
    deps: Deps, organisation_id: str, user_id: str, url: str, description: str
) -> Registered:
    active = await deps.repos.webhooks.of_organisation(organisation_id, active_only=True)
    if len(active) >= MAX_ENDPOINTS:
        raise conflict(
            "url", "too_many_endpoints",
            f"每个机构最多 {MAX_ENDPOINTS} 个接收地址", f"at most {MAX_ENDPOINTS} endpoints",
        )  # fmt: skip
    secret = new_secret()
    endpoint = WebhookEndpoint(
        id=new_id(),
        organisation_id=organisation_id,
        url=url,
        secret=secret,
        description=description,
        created_at=deps.now(),
        created_by=user_id,
    )
    await deps.repos.webhooks.add(endpoint)
    return Registered(endpoint, secret)


async def endpoints(deps: Deps, organisation_id: str) -> list[WebhookEndpoint]:
    return await deps.repos.webhooks.of_organisation(organisation_id, active_only=True)


async def remove(deps: Deps, organisation_id: str, endpoint_id: str) -> None:
    if not await deps.repos.webhooks.deactivate(organisation_id, endpoint_id):
        raise not_found("endpoint_id", "接收地址", "webhook endpoint")


async def deliveries(
    deps: Deps, organisation_id: str, status: JobStatus | None, limit: int
) -> list[DeliveryJob]:
    found, _ = await delivery_page(deps, organisation_id, status, limit, 0)
    return found


async def delivery_page(
    deps: Deps, organisation_id: str, status: JobStatus | None, limit: int, offset: int
) -> tuple[list[DeliveryJob], int]:
    """A page of the organisation's webhook deliveries, newest first, and the total."""
    return await deps.repos.jobs.of_organisation(
        organisation_id, kind=JobKind.webhook, status=status, limit=limit, offset=offset
    )


async def retry(deps: Deps, organisation_id: str, job_id: str) -> DeliveryJob:
    job = await deps.repos.jobs.get(job_id)
    if job is None or job.organisation_id != organisation_id or job.kind is not JobKind.webhook:
        raise not_found("delivery_id", "投递记录", "delivery")
    if not await deps.repos.jobs.retry(organisation_id, job_id, deps.now()):
        raise conflict(
            "delivery_id", "not_failed", "只能重试失败的投递", "only failed deliveries retry"
        )
    deps.wake_worker()
    retried = await deps.repos.jobs.get(job_id)
    assert retried is not None
    return retried
