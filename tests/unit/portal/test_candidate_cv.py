"""A headhunter's candidate with a CV: the candidate is created, then its CV goes up as the
raw body talent expects, through the portal's one backend client (token, language and
its error handling), with the type the portal read from the file's name and bytes."""

from __future__ import annotations

from typing import Any

from shared.auth import OrgType
from tests.unit.portal.conftest import CSRF, as_org


def test_a_candidate_and_its_pdf_cv_go_to_talent(portal: Any) -> None:
    client, backend, verifier = portal
    verifier.caller = as_org(OrgType.headhunter)
    sent: list[dict[str, Any]] = []
    real_call = backend.call

    async def call(service: str, method: str, path: str, **kw: Any) -> Any:
        sent.append({"method": method, "path": path, **kw})
        return await real_call(service, method, path, **kw)

    backend.call = call
    backend.on("talent", "POST", "/demands/d-1/candidates", (201, {"id": "c-1"}))
    backend.on("talent", "PUT", "/candidates/c-1/cv", (200, {"id": "c-1"}))
    pdf = b"%PDF-1.7 a short CV"
    done = client.post(
        "/m/talent/d-1/candidates",
        data={"csrf": CSRF, "name": "张三", "summary": "十年经验"},
        files={"cv": ("cv.pdf", pdf, "application/pdf")},
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/m/talent/d-1/candidates?done=submitted"
    created, upload = (s for s in sent if s["method"] != "GET")
    assert created["json"] == {"name": "张三", "summary": "十年经验"}
    assert upload["path"] == "/candidates/c-1/cv" and upload["content"] == pdf
    assert upload["headers"] == {"Content-Type": "application/pdf"}
    assert upload["token"] == "good"
