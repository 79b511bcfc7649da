"""班级审核 (#/class-review) and 校长审定 (#/approvals) in a real browser, with the read-only detail (#/review/<id>).

Each test builds its own school through the HTTP API, as the people in it would: the district admin
provisions it, the principal creates classes, students, a term and publishes the program, and each
guardian (signed in by phone) consents and applies for their own child (R2: nobody else can).
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, Route, expect

from devstack.stack import LocalStack
from tests.e2e.helpers import (
    DESKTOP,
    PHONE,
    Api,
    OpenAs,
    mint_token,
    new_district,
    provision_school,
    reason_form,
    shot,
    sign_in,
)

pytestmark = pytest.mark.e2e


# ---------------------------------------------------------------------------------------------
# the school, set up through the API


@dataclass
class Child:
    name: str
    class_key: str
    guardian: str  # the guardian's token
    student_id: str = ""
    application_id: str = ""


@dataclass
class World:
    http: Api
    issuer: str
    school_id: str
    principal: str
    principal_sub: str
    classes: dict[str, str] = field(default_factory=dict)  # key -> class id
    teachers: dict[str, str] = field(default_factory=dict)  # class key -> teacher token
    term_id: str = ""
    activities: dict[str, str] = field(default_factory=dict)  # name -> activity id
    children: dict[str, Child] = field(default_factory=dict)

    def app_path(self, child: str, tail: str = "") -> str:
        return f"/schools/{self.school_id}/applications/{self.children[child].application_id}{tail}"


def new_school(http: Api, issuer: str) -> World:
    tag = uuid.uuid4().hex[:6]
    district = new_district(http, issuer, f"审核测试区教育局{tag}")
    school = provision_school(
        http,
        issuer,
        district,
        name="审核测试小学",
        code=f"RV-{tag}",
        address="北京市东城区审核路1号",
        principal="王校长",
    )
    sub = f"rv-principal-{tag}"
    return World(http, issuer, school["id"], mint_token(issuer, sub, "school_admin", tenant=school["id"]), sub)


def add_class(w: World, key: str, name: str, teacher_sub: str, teacher_name: str) -> None:
    body = {"grade": 3, "name": name, "homeroom_teacher_sub": teacher_sub, "homeroom_teacher_name": teacher_name}
    w.classes[key] = w.http("POST", f"/schools/{w.school_id}/classes", w.principal, body)["id"]
    w.teachers[key] = mint_token(w.issuer, teacher_sub, "teacher", tenant=w.school_id)


def publish_program(w: World) -> None:
    sid = w.school_id
    term = {"name": "3001秋季学期", "starts_on": "3001-09-01", "ends_on": "3002-01-15"}
    w.term_id = w.http("POST", f"/schools/{sid}/terms", w.principal, term)["id"]

    def activity(name: str, capacity: int, fee_fen: int, category: str) -> dict[str, Any]:
        return {
            "name": name,
            "category": category,
            "provider": "school",
            "grades": [3],
            "weekdays": [2, 4],
            "period": 2,
            "venue": "活动室",
            "capacity": capacity,
            "fee_fen": fee_fen,
            "fee_basis": "per_term" if fee_fen else "free",
        }

    program = {
        "services": [{"kind": "care", "fee_fen": 0, "fee_basis": "free"}, {"kind": "lunch", "price_per_day_fen": 1500}],
        "activities": [activity("围棋", 1, 30000, "traditional_culture"), activity("足球", 30, 0, "sports")],
    }
    path = f"/schools/{sid}/terms/{w.term_id}/program"
    w.http("PUT", path, w.principal, program, {"If-Match": '"0"'})
    published = w.http("POST", f"{path}/publish", w.principal)
    w.activities = {a["name"]: a["id"] for a in published["activities"]}


def add_child(w: World, key: str, name: str, class_key: str, phone: str, guardian_sub: str) -> None:
    body = {
        "student_number": f"RV{uuid.uuid4().hex[:8]}",
        "name": name,
        "class_id": w.classes[class_key],
        "guardians": [{"name": f"{name[0]}家长", "relationship": "father", "phone": phone}],
    }
    student = w.http("POST", f"/schools/{w.school_id}/students", w.principal, body)
    guardian = mint_token(w.issuer, guardian_sub, "guardian", tenant=w.school_id, phone=phone)
    w.children[key] = Child(name, class_key, guardian, student["id"])


def apply(w: World, key: str, activities: list[str], situation: str, note: str = "") -> None:
    """The guardian consents (PIPL, separately), applies and submits."""
    c = w.children[key]
    sid = w.school_id
    w.http("POST", f"/schools/{sid}/students/{c.student_id}/consent", c.guardian, {"text_version": "v1"})
    body = {
        "student_id": c.student_id,
        "term_id": w.term_id,
        "care_reason": {"pickup_by": "父亲", "pickup_time": "18:30", "note": note, "situation": situation},
        "services": ["care"],
        "activity_ids": [w.activities[a] for a in activities],
        "lunch": True,
    }
    c.application_id = w.http("POST", f"/schools/{sid}/applications", c.guardian, body)["id"]
    w.http("POST", w.app_path(key, "/submit"), c.guardian)


def world_with_applications(base_url: str, stack: LocalStack) -> World:
    """Class A (班主任 李老师) with four children, class B (another 班主任) with one; two guardians."""
    w = new_school(Api(base_url), stack.settings.oidc_issuer)
    tag = uuid.uuid4().hex[:6]
    add_class(w, "A", "三年级1班", f"rv-teacher-a-{tag}", "李老师")
    add_class(w, "B", "三年级2班", f"rv-teacher-b-{tag}", "周老师")
    publish_program(w)
    p1, p2 = f"+86139{uuid.uuid4().int % 10**8:08d}", f"+86137{uuid.uuid4().int % 10**8:08d}"
    add_child(w, "a1", "陈小明", "A", p1, f"rv-g1-{tag}")
    add_child(w, "a2", "陈小红", "A", p1, f"rv-g1-{tag}")
    add_child(w, "a3", "张小刚", "A", p2, f"rv-g2-{tag}")
    add_child(w, "a4", "张小华", "A", p2, f"rv-g2-{tag}")
    add_child(w, "b1", "张小丽", "B", p2, f"rv-g2-{tag}")
    apply(w, "a1", ["围棋", "足球"], "guardians_work_late", "父母都在外地上班，下班晚")
    apply(w, "a2", ["围棋"], "no_one_available")
    apply(w, "a3", ["围棋"], "single_guardian_or_guardian_away")
    apply(w, "a4", ["足球"], "other")
    apply(w, "b1", ["足球"], "other")
    return w


# ---------------------------------------------------------------------------------------------
# browser helpers


def item(page: Page, testid: str, w: World, child: str) -> Locator:
    return page.locator(f'[data-testid="{testid}"][data-application-id="{w.children[child].application_id}"]')


def history_requests(page: Page) -> list[str]:
    """The application ids whose history ``page`` asks for (GET …/applications/{id}/history), as they happen."""
    seen: list[str] = []

    def note(url: str) -> None:
        found = re.search(r"/applications/([^/?]+)/history(?:\?|$)", url)
        if found:
            seen.append(found.group(1))

    page.on("request", lambda req: note(req.url))
    return seen


def forget_class_review(w: World, child: str) -> None:
    """Make an application look like one reviewed before applications kept the 班主任's decision."""
    from chalicelib.enrollment.models import Application

    key = Application.key(w.school_id, w.children[child].application_id)
    Application.get(*key, consistent_read=True).update(actions=[Application.class_review.remove()])


