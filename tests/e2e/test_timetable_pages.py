"""The timetable pages (课表) in a real browser, on the seeded first school (its roster, term, published program,
venues and adults make the term ready for the generator).

The principal generates the draft (the page follows the asynchronous job), edits a cell into a conflict (an
adult in two places at once: refused with the rule's message, the grid unchanged), makes a valid edit,
publishes version 1 and sees the print layout; then a guardian reads a child's week and day (行程) off the
published version, the teacher who has an account on the timetable reads their own week, and a provider's
staff member without one gets the friendly "not on the timetable" message.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from devstack import seed
from devstack.stack import LocalStack
from tests.e2e.helpers import DESKTOP, PHONE, RESULTS, Api, OpenAs, mint_token, provision_school, shot

pytestmark = pytest.mark.e2e

TERM = f"/schools/{seed.S1}/timetable/terms/{seed.TERM_S1}"


def token(stack: LocalStack, sub: str, role: str, **claims: Any) -> str:
    return mint_token(stack.settings.oidc_issuer, sub, role, tenant=seed.S1, **claims)


def cell(page: Page, weekday: int, period: int, class_id: str) -> Locator:
    return page.locator(
        f'[data-testid="tt-cell"][data-weekday="{weekday}"][data-period="{period}"][data-class-id="{class_id}"]'
    )


def entry(entries: list[dict[str, Any]], weekday: int, period: int, class_id: str) -> dict[str, Any]:
    return next(e for e in entries if (e["weekday"], e["period"], e["class_id"]) == (weekday, period, class_id))


def what(e: dict[str, Any]) -> str:
    return e["activity_name"] if e["activity_id"] else "自主作业"


def test_generate_edit_publish_then_the_child_and_teacher_weeks(
    seeded: LocalStack, base_url: str, open_as: OpenAs
) -> None:
    api = Api(base_url)
    principal = token(seeded, "seed-s1-principal", "school_admin")

    # 1. The principal's 课表 page: the term is ready, no draft yet; 生成课表 runs the job, the page polls it.
    admin = open_as(principal, "seed-s1-principal", "王校长", "school_admin", viewport=DESKTOP)
    polls: list[str] = []
    admin.on("request", lambda r: polls.append(r.url) if re.search(r"/generations/[0-9A-Z]+$", r.url) else None)
    admin.goto("/app/#/timetable")
    expect(admin.get_by_test_id("nav-timetable")).to_have_text("课表")
    expect(admin.get_by_test_id("nav-timetable")).to_have_attribute("aria-current", "page")
    expect(admin.get_by_test_id("tt-term")).to_have_value(seed.TERM_S1)
    expect(admin.get_by_test_id("tt-no-draft")).to_be_visible()
    expect(admin.locator('[data-testid="tt-readiness"][data-ready="false"]')).to_have_count(0)  # ready
    expect(admin.get_by_test_id("tt-publish")).to_be_disabled()
    shot(admin, "timetable-admin-empty-zh-desktop")
    admin.get_by_test_id("tt-generate").click()
    expect(admin.get_by_test_id("tt-generation")).to_have_attribute("data-status", "succeeded", timeout=60_000)
    assert polls, "the page never polled the generation"
    expect(admin.get_by_test_id("tt-grid")).to_be_visible()
    expect(admin.get_by_test_id("tt-grade")).to_have_count(2)  # 三年级 and 五年级, one table each
    expect(admin.get_by_test_id("tt-violations")).to_have_count(0)
    expect(admin.get_by_test_id("tt-publish")).to_be_enabled()

    draft = api("GET", f"{TERM}/draft", principal)
    assert draft["version"] > 0 and not draft["violations"]
    version = str(draft["version"])
    expect(admin.get_by_test_id("tt-draft-version")).to_have_attribute("data-version", version)
    classes = {c["name"]: c["id"] for c in draft["classes"]}
    c3, c5 = classes["三年级1班"], classes["五年级1班"]
    periods = sum(len(d["periods"]) for d in draft["days"])
    expect(admin.get_by_test_id("tt-cell")).to_have_count(2 * periods)
    tue3 = entry(draft["entries"], 2, 2, c3)
    expect(cell(admin, 2, 2, c3).get_by_test_id("tt-cell-activity")).to_have_text(what(tue3))
    expect(cell(admin, 2, 2, c3).get_by_test_id("tt-cell-venue")).to_have_text(tue3["venue_name"])
    shot(admin, "timetable-admin-generated-zh-desktop")

    # 2. A conflict: 五年级1班's Monday homework also gets the adult who supervises 三年级1班 then. Refused with
    #    the rule's message (adult_one_place); nothing saved, the grid as it was.
    mon3, mon5 = entry(draft["entries"], 1, 1, c3), entry(draft["entries"], 1, 1, c5)
    busy = next(a for a in mon3["adults"] if a["id"] not in {x["id"] for x in mon5["adults"]})
    target = cell(admin, 1, 1, c5)
    before = target.text_content() or ""
    target.get_by_role("button").click()
    form = admin.get_by_test_id("tt-edit-form")
    expect(form).to_be_visible()
    expect(admin.get_by_test_id("tt-edit-activity")).to_be_focused()
    form.locator(f'[data-testid="tt-edit-adult"][data-adult-id="{busy["id"]}"]').check()
    admin.get_by_test_id("tt-edit-save").click()
    error = admin.get_by_test_id("tt-edit-error")
    expect(error).to_have_attribute("data-error-code", "timetable_rule_broken")
    expect(admin.get_by_test_id("tt-edit-error-message")).to_contain_text(f"{busy['name']}同时被安排在 2 处")
    expect(error).to_contain_text("未保存，课表保持原样。")
    expect(target).to_have_text(before)
    expect(target).to_have_class(re.compile(r"\bis-editing\b"))
    expect(admin.get_by_test_id("tt-draft-version")).to_have_attribute("data-version", version)
    assert api("GET", f"{TERM}/draft", principal)["version"] == draft["version"]
    shot(admin, "timetable-admin-conflict-refused-zh-desktop")

    # 3. A valid edit: the same cell supervised by an adult who is free then and can supervise homework.
    taken = {a["id"] for a in mon3["adults"] + mon5["adults"]}
    free = next(a for a in draft["adults"] if "homework" in a["skills"] and a["id"] not in taken)
    form.locator(f'[data-testid="tt-edit-adult"][data-adult-id="{busy["id"]}"]').uncheck()
    for a in mon5["adults"]:
        form.locator(f'[data-testid="tt-edit-adult"][data-adult-id="{a["id"]}"]').uncheck()
    form.locator(f'[data-testid="tt-edit-adult"][data-adult-id="{free["id"]}"]').check()
    admin.get_by_test_id("tt-edit-save").click()
    expect(admin.get_by_test_id("tt-notice")).to_contain_text("已保存：五年级1班周一第1课时")
    expect(admin.get_by_test_id("tt-edit-form")).to_have_count(0)
    expect(target.get_by_test_id("tt-cell-adults")).to_have_text(free["name"])
    expect(admin.get_by_test_id("tt-draft-version")).not_to_have_attribute("data-version", version)

    # 4. Publish: version 1, every class changed; nothing left to publish afterwards.
    admin.get_by_test_id("tt-publish").click()
    publication = admin.get_by_test_id("tt-publication")
    expect(publication).to_have_attribute("data-version", "1")
    expect(publication).to_contain_text("已发布第 1 版课表")
    expect(admin.get_by_test_id("tt-publication-change")).to_have_count(2)
    expect(admin.get_by_test_id("tt-published-version")).to_have_attribute("data-version", "1")
    expect(admin.get_by_test_id("tt-publish")).to_be_disabled()
    # planned staff periods of the published version (R13), as the API counts them
    loads = api("GET", f"{TERM}/published/staff-periods", principal)["items"]
    rows = admin.get_by_test_id("tt-staff-row")
    expect(rows).to_have_count(len(loads))
    busiest = max(loads, key=lambda x: x["periods"])
    row = admin.locator(f'[data-testid="tt-staff-row"][data-id="{busiest["adult_id"]}"]')
    expect(row).to_contain_text(busiest["adult_name"])
    expect(row.locator("td.num").first).to_have_text(str(busiest["periods"]))
    shot(admin, "timetable-admin-published-zh-desktop")
    admin.set_viewport_size(PHONE)
    shot(admin, "timetable-admin-published-zh-phone")
    admin.set_viewport_size(DESKTOP)

    # the print layout: no navigation, buttons or forms; the grid, one grade per page
    admin.emulate_media(media="print")
    expect(admin.get_by_test_id("nav")).to_be_hidden()
    expect(admin.get_by_test_id("tt-actions")).to_be_hidden()
    expect(admin.get_by_test_id("tt-grid")).to_be_visible()
    admin.screenshot(path=str(RESULTS / "timetable-admin-print-zh-desktop.png"), full_page=True)
    admin.emulate_media(media="screen")

    # one class's published week, from the links under the grid
    admin.locator('[data-testid="tt-class-week-link"]', has_text="三年级1班").click()
    expect(admin.get_by_test_id("week-title")).to_have_text("班级 三年级1班")
    expect(admin.get_by_test_id("week-version")).to_have_attribute("data-version", "1")
    published = api("GET", f"{TERM}/published/classes/{c3}/week", principal)
    tue3 = entry(published["entries"], 2, 2, c3)
    line = admin.locator('[data-testid="week-period"][data-weekday="2"][data-period="2"]')
    expect(line.get_by_test_id("week-activity")).to_have_text(what(tue3))

    # 5. The guardian: 我的孩子 → 陈小明's timetable: the week and a day's itinerary off version 1.
    guardian = open_as(
        token(seeded, "seed-s1-guardian", "guardian", phone="+8613800000001"), "seed-s1-guardian", "陈家长", "guardian"
    )
    guardian.goto("/app/#/children")
    card = guardian.get_by_test_id("child-card").filter(has_text="陈小明")
    card.get_by_test_id("child-week-link").click()
    expect(guardian).to_have_url(re.compile(rf"#/child-week/{seed.S1}/[0-9A-Z]{{26}}$"))
    expect(guardian.get_by_test_id("child-week-title")).to_have_text("陈小明的课表")
    line = guardian.locator('[data-testid="week-period"][data-weekday="2"][data-period="2"]')
    expect(line.get_by_test_id("week-activity")).to_have_text(what(tue3))
    expect(line.get_by_test_id("week-venue")).to_have_text(tue3["venue_name"])
    expect(line.get_by_test_id("week-adults")).to_have_text("、".join(a["name"] for a in tue3["adults"]))

    date = guardian.get_by_test_id("itinerary-date")
    date.fill("2026-12-01")  # a Tuesday
    expect(guardian.get_by_test_id("itinerary-day")).to_contain_text("周二")
    day = guardian.get_by_test_id("itinerary-periods").locator('[data-testid="week-period"][data-period="2"]')
    expect(day.get_by_test_id("week-activity")).to_have_text(what(tue3))
    expect(day.get_by_test_id("week-venue")).to_have_text(tue3["venue_name"])
    shot(guardian, "timetable-guardian-child-week-zh-phone")
    date.fill("2026-10-01")  # 国庆节
    expect(guardian.get_by_test_id("itinerary-none")).to_have_text("当天无课后服务（周末、节假日或不在本学期内）。")
    date.fill("2026-09-27")  # 国庆调休, a Sunday that runs Wednesday's timetable
    expect(guardian.get_by_test_id("itinerary-runs")).to_have_text("调休上课：按周三课表")
    guardian.get_by_test_id("lang-toggle").click()
    expect(guardian.get_by_role("heading", name="Day by day")).to_be_visible()
    expect(guardian.get_by_test_id("itinerary-runs")).to_have_text("Make-up day: runs Wed's timetable")
    guardian.get_by_test_id("lang-toggle").click()

    # 6. The teacher on the timetable (李老师's adult carries her account): 我的课表.
    mine = api("GET", f"{TERM}/published/my-week", token(seeded, "seed-s1-teacher", "teacher"))
    teacher = open_as(token(seeded, "seed-s1-teacher", "teacher"), "seed-s1-teacher", "李老师", "teacher")
    teacher.goto("/app/")
    teacher.get_by_test_id("nav-my-week").click()
    expect(teacher.get_by_test_id("my-week-subject")).to_contain_text("李老师")
    periods_of_mine = teacher.get_by_test_id("week-period")
    expect(periods_of_mine).to_have_count(len(mine["entries"]))
    first = sorted(mine["entries"], key=lambda e: (e["weekday"], e["period"]))[0]
    line = teacher.locator(
        f'[data-testid="week-period"][data-weekday="{first["weekday"]}"][data-period="{first["period"]}"]'
    )
    expect(line.get_by_test_id("week-class")).to_have_text(first["class_name"])
    expect(line.get_by_test_id("week-venue")).to_have_text(first["venue_name"])
    shot(teacher, "timetable-teacher-my-week-zh-phone")

    # ... and a provider's staff member whose account is on no adult: a friendly message, not an error.
    staff = open_as(token(seeded, "seed-s1-provider", "provider_staff"), "seed-s1-provider", "赵教练", "provider_staff")
    staff.goto("/app/#/my-week")
    expect(staff.get_by_test_id("week-not-on-timetable")).to_contain_text("还没有登记在本学期课表")


def test_a_school_not_ready_sees_why_and_cannot_generate(seeded: LocalStack, base_url: str, open_as: OpenAs) -> None:
    """A new school with a term but no roster, venues or program: the readiness problems, no generate button."""
    api = Api(base_url)
    iss = seeded.settings.oidc_issuer
    suffix = uuid.uuid4().hex[:6]
    sid = provision_school(
        api,
        iss,
        seed.D1,
        name=f"课表测试小学{suffix}",
        code=f"TT-{suffix}",
        address="北京市东城区测试路3号",
        principal="课校长",
    )["id"]
    principal = mint_token(iss, f"tt-p-{suffix}", "school_admin", tenant=sid)
    term = {
        "name": "2026秋季学期",
        "starts_on": "2026-09-01",
        "ends_on": "2027-01-15",
        "holidays": [],
        "make_up_days": [],
    }
    term_id = api("POST", f"/schools/{sid}/terms", principal, term)["id"]

    admin = open_as(principal, f"tt-p-{suffix}", "课校长", "school_admin", viewport=DESKTOP)
    admin.goto(f"/app/#/timetable/{term_id}")
    readiness = admin.get_by_test_id("tt-readiness")
    expect(readiness).to_have_attribute("data-ready", "false")
    expect(readiness).to_contain_text("还不能生成课表")
    assert readiness.locator('[data-testid="tt-readiness-problem"][data-severity="error"]').count() >= 1
    expect(admin.get_by_test_id("tt-generate")).to_be_disabled()
    expect(admin.get_by_test_id("tt-no-draft")).to_be_visible()
    shot(admin, "timetable-admin-not-ready-zh-desktop")
