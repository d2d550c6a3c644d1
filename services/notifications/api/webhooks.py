"""An organisation's webhook endpoints and deliveries: its own admin only."""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import AfterValidator, AnyHttpUrl, BaseModel, Field

from services.notifications.api import DepsDep, OrgAdmin, operation_id
from services.notifications.domain.records import DeliveryJob, JobStatus, WebhookEndpoint
from services.notifications.usecases import webhooks
from shared.limits import no_control_chars
from shared.paging import Page, Paging

router = APIRouter(tags=["webhooks"], generate_unique_id_function=operation_id)


def _outside(url: AnyHttpUrl) -> AnyHttpUrl:
    """Not an address inside the platform: a webhook to 127.0.0.1:9200 or the metadata
    address would have notifications POST signed events into them. The URL is already
    normalised (``http://2130706433`` and ``http://0x7f.1`` read as 127.0.0.1). A name
    that resolves to a private address is not caught here (checked at registration
    only; the delivery worker does not re-resolve)."""
    host = (url.host or "").strip("[]").lower().rstrip(".")
    try:
        internal = not ipaddress.ip_address(host).is_global
    except ValueError:
        internal = host == "localhost" or host.endswith((".localhost", ".internal"))
    if internal:
        raise ValueError(
            "接收地址不能是本机、内网或保留地址 / the URL must not point at a loopback, "
            "private or reserved address"
        )
    return url


class EndpointCreate(BaseModel):
    url: Annotated[AnyHttpUrl, AfterValidator(_outside)] = Field(
        max_length=2000, examples=["https://erp.example.cn/duijie/webhook"]
    )
    description: Annotated[str, AfterValidator(no_control_chars)] = Field("", max_length=200)


class EndpointPublic(BaseModel):
    id: str
    organisation_id: str
    url: str
    description: str
    created_at: dt.datetime

    @classmethod
    def of(cls, e: WebhookEndpoint) -> EndpointPublic:
        return cls(id=e.id, organisation_id=e.organisation_id, url=e.url,
                   description=e.description, created_at=e.created_at)  # fmt: skip


class EndpointCreated(BaseModel):
    endpoint: EndpointPublic
    secret: str = Field(description="signing secret; shown only now, keep it safe")


class DeliveryPublic(BaseModel):
    id: str
    endpoint_id: str | None
    event_id: str | None
    event_type: str | None
    status: JobStatus
    attempts: int
    next_attempt_at: dt.datetime
    last_error: str | None
    created_at: dt.datetime
    sent_at: dt.datetime | None

    @classmethod
    def of(cls, job: DeliveryJob) -> DeliveryPublic:
        return cls.model_validate(job.model_dump(include=set(cls.model_fields)))


@router.post(
    "/organisations/{organisation_id}/webhooks",
    status_code=status.HTTP_201_CREATED,
    summary="Register a webhook endpoint",
)
async def register_endpoint(
    organisation_id: str, body: EndpointCreate, caller: OrgAdmin, deps: DepsDep
) -> EndpointCreated:
    """The organisation's admin. The response carries the signing secret, once."""
    registered = await webhooks.register(
        deps, organisation_id, caller.user_id, str(body.url), body.description
    )
    return EndpointCreated(
        endpoint=EndpointPublic.of(registered.endpoint), secret=registered.secret
    )


@router.get("/organisations/{organisation_id}/webhooks", summary="List webhook endpoints")
async def list_endpoints(
    organisation_id: str, caller: OrgAdmin, deps: DepsDep, paging: Paging
) -> Page[EndpointPublic]:
    """The organisation's admin (secrets are never shown again)."""
    found = [EndpointPublic.of(e) for e in await webhooks.endpoints(deps, organisation_id)]
    return Page.slice(found, paging)


@router.delete(
    "/organisations/{organisation_id}/webhooks/{endpoint_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a webhook endpoint",
)
async def remove_endpoint(
    organisation_id: str, endpoint_id: str, caller: OrgAdmin, deps: DepsDep
) -> None:
    """The organisation's admin; pending deliveries to it are cancelled when due."""
    await webhooks.remove(deps, organisation_id, endpoint_id)


@router.get(
    "/organisations/{organisation_id}/webhook-deliveries", summary="List webhook deliveries"
)
async def list_deliveries(
    organisation_id: str,
    caller: OrgAdmin,
    deps: DepsDep,
    paging: Paging,
    status: Annotated[JobStatus | None, Query(description="e.g. failed")] = None,
) -> Page[DeliveryPublic]:
    """The organisation's admin: newest first, with attempts and the last error."""
    jobs, total = await webhooks.delivery_page(
        deps, organisation_id, status, paging.limit, paging.offset
    )
    return Page.of([DeliveryPublic.of(j) for j in jobs], total, paging)


@router.post(
    "/organisations/{organisation_id}/webhook-deliveries/{delivery_id}/retry",
    summary="Retry a failed webhook delivery",
)
async def retry_delivery(
    organisation_id: str, delivery_id: str, caller: OrgAdmin, deps: DepsDep
) -> DeliveryPublic:
    """The organisation's admin, for a delivery that failed (409 otherwise)."""
    return DeliveryPublic.of(await webhooks.retry(deps, organisation_id, delivery_id))
