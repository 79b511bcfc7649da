"""The guardian's (家长) pages in a real browser, on a fresh school set up through the API.

A guardian sees the child, gives the PIPL consent, applies (activity + lunch), follows the status and the
history, signs the 协议书 after the teacher and the principal approved, and withdraws; a second family
waits for the full activity (position 1) and gets the place when the first withdraws. Also: the inbox,
a guardian whose phone matches no child, refused consent, and a returned application edited and resubmitted.
"""

from __future__ import annotations

import random
import re
import uuid
from dataclasses import dataclass

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from devstack.stack import LocalStack
from tests.e2e.helpers import DESKTOP, PHONE, Api, OpenAs, mint_token, new_district, provision_school, shot, sign_in

pytestmark = pytest.mark.e2e

TEMPLATE = (
    "课后服务协议书\n"
    "甲方：{{school_name}}\n乙方：{{guardian_name}}（{{student_name}}的监护人，{{class_name}}）\n"
    "{{term_name}}，乙方自愿申请课后服务。项目：{{activities}}；服务：{{services}}；午餐：{{lunch}}。\n"
    "费用：{{fees}}。\n签署日期：{{signed_on}}"
)


# ---------------------------------------------------------------------------------------------
# the school, set up through the API (the staff's steps too: another team builds their pages)


@dataclass
class Family:
    student_id: str
    name: str
    phone: str
    sub: str
    token: str


@dataclass
class School:
    http: Api
    issuer: str
    school_id: str
    term_id: str
    admin: str
    teacher: str
    football: str  # capacity 1
    reading: str
    grade5_only: str
    families: dict[str, Family]

    def path(self, rest: str) -> str:
        return f"/schools/{self.school_id}{rest}"

    def guardian(self, name: str, phone: str) -> tuple[str, str]:
        sub = f"g-{uuid.uuid4().hex[:8]}"
        return sub, mint_token(self.issuer, sub, "guardian", tenant=self.school_id, phone=phone)


def random_phone() -> str:
    return f"+86139{random.randint(0, 99_999_999):08d}"


@pytest.fixture(scope="module")
def school(seeded: LocalStack, base_url: str) -> School:
    issuer = seeded.settings.oidc_issuer
    http = Api(base_url)
    district = new_district(http, issuer, "家长页测试区教育局")
    sid = provision_school(
        http,
        issuer,
        district,
        name="阳光小学",
        code=f"YG{uuid.uuid4().hex[:6]}",
        address="北京市东城区阳光路1号",
        principal="周校长",
    )["id"]
    admin = mint_token(issuer, f"principal-{sid[-6:]}", "school_admin", tenant=sid)
    teacher_sub = f"teacher-{sid[-6:]}"
    teacher = mint_token(issuer, teacher_sub, "teacher", tenant=sid)
    klass = http(
        "POST",
        f"/schools/{sid}/classes",
        admin,
        {"grade": 3, "name": "三年级2班", "homeroom_teacher_sub": teacher_sub, "homeroom_teacher_name": "林老师"},
    )["id"]
    term = http(
        "POST",
        f"/schools/{sid}/terms",
        admin,
        {"name": "2026秋季学期", "starts_on": "2026-09-01", "ends_on": "2027-01-15"},
    )["id"]
    program = {
        "services": [
            {"kind": "care", "fee_fen": 0, "fee_basis": "free", "description": "放学后在本班教室看管，自主作业"},
            {"kind": "nap", "fee_fen": 0, "fee_basis": "free"},
            {"kind": "lunch", "price_per_day_fen": 1500, "description": "学校食堂午餐，代收代付"},
        ],
        "activities": [
            {
                "name": "少儿足球",
                "category": "sports",
                "provider": "school",
                "grades": [3, 4],
                "weekdays": [3, 5],
                "period": 2,
                "venue": "操场",
                "capacity": 1,
                "fee_fen": 30000,
                "fee_basis": "per_term",
                "description": "基本功与分组对抗",
            },
            {
                "name": "经典诵读",
                "category": "reading",
                "provider": "school",
                "grades": [3],
                "weekdays": [2],
                "period": 2,
                "venue": "图书馆",
                "capacity": 30,
                "fee_fen": 0,
                "fee_basis": "free",
            },
            {
                "name": "科技小制作",
                "category": "science_technology",
                "provider": "school",
                "grades": [5],
                "weekdays": [4],
                "period": 2,
                "venue": "科学教室",
                "capacity": 20,
                "fee_fen": 0,
                "fee_basis": "free",
            },
        ],
        "safety_measures": "班主任清点人数后方可离校；接送人须为登记的家长。",
    }
    http("PUT", f"/schools/{sid}/terms/{term}/program", admin, program, {"If-Match": '"0"'})
    published = http("POST", f"/schools/{sid}/terms/{term}/program/publish", admin)
    ids = {a["name"]: a["id"] for a in published["activities"]}
    http("PUT", f"/schools/{sid}/terms/{term}/agreement-template", admin, {"text": TEMPLATE})
    s = School(http, issuer, sid, term, admin, teacher, ids["少儿足球"], ids["经典诵读"], ids["科技小制作"], {})
    for key, name, guardian in [
        ("a", "李小明", "李妈妈"),
        ("b", "赵小红", "赵爸爸"),
        ("c", "孙小强", "孙妈妈"),
        ("d", "钱小雨", "钱爸爸"),
    ]:
        phone = random_phone()
        student = {
            "student_number": f"S{uuid.uuid4().hex[:8]}",
            "name": name,
            "class_id": klass,
            "guardians": [
                {"name": guardian, "relationship": "mother" if "妈" in guardian else "father", "phone": phone}
            ],
        }
        student_id = http("POST", f"/schools/{sid}/students", admin, student)["id"]
        sub, token = s.guardian(guardian, phone)
        s.families[key] = Family(student_id, name, phone, sub, token)
    return s