def sub_of(tok: str) -> str:
    import base64

    payload = tok.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]


# ---------------------------------------------------------------------------------------------
# the chain: 班级审核 by the 班主任, then 校长审定 one by one and in a batch


def test_class_review_then_principal_approval(open_as: OpenAs, base_url: str, seeded: LocalStack) -> None:
    w = world_with_applications(base_url, seeded)
    http = w.http
    teacher_a = w.teachers["A"]

    # --- the 班主任 of class A ------------------------------------------------------------------
    page = open_as(teacher_a, sub_of(teacher_a), "李老师", "teacher")
    page.goto("/app/#/class-review")
    expect(page.get_by_test_id("nav-class-review")).to_have_text("班级审核")
    expect(page.get_by_test_id("nav-approvals")).to_have_count(0)
    expect(page.get_by_role("heading", name="班级审核", level=1)).to_be_visible()
    expect(page.get_by_test_id("review-class-name")).to_contain_text("三年级1班")  # one class: no select
    expect(page.get_by_test_id("review-class")).to_have_count(0)
    expect(page.get_by_test_id("review-status")).to_have_value("submitted")

    # only class A's submitted applications, with the names they carry, the program's and the places
    items = page.get_by_test_id("review-item")
    expect(items).to_have_count(4)
    expect(item(page, "review-item", w, "b1")).to_have_count(0)
    a1 = item(page, "review-item", w, "a1")
    expect(a1.get_by_test_id("review-child")).to_have_text("陈小明")
    expect(a1.get_by_test_id("review-term")).to_contain_text("3001秋季学期")
    expect(a1.get_by_test_id("review-pickup")).to_have_text("父亲，约 18:30 接")
    expect(a1.get_by_test_id("review-note")).to_have_text("父母都在外地上班，下班晚")
    expect(a1.get_by_test_id("review-situation")).to_contain_text("监护人下班晚")
    expect(a1.get_by_test_id("review-priority")).to_have_text("候补优先级 2")
    expect(a1.get_by_test_id("review-services")).to_have_text("看管（自主作业）")
    expect(a1.get_by_test_id("review-lunch")).to_have_text("需要")
    expect(a1.get_by_test_id("review-activity")).to_have_count(2)
    expect(a1.get_by_test_id("review-activity").first).to_contain_text("围棋")
    expect(a1.get_by_test_id("review-activity").first).to_contain_text("名额 0/1 · ¥300.00/学期")
    expect(a1.get_by_test_id("review-submitted")).not_to_be_empty()
    expect(item(page, "review-item", w, "a2").get_by_test_id("review-priority")).to_have_text("候补优先级 1")
    shot(page, "review-class-zh-phone")

    # the history expands in place
    a1.get_by_test_id("review-history").click()
    expect(a1.get_by_test_id("review-history")).to_have_attribute("aria-expanded", "true")
    expect(a1.get_by_test_id("review-history-entry")).to_have_count(2)
    expect(a1.get_by_test_id("review-history-list")).to_contain_text("提交申请")

    # return needs a reason: an empty one is refused in the page, then it goes through
    a1.get_by_test_id("review-return").click()
    reason = a1.get_by_test_id("review-reason")
    expect(reason).to_be_focused()
    a1.get_by_test_id("review-confirm").click()
    expect(a1.get_by_test_id("review-reason-error")).to_have_text("请填写原因。")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_be_focused()
    reason.fill("请补充具体的接送人和联系方式")
    a1.get_by_test_id("review-confirm").click()
    notice = page.get_by_test_id("review-notice")
    expect(notice).to_have_text("已将陈小明的申请退回家长修改。")
    expect(notice).to_be_focused()
    expect(a1).to_have_count(0)
    expect(items).to_have_count(3)

    # approve another
    a2 = item(page, "review-item", w, "a2")
    a2.get_by_test_id("review-approve").click()
    expect(notice).to_have_text("已通过陈小红的申请，已转交校长审定。")
    expect(a2).to_have_count(0)
    expect(items).to_have_count(2)

    returned = http("GET", w.app_path("a1"), w.principal)
    assert returned["status"] == "returned" and returned["status_reason"] == "请补充具体的接送人和联系方式"
    assert http("GET", w.app_path("a2"), w.principal)["status"] == "teacher_approved"

    # the returned one is under its own status
    page.get_by_test_id("review-status").select_option("returned")
    expect(items).to_have_count(1)
    expect(item(page, "review-item", w, "a1").get_by_test_id("review-status-reason")).to_have_text(
        "请补充具体的接送人和联系方式"
    )
    expect(item(page, "review-item", w, "a1").get_by_test_id("review-approve")).to_have_count(0)

    # the teacher has no approval queue: no tab, and the address falls back home
    page.goto("/app/#/approvals")
    expect(page.get_by_test_id("me-card")).to_be_visible()
    expect(page.get_by_test_id("approvals-page")).to_have_count(0)
    expect(page.get_by_test_id("nav-approvals")).to_have_count(0)

    # the rest of class A reaches the principal through the API; class B through its own 班主任
    http("POST", w.app_path("a3", "/class-review"), teacher_a, {"decision": "approve"})
    http("POST", w.app_path("a4", "/class-review"), teacher_a, {"decision": "approve"})
    http("POST", w.app_path("b1", "/class-review"), w.teachers["B"], {"decision": "approve"})

    # the applications carry the 班主任's decision (class_review); b1 is made to look like one reviewed
    # before they did (no field: its history has the decision)
    a2_review = http("GET", w.app_path("a2"), w.principal)["class_review"]
    assert (a2_review["decision"], a2_review["by_name"], a2_review["by"]) == ("approve", "李老师", sub_of(teacher_a))
    forget_class_review(w, "b1")
    assert http("GET", w.app_path("b1"), w.principal)["class_review"] is None

    # --- the principal ------------------------------------------------------------------------
    page = open_as(w.principal, w.principal_sub, "王校长", "school_admin")
    histories = history_requests(page)
    page.goto("/app/#/approvals")
    expect(page.get_by_test_id("nav-approvals")).to_have_text("校长审定")
    expect(page.get_by_test_id("nav-class-review")).to_have_count(0)
    expect(page.get_by_role("heading", name="校长审定", level=1)).to_be_visible()
    expect(page.get_by_test_id("approval-status")).to_have_value("teacher_approved")
    items = page.get_by_test_id("approval-item")
    expect(items).to_have_count(4)  # a2 (approved in the page above), a3, a4, b1

    a2 = item(page, "approval-item", w, "a2")
    expect(a2.get_by_test_id("review-child")).to_have_text("陈小红")
    expect(a2.get_by_test_id("review-class-name")).to_have_text("三年级1班")
    expect(a2.get_by_test_id("review-priority")).to_have_text("候补优先级 1")
    expect(a2.get_by_test_id("approval-teacher")).to_contain_text("李老师（班主任）")
    expect(a2.get_by_test_id("approval-teacher")).to_contain_text("审核通过")
    expect(a2.get_by_test_id("approval-teacher").locator('[data-action="teacher_approve"]')).to_have_count(1)
    expect(a2.get_by_test_id("review-activity")).to_contain_text("名额 0/1")
    b1 = item(page, "approval-item", w, "b1")
    expect(b1.get_by_test_id("review-class-name")).to_have_text("三年级2班")
    # the queue shows every decision it has without asking for any application's history
    expect(item(page, "approval-item", w, "a4").get_by_test_id("approval-teacher")).to_contain_text("李老师（班主任）")
    page.wait_for_load_state("networkidle")
    assert histories == []
    # the older one says where its decision is; opening its history (one request) shows it in the row too
    expect(b1.get_by_test_id("approval-teacher")).to_have_text("班主任的审核情况见办理记录")
    b1.get_by_test_id("approval-history").click()
    expect(b1.get_by_test_id("review-history-entry")).to_have_count(3)
    expect(b1.get_by_test_id("approval-teacher")).to_contain_text("周老师（班主任）")
    expect(b1.get_by_test_id("approval-teacher")).to_contain_text("审核通过")
    assert histories == [w.children["b1"].application_id]
    b1.get_by_test_id("approval-history").click()

    # one by one: a3 takes the only place in 围棋
    a3 = item(page, "approval-item", w, "a3")
    a3.get_by_test_id("approval-approve").click()
    notice = page.get_by_test_id("approval-notice")
    expect(notice).to_have_text("已批准张小刚的申请。")
    expect(notice).to_be_focused()
    expect(a3).to_have_count(0)
    expect(items).to_have_count(3)
    expect(a2.get_by_test_id("review-activity")).to_contain_text("名额 1/1")  # the places, read again

    # select all and none
    page.get_by_test_id("approval-select-all").check()
    expect(page.get_by_test_id("approval-selected-count")).to_have_text("已选 3 份")
    page.get_by_test_id("approval-select-all").uncheck()
    expect(page.get_by_test_id("approval-selected-count")).to_have_text("已选 0 份")
    expect(page.get_by_test_id("approval-batch-approve")).to_be_disabled()

    # a batch of two, one of which somebody else decided meanwhile
    a4 = item(page, "approval-item", w, "a4")
    a2.get_by_test_id("approval-select").check()
    a4.get_by_test_id("approval-select").check()
    expect(page.get_by_test_id("approval-selected-count")).to_have_text("已选 2 份")
    http("POST", w.app_path("a4", "/decision"), w.principal, {"decision": "reject", "reason": "名额已满"})
    page.get_by_test_id("approval-batch-approve").click()
    results = page.get_by_test_id("approval-results")
    expect(results).to_be_focused()
    expect(page.get_by_test_id("approval-results-summary")).to_have_text("成功 1 份，未成功 1 份。")
    ok = item(page, "approval-result", w, "a2")
    refused = item(page, "approval-result", w, "a4")
    expect(ok).to_have_attribute("data-outcome", "ok")
    expect(ok).to_contain_text("陈小红")
    expect(ok).to_contain_text("已批准")
    expect(ok.get_by_test_id("approval-waitlisted")).to_have_text("“围棋”名额已满，已进入候补名单第 1 位。")
    expect(refused).to_have_attribute("data-outcome", "error")
    expect(refused).to_have_attribute("data-error-code", "invalid_transition")
    expect(refused).to_contain_text("申请状态已变化")
    expect(refused.get_by_test_id("approval-result-now")).to_have_text("（当前状态：未通过）")
    expect(a2).to_have_count(0)  # approved: it left the queue
    expect(a4).to_have_count(0)  # decided elsewhere (the batch says its status now): gone from the queue too
    expect(items).to_have_count(1)
    shot(page, "review-approvals-zh-phone")

    # rejecting one needs a reason too
    b1 = item(page, "approval-item", w, "b1")
    b1.get_by_test_id("approval-reject").click()
    reason_form(
        b1, field="approval-reason", confirm="approval-confirm", missing="请填写原因。", reason="本学期足球暂停"
    )
    expect(notice).to_have_text("已不予批准张小丽的申请。")
    expect(b1).to_have_count(0)

    # approved ones: places and the waiting list
    page.get_by_test_id("approval-status").select_option("approved")
    expect(items).to_have_count(2)
    expect(item(page, "approval-item", w, "a3").get_by_test_id("review-activity-state")).to_have_text("已获名额")
    expect(item(page, "approval-item", w, "a2").get_by_test_id("review-activity-state")).to_have_text("候补第 1 位")
    expect(page.get_by_test_id("approval-select")).to_have_count(0)
    expect(item(page, "approval-item", w, "a3").get_by_test_id("approval-teacher")).to_contain_text("审核通过")
    page.wait_for_load_state("networkidle")
    assert histories == [w.children["b1"].application_id]  # decisions and status changes read no history either

    # English
    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_role("heading", name="Principal's approval", level=1)).to_be_visible()
    expect(item(page, "approval-item", w, "a2").get_by_test_id("review-activity-state")).to_have_text(
        "Waiting list no. 1"
    )
    expect(item(page, "approval-item", w, "a2").get_by_test_id("approval-teacher")).to_contain_text(
        "Approved by 李老师 (homeroom teacher)"
    )
    shot(page, "review-approvals-en-phone")
    page.set_viewport_size(DESKTOP)
    shot(page, "review-approvals-en-desktop")
    page.set_viewport_size(PHONE)
    page.get_by_test_id("lang-toggle").click()

    # the read-only detail, reached from the queue
    item(page, "approval-item", w, "a2").get_by_test_id("review-open").click()
    detail = page.get_by_test_id("review-detail")
    expect(detail.get_by_test_id("review-child")).to_have_text("陈小红")
    expect(page.get_by_test_id("review-detail-status")).to_have_text("已批准，待签协议")
    history = page.get_by_test_id("review-detail-history")
    expect(history).to_contain_text("提交申请")
    expect(history).to_contain_text("班主任审核通过")
    expect(history).to_contain_text("校长批准")
    expect(history).to_contain_text("进入候补名单")
    expect(history).to_contain_text("活动：围棋")
    expect(history.get_by_test_id("review-history-entry").first).to_contain_text("家长")
    expect(history).not_to_contain_text("rv-g1-")  # account ids mean nothing to staff
    expect(page.get_by_role("heading", name="陈小红")).to_be_focused()
    shot(page, "review-detail-zh-phone")
    page.get_by_test_id("review-back").click()
    expect(page.get_by_test_id("approvals-page")).to_be_visible()


