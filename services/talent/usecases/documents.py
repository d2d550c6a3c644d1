"""Agencies' qualification documents: PDF or image files the operator reviews before
verifying. Checked by their bytes, bounded in size, kept in the service's file store;
readable by the agency itself and operators only."""

from __future__ import annotations

import hashlib

from services.talent import events
from services.talent.domain import agencies as domain
from services.talent.domain.agencies import Agency, Document, DocumentKind
from services.talent.usecases import Deps, new_id, not_found
from services.talent.usecases.agencies import AGENCY
from shared.auth import Caller
from shared.errors import InvalidInput, NotFoundError, TooLarge
from shared.store import Versioned

SIGNATURES = {"application/pdf": b"%PDF-", "image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG"}


def ensure_own_or_operator(caller: Caller, agency_id: str) -> None:
    if not caller.is_operator and caller.organisation_id != agency_id:
        raise NotFoundError("agency_id", "not_found", zh="未找到猎头机构", en="no such agency")


def check(content_type: str, data: bytes, limit: int) -> str:
    kind = content_type.split(";")[0].strip().lower()
    if kind not in SIGNATURES:
        raise InvalidInput(
            "document",
            "document_type_not_allowed",
            zh="资质文件只接受 PDF、JPEG 或 PNG",
            en="a PDF, JPEG or PNG file",
        )
    if len(data) > limit:
        raise TooLarge(
            "document",
            "document_too_large",
            zh=f"文件不能超过 {limit} 字节",
            en=f"the file must not exceed {limit} bytes",
        )
    if not data.startswith(SIGNATURES[kind]):
        raise InvalidInput(
            "document",
            "document_content_mismatch",
            zh="文件内容与声明的类型不符",
            en=f"the file's bytes are not {kind}",
        )
    return kind


async def upload(
    deps: Deps, caller: Caller, agency_id: str, kind: DocumentKind, content_type: str, data: bytes
) -> Agency:
    ensure_own_or_operator(caller, agency_id)
    await deps.repos.agencies.require(agency_id, AGENCY)
    media = check(content_type, data, deps.settings.cv_max_bytes)
    file_id = new_id("doc")
    await deps.repos.files.put(file_id, media, data, owner=agency_id)
    document = Document(
        kind=kind,
        file_id=file_id,
        content_type=media,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_at=deps.now(),
    )
    replaced: list[str] = []

    def attach(current: Versioned[Agency]) -> tuple[Agency, list]:
        replaced[:] = [d.file_id for d in current.state.documents if d.kind == kind]
        t = domain.attach_document(current.state, document)
        return t.entity, events.agency_events(t.entity, t.events, document)

    try:
        saved = await deps.repos.agencies.update(agency_id, attach, not_found=AGENCY)
    except BaseException:
        await deps.repos.files.delete(file_id)
        raise
    for old in replaced:
        await deps.repos.files.delete(old)
    return saved.state


async def download(deps: Deps, caller: Caller, agency_id: str, kind: str) -> tuple[str, bytes]:
    ensure_own_or_operator(caller, agency_id)
    agency = (await deps.repos.agencies.require(agency_id, AGENCY)).state
    document = next((d for d in agency.documents if d.kind == kind), None)
    stored = await deps.repos.files.get(document.file_id) if document else None
    if stored is None:
        raise not_found("kind", "资质文件 / document")()
    return stored.content_type, stored.data