# ---------------------------------------------------------------------------------------------
# browser helpers


def as_guardian(context: BrowserContext, fam: Family, name: str) -> None:
    sign_in(context, fam.token, fam.sub, name, "guardian")


def submitted_application(school: School, fam: Family, pickup_time: str, activity: str) -> str:
    """The family consents and applies (care and one activity, picked up by 爸爸) through the API; its id."""
    school.http("POST", school.path(f"/students/{fam.student_id}/consent"), fam.token, {"text_version": "2026-01"})
    body = {
        "student_id": fam.student_id,
        "term_id": school.term_id,
        "care_reason": {"pickup_by": "爸爸", "pickup_time": pickup_time},
        "services": ["care"],
        "activity_ids": [activity],
        "lunch": False,
    }
    app_id: str = school.http("POST", school.path("/applications"), fam.token, body)["id"]
    school.http("POST", school.path(f"/applications/{app_id}/submit"), fam.token)
    return app_id


def app_id_of(page: Page) -> str:
    m = re.search(r"#/application/([0-9A-Z]{26})$", page.url)
    assert m, page.url
    return m.group(1)


# ---------------------------------------------------------------------------------------------
# the whole chain


def test_guardian_applies_signs_withdraws_and_the_waiting_child_moves_up(
    school: School, context: BrowserContext, page: Page, open_as: OpenAs
) -> None:
    a, b = school.families["a"], school.families["b"]
    as_guardian(context, a, "李妈妈")

    # 我的孩子: the child, no consent yet, applying explained as blocked
    page.goto("/app/#/children")
    card = page.locator(f'[data-testid="child-card"][data-student-id="{a.student_id}"]')
    expect(card.get_by_test_id("child-name")).to_have_text("李小明")
    expect(card.get_by_test_id("child-class")).to_contain_text("三年级2班")
    expect(page.get_by_test_id("child-card")).to_have_count(1)
    expect(card.get_by_test_id("consent-status")).to_have_attribute("data-status", "none")
    expect(card.get_by_test_id("consent-text")).to_contain_text("谁能看到")
    expect(card.get_by_test_id("apply-start")).to_be_disabled()
    expect(card.get_by_test_id("apply-blocked")).to_contain_text("consent_required")
    expect(page.get_by_test_id("nav-children")).to_have_attribute("aria-current", "page")
    expect(page.get_by_test_id("nav")).to_contain_text("服务项目")
    shot(page, "parent-children-zh-phone")

    card.get_by_test_id("consent-give").click()
    expect(card.get_by_test_id("consent-status")).to_have_attribute("data-status", "granted")
    expect(page.get_by_test_id("parent-notice")).to_contain_text("已记录")
    expect(card.get_by_test_id("consent-withdraw")).to_be_visible()
    card.get_by_test_id("apply-start").click()

    # the application form
    expect(page).to_have_url(re.compile(rf"#/apply/{a.student_id}$"))
    expect(page.get_by_test_id("apply-child")).to_contain_text("李小明")
    expect(page.get_by_test_id("apply-term")).to_have_value(school.term_id)
    expect(page.get_by_test_id(f"apply-activity-{school.football}")).to_be_visible()
    expect(page.locator(f'label[for="apply-activity-{school.football}"]')).to_contain_text("少儿足球")
    expect(page.locator(f'label[for="apply-activity-{school.football}"]')).to_contain_text("¥300.00/学期")
    expect(page.locator(f'label[for="apply-activity-{school.football}"]')).to_contain_text("余 1 个名额")
    expect(page.locator('label[for="apply-lunch"]')).to_contain_text("¥15.00/天")
    expect(page.get_by_test_id(f"apply-activity-{school.grade5_only}")).to_have_count(0)  # grade 5 only

    page.get_by_test_id("apply-submit").click()  # nothing filled in: errors next to the fields
    expect(page.get_by_test_id("apply-pickup-by-error")).to_have_text("此项必填。")
    expect(page.get_by_test_id("apply-pickup-by")).to_be_focused()
    page.get_by_test_id("apply-pickup-by").fill("妈妈")
    page.get_by_test_id("apply-pickup-time").fill("1830")
    page.get_by_test_id("apply-submit").click()
    expect(page.get_by_test_id("apply-pickup-time-error")).to_contain_text("HH:MM")
    page.get_by_test_id("apply-pickup-time").fill("18:30")
    page.get_by_test_id("apply-situation").select_option("guardians_work_late")
    page.get_by_test_id("apply-note").fill("父母都在医院上班，下班晚")
    page.get_by_test_id("apply-service-care").check()
    page.get_by_test_id("apply-lunch").check()
    page.get_by_test_id(f"apply-activity-{school.football}").check()
    shot(page, "parent-apply-zh-phone")
    page.get_by_test_id("apply-submit").click()

    # status submitted, with the history
    expect(page).to_have_url(re.compile(r"#/application/[0-9A-Z]{26}$"))
    app_a = app_id_of(page)
    expect(page.get_by_test_id("application-status")).to_have_attribute("data-status", "submitted")
    expect(page.get_by_test_id("application-status")).to_have_text("已提交")
    expect(page.get_by_test_id("parent-notice")).to_contain_text("申请已提交")
    expect(page.get_by_test_id("history-item")).to_have_count(2)
    expect(page.get_by_test_id("history-item").nth(1)).to_have_attribute("data-action", "submit")
    expect(page.get_by_test_id("history-item").nth(1)).to_contain_text("家长（我）")
    football_a = page.locator(f'[data-testid="application-activity"][data-activity-id="{school.football}"]')
    expect(football_a).to_have_attribute("data-state", "requested")
    expect(page.get_by_test_id("application-lunch")).to_contain_text("是")
    expect(page.get_by_test_id("application-situation")).to_have_attribute("data-situation", "guardians_work_late")
    shot(page, "parent-application-submitted-zh-phone")

    # 班级审核 and 校长审定 through the API
    school.http("POST", school.path(f"/applications/{app_a}/class-review"), school.teacher, {"decision": "approve"})
    school.http("POST", school.path(f"/applications/{app_a}/decision"), school.admin, {"decision": "approve"})
    page.reload()
    expect(page.get_by_test_id("application-status")).to_have_attribute("data-status", "approved")
    expect(football_a).to_have_attribute("data-state", "seated")
    text = page.get_by_test_id("agreement-text")
    expect(text).to_contain_text("甲方：阳光小学")
    expect(text).to_contain_text("乙方：李妈妈（李小明的监护人，三年级2班）")
    expect(text).to_contain_text("项目：少儿足球")
    # rendered by the server (GET …/agreement/preview), as a parent reads it: no codes such as care/lunch
    expect(text).to_contain_text("服务：看管服务；午餐：参加午餐，餐费¥15.00/天，由学校代收代付。")
    expect(text).to_contain_text("费用：少儿足球：¥300.00/学期；看管服务：免费；午餐（学校代收）：¥15.00/天。")
    expect(text).not_to_contain_text("{{")
    page.get_by_test_id("agreement-sign").click()  # not ticked yet
    expect(page.get_by_test_id("agreement-agree-error")).to_be_visible()
    page.get_by_test_id("agreement-agree").check()
    preview = text.inner_text()
    shot(page, "parent-agreement-zh-phone")
    page.get_by_test_id("agreement-sign").click()

    signed = page.get_by_test_id("agreement-signed")
    expect(signed).to_be_visible()
    expect(page.get_by_test_id("application-status")).to_have_attribute("data-status", "active")
    expect(page.get_by_test_id("agreement-sha256")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    expect(page.get_by_test_id("agreement-signed-text")).to_contain_text("乙方：李妈妈")
    expect(page.get_by_test_id("parent-notice")).to_contain_text("协议书已签署")
    expect(page.get_by_test_id("agreement-text")).to_have_count(0)
    server = school.http("GET", school.path(f"/applications/{app_a}/agreement"), a.token)
    expect(page.get_by_test_id("agreement-sha256")).to_have_text(server["sha256"])
    assert server["text"] == preview  # the preview is what the server rendered and signed
    shot(page, "parent-application-active-zh-phone")

    # the second family applies for the same full activity: waiting list, position 1
    app_b = submitted_application(school, b, "18:00", school.football)
    school.http("POST", school.path(f"/applications/{app_b}/class-review"), school.teacher, {"decision": "approve"})
    school.http("POST", school.path(f"/applications/{app_b}/decision"), school.admin, {"decision": "approve"})
    page_b = open_as(b.token, b.sub, "赵爸爸", "guardian")
    page_b.goto(f"/app/#/application/{app_b}")
    football_b = page_b.locator(f'[data-testid="application-activity"][data-activity-id="{school.football}"]')
    expect(football_b).to_have_attribute("data-state", "waitlisted")
    expect(football_b.get_by_test_id("activity-position")).to_have_attribute("data-position", "1")
    expect(football_b.get_by_test_id("activity-position")).to_have_text("候补第 1 位")
    expect(page_b.get_by_test_id(f"activity-drop-{school.football}")).to_be_visible()
    shot(page_b, "parent-application-waitlisted-zh-phone")
    # the apply form says how many places are left: none, and one child waiting
    page_b.goto(f"/app/#/apply/{b.student_id}")
    expect(page_b.locator(f'label[for="apply-activity-{school.football}"]')).to_contain_text("名额已满，候补 1 人")
    expect(page_b.locator(f'label[for="apply-activity-{school.reading}"]')).to_contain_text("余 30 个名额")
    page_b.goto(f"/app/#/application/{app_b}")

    # the first family withdraws through the page
    page.get_by_test_id("withdraw-open").click()
    expect(page.get_by_test_id("withdraw-date")).to_be_focused()
    expect(page.get_by_test_id("withdraw-date")).to_have_value(re.compile(r"^\d{4}-\d{2}-\d{2}$"))
    page.get_by_test_id("withdraw-confirm").click()  # no reason yet
    expect(page.get_by_test_id("withdraw-reason-error")).to_have_text("此项必填。")
    page.get_by_test_id("withdraw-reason").fill("奶奶来接送了")
    page.get_by_test_id("withdraw-confirm").click()
    expect(page.get_by_test_id("application-status")).to_have_attribute("data-status", "withdrawn")
    expect(page.get_by_test_id("application-status-reason")).to_have_text("奶奶来接送了")
    expect(football_a).to_have_attribute("data-state", "dropped")
    expect(page.get_by_test_id("history-item").last).to_have_attribute("data-action", "withdraw")
    expect(page.get_by_test_id("withdraw-open")).to_have_count(0)
    expect(page.get_by_test_id("agreement-signed")).to_be_visible()  # the signed copy stays readable

    # ...and the waiting child has the place
    page_b.reload()
    expect(football_b).to_have_attribute("data-state", "seated")
    expect(football_b.get_by_test_id("activity-position")).to_have_count(0)
    expect(page_b.locator('[data-testid="history-item"][data-action="place_offered"]')).to_have_count(1)

    # 我的申请
    page.get_by_test_id("nav-applications").click()
    card_a = page.locator(f'[data-testid="application-card"][data-application-id="{app_a}"]')
    expect(card_a.get_by_test_id("application-status")).to_have_attribute("data-status", "withdrawn")
    expect(card_a.get_by_test_id("application-status")).to_have_text("已退出")
    expect(card_a.get_by_test_id("application-child")).to_have_text("李小明")
    expect(card_a.get_by_test_id("application-term")).to_have_text("2026秋季学期")
    shot(page, "parent-applications-zh-phone")

    # the child's card links the application
    page.get_by_test_id("nav-children").click()
    expect(page.get_by_test_id("child-application")).to_have_attribute("href", f"#/application/{app_a}")

    # 服务项目 (公示)
    page.get_by_test_id("nav-program").click()
    expect(page.get_by_test_id("program-activity")).to_have_count(3)
    football = page.locator(f'[data-testid="program-activity"][data-activity-id="{school.football}"]')
    expect(football).to_contain_text("周三、周五 · 第2课时")
    expect(football.get_by_test_id("program-activity-fee")).to_have_text("¥300.00/学期")
    expect(page.get_by_test_id("program-service")).to_have_count(3)
    expect(page.get_by_test_id("program-procedure")).to_contain_text("校长审定")
    shot(page, "parent-program-zh-phone")

    # 消息: the notices of every step; marking one read
    page.get_by_test_id("nav-inbox").click()
    items = page.get_by_test_id("inbox-item")
    expect(items.first).to_be_visible()
    assert items.count() >= 4, items.count()
    expect(page.get_by_test_id("inbox-page")).to_contain_text("协议书已签署")
    unread = int(page.get_by_test_id("inbox-unread").get_attribute("data-count") or "0")
    assert unread >= 4, unread
    expect(page.get_by_test_id("nav-inbox")).to_have_text(f"消息（{unread}）")
    first = items.first
    expect(first).to_have_attribute("data-read", "false")
    first.get_by_test_id("inbox-read").click()
    expect(first).to_have_attribute("data-read", "true")
    expect(page.get_by_test_id("inbox-unread")).to_have_attribute("data-count", str(unread - 1))
    expect(page.get_by_test_id("nav-inbox")).to_have_text(f"消息（{unread - 1}）")
    expect(first.get_by_test_id("inbox-read")).to_have_count(0)

    # how to reach me
    page.get_by_test_id("contact-email").fill("li.mama@example.cn")
    page.get_by_test_id("contact-email-enabled").check()
    page.get_by_test_id("contact-save").click()
    expect(page.get_by_test_id("contact-notice")).to_have_text("已保存联系方式。")
    contact = school.http("GET", school.path("/my/contact"), a.token)
    assert contact["email"] == "li.mama@example.cn" and contact["email_enabled"] is True
    shot(page, "parent-inbox-zh-phone")

    # English
    page.goto(f"/app/#/application/{app_a}")
    # Wait for the page to settle: the top bar is re-rendered on every change, and a click on the
    # replaced button would be lost.
    expect(page.get_by_test_id("application-status")).to_have_text("已退出")
    expect(page.get_by_test_id("history-item")).not_to_have_count(0)
    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_test_id("lang-toggle")).to_have_text("中文")
    expect(page.get_by_test_id("application-status")).to_have_text("Withdrawn")
    expect(page.get_by_test_id("history-item").last).to_contain_text("Guardian (me)")
    expect(page.get_by_test_id("application-services")).to_have_text("Supervised care")
    shot(page, "parent-application-en-phone")
    page.set_viewport_size(DESKTOP)
    page.get_by_test_id("nav-children").click()
    expect(page.get_by_test_id("child-card")).to_have_count(1)
    expect(page.get_by_test_id("consent-status")).to_have_text("Given")
    shot(page, "parent-children-en-desktop")
    page.set_viewport_size(PHONE)
    page_b.get_by_test_id("lang-toggle").click()
    expect(football_b.get_by_test_id("activity-state")).to_have_text("Has a place")
    expect(page_b.get_by_test_id("application-services")).to_have_text("Supervised care")  # the program in English
    expect(football_b).to_contain_text("¥300.00/term")
    shot(page_b, "parent-application-seated-en-phone")