def test_teacher_with_two_classes_switches_class_and_sees_errors(
    page: Page, context: BrowserContext, base_url: str, seeded: LocalStack
) -> None:
    """A 班主任 of two classes picks the class; an application decided meanwhile shows the API's error."""
    w = new_school(Api(base_url), seeded.settings.oidc_issuer)
    tag = uuid.uuid4().hex[:6]
    teacher_sub = f"rv-teacher-{tag}"
    add_class(w, "A", "三年级1班", teacher_sub, "李老师")
    add_class(w, "B", "三年级2班", teacher_sub, "李老师")
    add_class(w, "C", "三年级3班", f"rv-other-{tag}", "周老师")
    publish_program(w)
    phone = f"+86136{uuid.uuid4().int % 10**8:08d}"
    add_child(w, "a1", "赵小一", "A", phone, f"rv-g-{tag}")
    add_child(w, "a2", "赵小四", "A", phone, f"rv-g-{tag}")
    add_child(w, "b1", "赵小二", "B", phone, f"rv-g-{tag}")
    add_child(w, "c1", "赵小三", "C", phone, f"rv-g-{tag}")
    for key in ("a1", "a2", "b1", "c1"):
        apply(w, key, ["足球"], "other")

    def one_per_page(route: Route) -> None:
        route.continue_(url=route.request.url.replace("limit=20", "limit=1"))

    queue = re.compile(r".*/classes/[^/]+/applications\?.*")
    page.route(queue, one_per_page)
    sign_in(context, w.teachers["A"], teacher_sub, "李老师", "teacher")
    page.goto("/app/#/class-review")
    select = page.get_by_test_id("review-class")
    expect(select.locator("option")).to_have_text(["三年级1班", "三年级2班"])  # not class C
    expect(page.get_by_test_id("review-item")).to_have_count(1)
    page.get_by_test_id("review-more").click()
    expect(page.get_by_test_id("review-item")).to_have_count(2)
    expect(item(page, "review-item", w, "a1")).to_be_visible()
    expect(item(page, "review-item", w, "a2")).to_be_visible()
    expect(page.get_by_test_id("review-more")).to_have_count(0)
    page.unroute(queue, one_per_page)
    select.select_option(label="三年级2班")
    expect(item(page, "review-item", w, "b1").get_by_test_id("review-child")).to_have_text("赵小二")
    expect(page.get_by_test_id("review-item")).to_have_count(1)

    # somebody (here: the same teacher on another device) decides it first: the page shows the API's 409
    w.http("POST", w.app_path("b1", "/class-review"), w.teachers["A"], {"decision": "approve"})
    b1 = item(page, "review-item", w, "b1")
    b1.get_by_test_id("review-reject").click()
    b1.get_by_test_id("review-reason").fill("材料不全")
    b1.get_by_test_id("review-confirm").click()
    error = b1.get_by_test_id("review-form-error")
    expect(error).to_have_attribute("data-error-code", "invalid_transition")
    expect(error).to_contain_text("申请当前的状态不允许此操作。")
    expect(error).to_be_focused()
    page.get_by_test_id("review-refresh").click()
    expect(page.get_by_test_id("review-empty")).to_have_text("没有待审核的申请。")

    # the detail page from the teacher's side, English
    page.get_by_test_id("review-status").select_option("teacher_approved")
    page.get_by_test_id("lang-toggle").click()
    item(page, "review-item", w, "b1").get_by_test_id("review-open").click()
    expect(page.get_by_test_id("review-detail-status")).to_have_text("Awaiting principal")
    expect(page.get_by_test_id("review-detail-history")).to_contain_text("Approved by the homeroom teacher")
    shot(page, "review-detail-en-phone")
    page.get_by_test_id("review-back").click()
    expect(page.get_by_test_id("class-review-page")).to_be_visible()
