"""Brokerage sessions (对接洽谈会): create, read, register, schedule, agenda (.ics)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt

from services.techtransfer.api import DepsDep, Page, Paging, operation_id
from services.techtransfer.domain.agenda import Agenda
from services.techtransfer.domain.errors import Forbidden
from services.techtransfer.domain.sessions import SessionSpec
from services.techtransfer.storage.sessions import StoredRegistration, StoredSession
from services.techtransfer.usecases import sessions as uc
from services.techtransfer.usecases.sessions import ScheduleView
from shared.auth import CurrentCaller
from shared.limits import no_control_chars

router = APIRouter(prefix="/sessions", tags=["sessions"], generate_unique_id_function=operation_id)

Participant = Annotated[
    str | None, Query(description="operators: whose agenda (default: the caller's)")
]


class RegistrationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    record_ids: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        min_length=1, max_length=20, description="own published offers/needs brought"
    )
    unavailable_slots: list[StrictInt] = Field(
        default_factory=list, max_length=48, description="slot numbers"
    )
    display_name: Annotated[str, AfterValidator(no_control_chars)] = Field(
        "", max_length=120, description="name shown on agendas"
    )


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create a session")
async def create_session(body: SessionSpec, caller: CurrentCaller, deps: DepsDep) -> StoredSession:
    """Operators only."""
    return await uc.create(deps, caller, body)


@router.get("", summary="List sessions")
async def list_sessions(
    caller: CurrentCaller,
    deps: DepsDep,
    paging: Paging,
    domain: Annotated[str | None, Query(max_length=40)] = None,
) -> Page[StoredSession]:
    """Anyone signed in."""
    found, total = await uc.list_sessions(
        deps, domain_code=domain, limit=paging.limit, offset=paging.offset
    )
    return Page.of(found, total, paging)


@router.get("/{session_id}", summary="Read a session")
async def get_session(session_id: str, caller: CurrentCaller, deps: DepsDep) -> StoredSession:
    """Anyone signed in."""
    return await uc.get(deps, session_id)


@router.post("/{session_id}/registrations", status_code=status.HTTP_201_CREATED, summary="Register")
async def register(
    session_id: str, body: RegistrationCreate, caller: CurrentCaller, deps: DepsDep
) -> StoredRegistration:
    """Owners of published offers/needs (universities, enterprises), once, before the deadline."""
    return await uc.register(
        deps, caller, session_id, body.record_ids, body.unavailable_slots, body.display_name
    )


@router.get("/{session_id}/registrations", summary="Who is registered")
async def list_registrations(
    session_id: str, caller: CurrentCaller, deps: DepsDep, paging: Paging
) -> Page[StoredRegistration]:
    """Registered participants and operators."""
    await uc.require_participant_or_operator(deps, caller, session_id)
    return Page.slice(await uc.registrations(deps, session_id), paging)


@router.post("/{session_id}/schedule", summary="Run the scheduler")
async def schedule(session_id: str, caller: CurrentCaller, deps: DepsDep) -> ScheduleView:
    """Operators only; any time (after the deadline the sweeper also runs it once)."""
    if not caller.is_operator:
        raise Forbidden("actor", "only operators run the scheduler", zh="只有运营方可以运行排期")
    return uc.schedule_view(await uc.run_schedule(deps, session_id, operator_request=True))


@router.get("/{session_id}/schedule", summary="The last schedule")
async def get_schedule(session_id: str, caller: CurrentCaller, deps: DepsDep) -> ScheduleView:
    """Registered participants and operators: placed meetings and why others were not."""
    await uc.require_participant_or_operator(deps, caller, session_id)
    return uc.schedule_view(await uc.get(deps, session_id))


@router.get("/{session_id}/agenda", summary="Agenda")
async def agenda(
    session_id: str, caller: CurrentCaller, deps: DepsDep, participant: Participant = None
) -> Agenda:
    """A registered participant's own agenda; operators may name any participant."""
    _, built = await uc.agenda(deps, caller, session_id, participant)
    return built


@router.get(
    "/{session_id}/agenda.ics",
    summary="Agenda as iCalendar",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
)
async def agenda_ics(
    session_id: str, caller: CurrentCaller, deps: DepsDep, participant: Participant = None
) -> Response:
    """The same agenda as a text/calendar file (one VEVENT per meeting, Beijing time)."""
    body = await uc.agenda_file(deps, caller, session_id, participant)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="agenda-{session_id}.ics"'},
    )
