"""Candidates' CVs: uploaded by the submitting agency (PDF or .docx, checked by their
bytes, bounded), kept in the service's file store, read by the enterprise and the agency."""

from __future__ import annotations

import hashlib

from services.talent import events
from services.talent.domain import candidates as domain
from services.talent.domain.candidates import Candidate, CvFile
from services.talent.usecases import Deps, new_id, not_found
from services.talent.usecases.candidates import CANDIDATE, get_for
from shared.auth import Caller
from shared.errors import InvalidInput, TooLarge
from shared.events import Envelope
from shared.store import Versioned

# PDF and Word (.docx is a zip); checked by the bytes, not only the declared type.
CV_TYPES = {
    "application/pdf": b"%PDF-",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": b"PK\x03\x04",
}


def check_cv(content_type: str, data: bytes, limit: int) -> str:
    """The CV's media type, or a 413/415-like 4xx naming the rule."""
    kind = content_type.split(";")[0].strip().lower()
    if kind not in CV_TYPES:
        raise InvalidInput(
            "cv",
            "cv_type_not_allowed",
            zh="简历只接受 PDF 或 Word（.docx）文件",
            en="CV must be a PDF or a .docx file",
        )
    if len(data) > limit:
        raise TooLarge(
            "cv",
            "cv_too_large",
            zh=f"简历文件不能超过 {limit} 字节",
            en=f"CV must not exceed {limit} bytes",
        )
    if not data.startswith(CV_TYPES[kind]):
        raise InvalidInput(
            "cv",
            "cv_content_mismatch",
            zh="文件内容与声明的类型不符",
            en="the file's bytes are not a " + kind,
        )
    return kind


async def upload_cv(
    deps: Deps, caller: Caller, cid: str, content_type: str, data: bytes
) -> Candidate:
    found = await get_for(deps, caller, cid)
    if found.agency_id != caller.organisation_id:
        raise CANDIDATE()
    kind = check_cv(content_type, data, deps.settings.cv_max_bytes)
    file_id = new_id("cv")
    await deps.repos.files.put(file_id, kind, data, owner=cid)
    cv = CvFile(
        file_id=file_id, content_type=kind, size=len(data), sha256=hashlib.sha256(data).hexdigest()
    )

    def attach(current: Versioned[Candidate]) -> tuple[Candidate, list[Envelope]]:
        t = domain.attach_cv(current.state, cv, deps.now())
        return t.entity, events.candidate_events(t.entity, t.events)

    try:
        updated = (await deps.repos.candidates.update(cid, attach, not_found=CANDIDATE)).state
    except BaseException:
        await deps.repos.files.delete(file_id)
        raise
    if found.cv is not None:
        await deps.repos.files.delete(found.cv.file_id)
    return updated


async def download_cv(deps: Deps, caller: Caller, cid: str) -> tuple[str, bytes]:
    found = await get_for(deps, caller, cid)
    if found.cv is None:
        raise not_found("cv", "简历 / CV")()
    stored = await deps.repos.files.get(found.cv.file_id)
    if stored is None:
        raise not_found("cv", "简历 / CV")()
    return stored.content_type, stored.data
