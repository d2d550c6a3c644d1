"""Codes in words: generic forms offer choices (schema enums, domains, districts) with
Chinese labels, every state every service can return has a zh and an en label, and each
generic form field has a label of its own. States and fields are read from the services'
own OpenAPI documents, so a new state or field without a label fails here."""

from __future__ import annotations

import importlib
import re
from typing import Any

import pytest

from services.portal.forms import request_fields
from services.portal.i18n import catalogue
from services.portal.pages.markets import SECTIONS
from services.portal.vocab import DISTRICTS, field_label, state_label
from shared.auth import OrgType
from shared.events.contracts._market import DOMAINS
from tests.unit.portal.conftest import CSRF, as_org

SERVICES = ("catalogue", "talent", "scenarios", "roadshows", "techtransfer", "identity")
CJK = re.compile(r"[\u4e00-\u9fff]")
#: schema name -> the record kind its state is labelled under
ALIASES = {"myregistration": "registration", "mybooking": "booking",
           "candidateview": "candidate", "stagechange": "candidate",
           "placementview": "placement", "stepreport": "followup",
           "confirmed": "organisation", "organisationpublic": "organisation"}  # fmt: skip
STATE_FIELDS = ("state", "status", "standing")
INVESTMENT_STAGES = {"angel", "pre_a", "a", "b", "c_plus"}  # a pitch's round, not a state


@pytest.fixture(scope="module")
def docs() -> dict[str, Any]:
    return {s: importlib.import_module(f"services.{s}.main").create_app().openapi()
            for s in SERVICES}  # fmt: skip


def _enum(doc: dict[str, Any], prop: dict[str, Any]) -> list[str]:
    for option in [prop, *prop.get("anyOf", [])]:
        if "$ref" in option:
            option = doc["components"]["schemas"][option["$ref"].rsplit("/", 1)[-1]]
        if option.get("enum"):
            return [str(v) for v in option["enum"]]
    return []


def _states(docs: dict[str, Any]) -> set[tuple[str, str]]:
    found = set()
    for doc in docs.values():
        for name, schema in doc["components"]["schemas"].items():
            kind = ALIASES.get(name.lower(), name.lower())
            for key, prop in schema.get("properties", {}).items():
                values = _enum(doc, prop)
                if key in STATE_FIELDS or (key == "stage" and not INVESTMENT_STAGES & set(values)):
                    found |= {(kind, v) for v in values}
    return found


def test_every_state_of_every_service_has_words(docs: dict[str, Any]) -> None:
    states = _states(docs)
    assert len(states) > 60  # the derivation really reads the services
    en = catalogue("en")
    missing = [(k, v) for k, v in sorted(states) if not CJK.search(state_label(k, v, "zh"))]
    english = {(k, v): state_label(k, v, "en") for k, v in sorted(states)}
    no_en = [kv for kv, text in english.items() if text not in en.values() or CJK.search(text)]
    assert not missing, f"states without a Chinese label: {missing}"
    assert not no_en, f"states without an English label: {no_en}"


def test_one_code_two_meanings_follow_the_kind() -> None:
    assert state_label("booking", "held", "zh") == "已保留席位"
    assert state_label("roadshow", "held", "zh") == "已举办"
    assert state_label("scenario", "submitted", "zh") == "待发布"
    assert state_label("launch", "scheduled", "en") == "Scheduled"


def test_every_generic_form_field_has_a_label(docs: dict[str, Any]) -> None:
    zh, en = catalogue("zh"), catalogue("en")
    for name, section in SECTIONS.items():
        for f in request_fields(docs[section.service], "post", section.path):
            for lang, known in (("zh", zh), ("en", en)):
                label = field_label(name, f.name, lang)
                assert label in known.values(), f"{name}.{f.name} has no {lang} label"
            for option in f.options:  # every choice in words, in both languages
                msgid = f.labels.get(option, option)
                assert msgid in en and (msgid in zh or CJK.search(msgid)), (name, f.name, option)
    assert field_label("talent", "title", "zh") == "岗位名称"
    assert field_label("candidate", "name", "zh") == "姓名"
    assert field_label("applications", "title", "zh") == "标题"


def test_vocabularies_match_the_services(docs: dict[str, Any]) -> None:
    schemas = docs["identity"]["components"]["schemas"]
    assert list(DISTRICTS) == schemas["District"]["enum"]
    assert set(DOMAINS) == set(schemas["DomainCode"]["enum"])


def test_generic_form_offers_choices_with_words(portal: Any, docs: dict[str, Any]) -> None:
    client, backend, verifier = portal
    verifier.caller = as_org(OrgType.enterprise)
    backend.on("talent", "GET", "/openapi.json", (200, docs["talent"]))
    fields = {f.name: f for f in request_fields(docs["talent"], "post", "/demands")}
    assert fields["seniority"].kind == "enum"  # the schema's enum
    assert fields["domains"].kind == "multi"  # a code list named by the field
    assert fields["district"].kind == "enum"
    html = client.get("/m/talent/new").text
    assert '<select id="f-seniority" name="seniority"' in html
    assert '<option value="senior" >高级</option>' in html
    assert 'name="domains" value="ic" > 集成电路</label>' in html
    assert '<option value="海淀区" >海淀区</option>' in html
    assert ">岗位名称 *<" in html
    english = client.get("/m/talent/new", cookies={"dj_lang": "en"}).text
    assert "> Integrated circuits</label>" in english and ">Role *<" in english


