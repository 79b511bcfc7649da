"""协议书: the per-term template, versioned, and the guardian's immutable signed copy (issue 3, stage 2)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from tests.functional.conftest import Api, World
from tests.functional.isolation_enrollment import app_path, approved, draft, new_family, new_term

TEXT = (
    "{{school_name}}与{{guardian_name}}就{{student_name}}（{{class_name}}）参加{{term_name}}签订协议。"
    "项目：{{activities}}。费用：{{fees}}。"
)


def _template(api: Api, w: World, term_id: str, text: str = TEXT, as_: str | None = None) -> Any:
    path = f"/schools/{w.school_id}/terms/{term_id}/agreement-template"
    return api.call("PUT", path, {"text": text}, as_=as_ or w.school_admin)


def test_template_is_versioned_and_checked(api: Api, world: World) -> None:
    term = new_term(api, world)
    path = f"/schools/{world.school_id}/terms/{term.term_id}/agreement-template"
    r = api.get(path, as_=world.teacher)
    assert r.status_code == 404 and r.json["error"]["code"] == "agreement_template_missing"
    assert _template(api, world, term.term_id).json["version"] == 1
    r = _template(api, world, term.term_id, TEXT + "{{secret}}")
    assert r.status_code == 400 and r.json["error"]["details"][0]["field"] == "text"
    assert _template(api, world, term.term_id, as_=world.teacher).status_code == 403
    assert api.call("PUT", path, {"text": ""}, as_=world.school_admin).status_code == 400
    r = _template(api, world, term.term_id, TEXT + "（第二版）")
    assert r.json["version"] == 2 and "student_name" in r.json["placeholders"]
    assert api.get(path, as_=world.guardian).json["version"] == 2


def test_guardian_signs_the_rendered_text_once(api: Api, world: World, other: World) -> None:
    term, fam = new_term(api, world), new_family(api, world)
    _template(api, world, term.term_id)
    app = approved(api, world, fam, term)
    path = app_path(world, app["id"], "/agreement")
    body = {"template_version": 1, "agree": True}
    assert api.post(path, body, as_=world.school_admin).status_code == 403
    assert api.post(path, body, as_=other.school_admin).status_code == 404
    assert api.post(path, {"template_version": 1}, as_=fam.guardian).status_code == 400
    assert api.get(path, as_=fam.guardian).json["error"]["code"] == "agreement_not_signed"
    r = api.post(
        path,
        body,
        as_=fam.guardian,
        headers={"User-Agent": "KehouTest/1.0"},
    )
    assert r.status_code == 201, r.body
    signed = r.json
    assert "王小明" in signed["text"] and "王强" in signed["text"] and "测试小学" in signed["text"]
    assert "活动0" in signed["text"] and "{{" not in signed["text"]
    assert signed["sha256"] == hashlib.sha256(signed["text"].encode()).hexdigest()
    assert signed["user_agent"] == "KehouTest/1.0" and signed["ip"] and signed["signed_by"]
    assert api.get(app_path(world, app["id"]), as_=fam.guardian).json["status"] == "active"
    again = api.post(path, body, as_=fam.guardian)
    assert again.status_code == 409 and again.json["error"]["code"] == "invalid_transition"
    # a new template version does not alter the signed copy
    _template(api, world, term.term_id, "新版本 {{student_name}}")
    assert api.get(path, as_=fam.teacher).json == signed
    history = api.get(app_path(world, app["id"], "/history"), as_=fam.guardian).json["items"]
    assert (history[-1]["from"], history[-1]["to"]) == ("approved", "active")


def test_signing_needs_approval_and_the_current_template(api: Api, world: World, container: Any) -> None:
    term, fam = new_term(api, world), new_family(api, world)
    _template(api, world, term.term_id)
    from tests.functional.isolation_enrollment import consent

    consent(api, world, fam)
    app_id = draft(api, world, fam, term)["id"]
    r = api.post(app_path(world, app_id, "/agreement"), {"template_version": 1, "agree": True}, as_=fam.guardian)
    assert r.status_code == 409 and r.json["error"]["code"] == "invalid_transition"
    fam2 = new_family(api, world, "+8613800000777")
    app2 = approved(api, world, fam2, term)["id"]
    _template(api, world, term.term_id, TEXT + "v2")
    r = api.post(app_path(world, app2, "/agreement"), {"template_version": 1, "agree": True}, as_=fam2.guardian)
    assert r.status_code == 409 and r.json["error"]["code"] == "agreement_outdated"
    r = api.post(app_path(world, app2, "/agreement"), {"template_version": 2, "agree": True}, as_=fam2.guardian)
    assert r.status_code == 201

    from chalicelib.core.outbox import OutboxEvent

    signed = [
        json.loads(e.detail)
        for e in OutboxEvent.scan(OutboxEvent.detail.contains(app2))
        if e.detail_type == "AgreementSigned"
    ]
    assert signed and signed[0]["from"] == "approved" and signed[0]["to"] == "active"


FULL = TEXT + "服务：{{services}}。午餐：{{lunch}}。"


def test_preview_is_what_signing_stores(api: Api, world: World) -> None:
    term, fam = new_term(api, world), new_family(api, world)
    _template(api, world, term.term_id, FULL)
    app = approved(api, world, fam, term)
    preview = api.get(app_path(world, app["id"], "/agreement/preview"), as_=fam.guardian)
    assert preview.status_code == 200, preview.body
    assert preview.json["template_version"] == 1
    text = preview.json["text"]
    assert "费用：活动0：¥100.00/学期；看管服务：免费；午餐（学校代收）：¥15.00/天。" in text
    assert "服务：看管服务。" in text and "午餐：参加午餐，餐费¥15.00/天，由学校代收代付。" in text
    assert "care" not in text and "lunch" not in text and "{{" not in text
    # English readers get the same Chinese legal text
    english = api.get(
        app_path(world, app["id"], "/agreement/preview"), as_=fam.guardian, headers={"Accept-Language": "en"}
    )
    assert english.json == preview.json
    signed = api.post(
        app_path(world, app["id"], "/agreement"), {"template_version": 1, "agree": True}, as_=fam.guardian
    )
    assert signed.status_code == 201 and signed.json["text"] == text
    # signed: no preview any more (409 with the status), the stored copy stays as it was
    r = api.get(app_path(world, app["id"], "/agreement/preview"), as_=fam.guardian)
    assert r.status_code == 409 and r.json["error"]["code"] == "invalid_transition"
    assert r.json["error"]["details"]["status"] == "active"


def test_preview_refusals(api: Api, world: World, other: World) -> None:
    term, fam = new_term(api, world), new_family(api, world)
    app = approved(api, world, fam, term)
    path = app_path(world, app["id"], "/agreement/preview")
    r = api.get(path, as_=fam.guardian)
    assert r.status_code == 404 and r.json["error"]["code"] == "agreement_template_missing"
    _template(api, world, term.term_id, FULL)
    assert api.get(path, as_=fam.guardian).status_code == 200
    for staff in (world.school_admin, fam.teacher):
        assert api.get(path, as_=staff).status_code == 403
    stranger = api.tokens("guardian", tenant=world.school_id, phone="+8613700000009")
    assert api.get(path, as_=stranger).status_code == 404
    assert api.get(path, as_=other.school_admin).status_code == 404
    assert api.get(app_path(world, "nope", "/agreement/preview"), as_=fam.guardian).status_code == 404
    from tests.functional.isolation_enrollment import consent

    fam2 = new_family(api, world, "+8613800000778")
    consent(api, world, fam2)
    draft_id = draft(api, world, fam2, term)["id"]
    r = api.get(app_path(world, draft_id, "/agreement/preview"), as_=fam2.guardian)
    assert r.status_code == 409 and r.json["error"]["details"]["status"] == "draft"


def test_signed_copies_keep_the_text_they_were_signed_with(api: Api, world: World) -> None:
    """A copy stored before the rendering changed is returned byte for byte (nothing re-renders it)."""
    from chalicelib.enrollment.models import SignedAgreement

    term, fam = new_term(api, world), new_family(api, world)
    _template(api, world, term.term_id, FULL)
    app = approved(api, world, fam, term)
    path = app_path(world, app["id"], "/agreement")
    assert api.post(path, {"template_version": 1, "agree": True}, as_=fam.guardian).status_code == 201
    old_text = "费用：活动0: ¥100.00/学期；care: 免费；lunch: ¥15.00/天。服务：care。午餐：是"
    item = SignedAgreement.get(*SignedAgreement.key(world.school_id, app["id"]), consistent_read=True)
    item.update(actions=[SignedAgreement.text.set(old_text)])  # as the old rendering stored it
    assert api.get(path, as_=fam.guardian).json["text"] == old_text


@dataclass(frozen=True)
class FixedClock:
    at: dt.datetime

    def now(self) -> dt.datetime:
        return self.at


def _service_at(container: Any, at: dt.datetime) -> Any:
    """The enrolment service as the container builds it, with the clock stopped at ``at`` (an edge we own)."""
    from chalicelib.enrollment.services import EnrollmentService

    return EnrollmentService(
        container.data.connection, FixedClock(at), lambda: None, container.vault, container.roster, container.catalog
    )


def test_signed_on_is_the_school_local_date(api: Api, world: World, container: Any) -> None:
    """17:00 UTC on 1 September is already 2 September in Beijing: the guardian signs on the 2nd."""
    term = new_term(api, world)
    _template(api, world, term.term_id, "签订日期：{{signed_on}}。")
    evening_utc = dt.datetime(2026, 9, 1, 17, 0, tzinfo=dt.UTC)
    svc = _service_at(container, evening_utc)
    fam = new_family(api, world)
    app_id = approved(api, world, fam, term)["id"]
    guardian = container.auth.verify(f"Bearer {fam.guardian}")
    assert svc.preview_agreement(guardian, world.school_id, app_id)["text"] == "签订日期：2026-09-02。"
    signed = svc.sign(guardian, world.school_id, app_id, 1, "127.0.0.1", "KehouTest/1.0")
    assert signed["text"] == "签订日期：2026-09-02。" and signed["signed_at"] == "2026-09-01T17:00:00.000000Z"
    assert api.get(app_path(world, app_id, "/agreement"), as_=fam.guardian).json["text"] == "签订日期：2026-09-02。"
    # an hour before Beijing's midnight both dates agree
    fam2 = new_family(api, world, "+8613800000779")
    app2 = approved(api, world, fam2, term)["id"]
    before_midnight = _service_at(container, dt.datetime(2026, 9, 1, 15, 0, tzinfo=dt.UTC))
    preview = before_midnight.preview_agreement(container.auth.verify(f"Bearer {fam2.guardian}"), world.school_id, app2)
    assert preview["text"] == "签订日期：2026-09-01。"


def test_signed_on_follows_the_schools_own_time_zone(api: Api, world: World, container: Any) -> None:
    """Not Beijing time for everyone: a school in Ürümqi time (UTC+6) is still on the 1st at 17:00 UTC."""
    school = api.get(f"/schools/{world.school_id}", as_=world.school_admin)
    r = api.patch(
        f"/schools/{world.school_id}",
        {"time_zone": "Asia/Urumqi"},
        as_=world.district_admin,
        headers={"If-Match": school.headers["ETag"]},
    )
    assert r.status_code == 200 and r.json["time_zone"] == "Asia/Urumqi", r.body
    term, fam = new_term(api, world), new_family(api, world)
    _template(api, world, term.term_id, "签订日期：{{signed_on}}。")
    app_id = approved(api, world, fam, term)["id"]
    svc = _service_at(container, dt.datetime(2026, 9, 1, 17, 0, tzinfo=dt.UTC))
    signed = svc.sign(container.auth.verify(f"Bearer {fam.guardian}"), world.school_id, app_id, 1, "127.0.0.1", "ua")
    assert signed["text"] == "签订日期：2026-09-01。"