def test_guardian_without_matching_children_is_told_to_contact_the_teacher(
    school: School, context: BrowserContext, page: Page
) -> None:
    stranger = random_phone()
    sub, token = school.guardian("陌生家长", stranger)
    as_guardian(context, Family("", "", stranger, sub, token), "陌生家长")
    page.goto("/app/#/children")
    empty = page.get_by_test_id("children-empty")
    expect(empty).to_contain_text("请联系班主任")
    expect(empty).to_have_attribute("data-error-code", "no_children_for_phone")
    expect(page.get_by_test_id("child-card")).to_have_count(0)
    shot(page, "parent-children-empty-zh-phone")


def test_refused_consent_blocks_applying_with_the_reason(school: School, context: BrowserContext, page: Page) -> None:
    c = school.families["c"]
    as_guardian(context, c, "孙妈妈")
    page.goto("/app/#/children")
    card = page.locator(f'[data-testid="child-card"][data-student-id="{c.student_id}"]')
    card.get_by_test_id("consent-give").click()
    expect(card.get_by_test_id("consent-status")).to_have_attribute("data-status", "granted")
    card.get_by_test_id("consent-withdraw").click()  # the guardian changes their mind
    expect(card.get_by_test_id("consent-status")).to_have_attribute("data-status", "withdrawn")
    expect(card.get_by_test_id("consent-status")).to_have_text("已撤回")
    expect(card.get_by_test_id("apply-start")).to_be_disabled()
    expect(card.get_by_test_id("apply-blocked")).to_be_visible()

    # going to the form anyway: it warns, and the school's answer says why
    page.goto(f"/app/#/apply/{c.student_id}")
    expect(page.get_by_test_id("apply-consent-warning")).to_be_visible()
    page.get_by_test_id("apply-pickup-by").fill("妈妈")
    page.get_by_test_id("apply-pickup-time").fill("18:00")
    page.get_by_test_id("apply-service-care").check()
    page.get_by_test_id("apply-submit").click()
    error = page.get_by_test_id("apply-submit-error")
    expect(error).to_have_attribute("data-error-code", "consent_required")
    expect(error).to_contain_text("请先同意《儿童个人信息处理告知书》")
    expect(error).to_be_focused()
    expect(page.get_by_test_id("apply-submit")).to_be_enabled()
    assert school.http("GET", school.path("/my/applications"), c.token)["items"] == []
    shot(page, "parent-apply-consent-refused-zh-phone")