def test_form_sends_codes(portal: Any, docs: dict[str, Any]) -> None:
    client, backend, verifier = portal
    verifier.caller = as_org(OrgType.investor)
    backend.on("roadshows", "GET", "/openapi.json", (200, docs["roadshows"]))
    backend.on("roadshows", "POST", "/mandates", (201, {"id": "m-1"}))
    form = {"csrf": CSRF, "title": "硬科技早期", "domains": ["ai", "ic"], "stages": ["a"],
            "district": "海淀区", "ticket_cny.0": "1000000", "ticket_cny.1": "5000000"}  # fmt: skip
    assert client.post("/m/mandates/new", data=form).status_code == 303
    sent = backend.posted("/mandates")[0]
    assert sent["domains"] == ["ai", "ic"] and sent["district"] == "海淀区"


def test_lists_and_details_show_words(portal: Any) -> None:
    client, backend, verifier = portal
    verifier.caller = as_org(OrgType.enterprise)
    spec = {"title": "巡检机器人", "domains": ["manufacturing"], "price_band": [80000, 120000]}
    item = {"id": "a-1", "state": "submitted", "category": "product", "spec": spec,
            "updated_at": "2026-12-04T02:00:00Z"}  # fmt: skip
    backend.on("catalogue", "GET", "/applications", (200, {"items": [item], "total": 1}))
    backend.on("catalogue", "GET", "/applications/a-1", (200, item))
    listing = client.get("/m/applications").text
    assert "已提交待审核" in listing and ">submitted<" not in listing
    assert "产品" in listing
    detail = client.get("/m/applications/a-1").text
    assert "智能制造与装备" in detail and "8 万元 – 12 万元" in detail
    assert "2026年12月4日 10:00:00" in detail  # Beijing time, not the ISO string


def test_templates_show_states_only_through_the_filter() -> None:
    from services.portal.pages.render import TEMPLATES

    raw = re.compile(r"\{\{\s*_\(\s*[\w.]+\.(state|status|standing)\s*\)")
    found = [p.name for p in TEMPLATES.rglob("*.html") if raw.search(p.read_text())]
    assert not found, f"states shown without state_label: {found}"


def test_scenario_forms_offer_districts_and_qualifications_in_words(portal: Any) -> None:
    from tests.unit.portal.test_scenario_forms import SCENARIO

    client, backend, _ = portal
    page = client.get("/m/scenarios/new").text
    assert '<option value="海淀区" >海淀区</option>' in page
    assert 'value="little_giant" > 专精特新“小巨人”企业</label>' in page
    backend.on("scenarios", "POST", "/scenarios", (201, {"id": "scn-1"}))
    form = {**SCENARIO, "district": "海淀区", "requirements.qualifications": ["hnte", "cmmi3"]}
    assert client.post("/m/scenarios/new", data=form).status_code == 303
    (body,) = backend.posted("/scenarios")
    assert body["district"] == "海淀区"
    assert body["requirements"]["qualifications"] == ["hnte", "cmmi3"]


def _schema(doc: dict[str, Any], s: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in s:
        s = doc["components"]["schemas"][s["$ref"].rsplit("/", 1)[-1]]
    refs = [o for o in s.get("anyOf", []) if "$ref" in o]
    return _schema(doc, refs[0]) if refs else s


def test_every_field_a_detail_page_shows_has_a_label(docs: dict[str, Any]) -> None:
    from services.portal.vocab import HIDDEN, INNER

    zh, en = catalogue("zh"), catalogue("en")
    unlabelled = set()
    for name, section in SECTIONS.items():
        doc = docs[section.service]
        path = next(p for p in doc["paths"] if p.startswith(f"{section.path}/{{"))
        answer = doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        keys: list[tuple[str, dict[str, Any]]] = []
        for key, prop in _schema(doc, answer["schema"])["properties"].items():
            inner = _schema(doc, prop)
            keys += [(k, _schema(doc, v)) for k, v in inner.get("properties", {}).items()] if (
                key in INNER) else [(key, inner)]  # fmt: skip
        keys += [kv for k, v in keys if k not in HIDDEN for kv in v.get("properties", {}).items()]
        for key, _ in keys:
            if key in HIDDEN or key.endswith(("_id", "_ids")):
                continue
            for lang, known in (("zh", zh), ("en", en)):
                if field_label(name, key, lang) not in known.values():
                    unlabelled.add((name, key, lang))
    assert not unlabelled, sorted(unlabelled)


def test_a_detail_page_shows_what_was_entered_without_internals(portal: Any) -> None:
    client, backend, verifier = portal
    verifier.caller = as_org(OrgType.enterprise)
    item = {"id": "d-1", "version": 3, "owner_org_id": "org-9", "state": "filled",
            "content": {"title": "功率器件可靠性工程师", "seniority": "senior"}}  # fmt: skip
    backend.on("talent", "GET", "/demands/d-1", (200, item))
    html = client.get("/m/talent/d-1").text
    assert "<dt>职级</dt>" in html and "<dd>高级</dd>" in html and "<dd>已招满</dd>" in html
    assert "org-9" not in html and "<dt>version</dt>" not in html