def test_returned_application_is_edited_and_resubmitted(school: School, context: BrowserContext, page: Page) -> None:
    d = school.families["d"]
    app_id = submitted_application(school, d, "17:40", school.reading)
    school.http(
        "POST",
        school.path(f"/applications/{app_id}/class-review"),
        school.teacher,
        {"decision": "return", "reason": "请填写实际能接孩子的时间"},
    )
    as_guardian(context, d, "钱爸爸")
    page.goto(f"/app/#/application/{app_id}")
    expect(page.get_by_test_id("application-status")).to_have_attribute("data-status", "returned")
    expect(page.get_by_test_id("application-status-reason")).to_have_text("请填写实际能接孩子的时间")
    expect(page.get_by_test_id("withdraw-open")).to_be_visible()
    page.get_by_test_id("application-edit").click()

    expect(page).to_have_url(re.compile(rf"#/apply/{d.student_id}/{app_id}$"))
    expect(page.get_by_test_id("apply-returned-reason")).to_contain_text("请填写实际能接孩子的时间")
    expect(page.get_by_test_id("apply-term")).to_be_disabled()
    expect(page.get_by_test_id("apply-pickup-time")).to_have_value("17:40")
    expect(page.get_by_test_id(f"apply-activity-{school.reading}")).to_be_checked()
    page.get_by_test_id("apply-pickup-time").fill("18:45")
    page.get_by_test_id("apply-lunch").check()
    page.get_by_test_id("apply-submit").click()

    expect(page).to_have_url(re.compile(rf"#/application/{app_id}$"))
    expect(page.get_by_test_id("application-status")).to_have_attribute("data-status", "submitted")
    expect(page.get_by_test_id("application-pickup")).to_contain_text("18:45")
    expect(page.get_by_test_id("application-lunch")).to_contain_text("是")
    expect(page.get_by_test_id("history-item")).to_have_count(5)
    actions = [page.get_by_test_id("history-item").nth(i).get_attribute("data-action") for i in range(5)]
    assert actions == ["create", "submit", "return", "edit", "submit"], actions

    # dropping one activity, with an effective date
    reading = page.locator(f'[data-testid="application-activity"][data-activity-id="{school.reading}"]')
    expect(reading).to_have_attribute("data-state", "requested")
    page.get_by_test_id(f"activity-drop-{school.reading}").click()
    expect(page.get_by_test_id("drop-date")).to_be_focused()
    expect(page.get_by_test_id("drop-date")).to_have_value(re.compile(r"^\d{4}-\d{2}-\d{2}$"))
    page.get_by_test_id("drop-confirm").click()
    expect(reading).to_have_attribute("data-state", "dropped")
    expect(page.get_by_test_id("parent-notice")).to_contain_text("已退选“经典诵读”")
    expect(page.get_by_test_id("parent-notice")).to_be_focused()
    expect(page.get_by_test_id(f"activity-drop-{school.reading}")).to_have_count(0)
    expect(page.get_by_test_id("history-item").last).to_have_attribute("data-action", "drop_activity")
