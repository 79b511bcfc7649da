"""The whole enrolment chain (四(七)) in a real browser, each person in their own browser context.

A fresh school: its admin imports the roster and publishes the program (one activity with a single
place), two guardians give consent and apply, the 班主任 approves both, the principal approves both
(the second child lands on the activity's waiting list), the first guardian signs the 协议书 (active)
and later withdraws, and the second child is handed the freed place automatically.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from devstack import seed
from devstack.stack import LocalStack
from tests.e2e.helpers import Api, OpenAs, fill_activity, mint_token, provision_school, shot

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class Person:
    sub: str
    name: str
    role: str
    token: str


@dataclass(frozen=True)
class School:
    id: str
    principal: Person
    teacher: Person
    guardian_a: Person
    guardian_b: Person


def person(stack: LocalStack, sub: str, name: str, role: str, school: str | None = None, **claims: Any) -> Person:
    return Person(sub, name, role, mint_token(stack.settings.oidc_issuer, sub, role, tenant=school, **claims))


@pytest.fixture(scope="module")
def school(seeded: LocalStack, base_url: str) -> School:
    suffix = uuid.uuid4().hex[:6]
    sid = provision_school(
        Api(base_url),
        seeded.settings.oidc_issuer,
        seed.D1,
        name=f"链路测试小学{suffix}",
        code=f"E2E-{suffix}",
        address="北京市东城区测试路9号",
        principal="链校长",
    )["id"]
    return School(
        id=sid,
        principal=person(seeded, f"p-{suffix}", "链校长", "school_admin", sid),
        teacher=person(seeded, f"t-{suffix}", "链老师", "teacher", sid),
        guardian_a=person(seeded, f"ga-{suffix}", "甲家长", "guardian", sid, phone="+8613811110001"),
        guardian_b=person(seeded, f"gb-{suffix}", "乙家长", "guardian", sid, phone="+8613811110002"),
    )


@pytest.fixture
def as_person(open_as: OpenAs) -> Callable[[Person], Page]:
    """Each person in a browser context of their own, signed in."""
    return lambda p: open_as(p.token, p.sub, p.name, p.role)


def goto(page: Page, route: str) -> None:
    # A page already at /app/ would only change its hash: load it afresh so it shows the current state.
    page.goto("about:blank")
    page.goto(f"/app/#/{route}")
    expect(page.get_by_test_id("me-roles").or_(page.get_by_test_id("nav"))).not_to_have_count(0)


def roster_csv(teacher_sub: str) -> bytes:
    header = ",".join(seed.ROSTER_HEADER.split(","))
    rows = [
        f"C-0301,甲小明,3,三年级2班,{teacher_sub},链老师,甲家长,父亲,13811110001,,,",
        f"C-0302,乙小红,3,三年级2班,{teacher_sub},链老师,乙家长,母亲,13811110002,,,",
    ]
    return ("\n".join([header, *rows]) + "\n").encode()


def apply_for_child(page: Page, child_name: str) -> str:
    goto(page, "children")
    card = page.get_by_test_id("child-card").filter(has_text=child_name)
    expect(card).to_be_visible()
    card.get_by_test_id("consent-give").click()
    expect(card.get_by_test_id("consent-status")).to_have_attribute("data-status", "granted")
    card.get_by_test_id("apply-start").click()
    page.get_by_test_id("apply-pickup-by").fill("奶奶")
    page.get_by_test_id("apply-pickup-time").fill("18:00")
    page.get_by_test_id("apply-service-care").check()
    page.get_by_test_id("apply-lunch").check()
    page.get_by_role("checkbox", name=re.compile("少儿篮球")).check()
    page.get_by_test_id("apply-submit").click()
    expect(page).to_have_url(re.compile(r"#/application/[0-9A-Z]{26}$"))
    expect(page.get_by_test_id("application-status")).to_have_attribute("data-status", "submitted")
    return page.url.rsplit("/", 1)[1]


def approve_each(page: Page, queue: str, ids: tuple[str, ...]) -> None:
    """Approves the applications one after the other in a queue ("review": 班级审核, "approval": 校长审定)."""
    for aid in ids:
        item = page.locator(f'[data-testid="{queue}-item"][data-application-id="{aid}"]')
        expect(item).to_be_visible()
        item.get_by_test_id(f"{queue}-approve").click()
        expect(item).to_have_count(0)


def test_the_whole_chain_with_a_waiting_list_promotion(school: School, as_person: Callable[[Person], Page]) -> None:
    # 1. The school admin imports the roster and publishes the program (one place in 少儿篮球).
    admin = as_person(school.principal)
    goto(admin, "roster")
    admin.get_by_test_id("roster-file").set_input_files(
        {"name": "roster.csv", "mimeType": "text/csv", "buffer": roster_csv(school.teacher.sub)}
    )
    admin.get_by_test_id("roster-import-submit").click()
    expect(admin.get_by_test_id("roster-import-result")).to_be_visible(timeout=30_000)

    goto(admin, "program-editor")
    admin.get_by_test_id("term-create-name").fill("2026秋季学期")
    admin.get_by_test_id("term-create-start").fill("2026-09-01")
    admin.get_by_test_id("term-create-end").fill("2027-01-15")
    admin.get_by_test_id("term-create-submit").click()
    expect(admin.get_by_test_id("program-term")).to_contain_text("2026秋季学期")
    admin.get_by_test_id("service-care-enabled").check()
    admin.get_by_test_id("service-lunch-enabled").check()
    admin.get_by_test_id("service-lunch-price").fill("15")
    admin.get_by_test_id("program-add-activity").click()
    fill_activity(
        admin,
        name="少儿篮球",
        category="sports",
        provider="school",
        grades=[3],
        weekdays=[3],
        venue="操场",
        capacity="1",
        fee="0",
        basis="free",
    )
    admin.get_by_test_id("activity-save").click()
    expect(admin.get_by_test_id("program-activity").filter(has_text="少儿篮球")).to_be_visible()
    admin.get_by_test_id("program-save").click()
    admin.get_by_test_id("program-publish").click()
    expect(admin.get_by_test_id("program-published")).to_contain_text("1")
    shot(admin, "chain-program-published")

    goto(admin, "agreement-template")
    admin.get_by_test_id("template-text").fill(
        "课后服务协议书\n学生：{{student_name}}（{{class_name}}）\n监护人：{{guardian_name}}\n项目：{{activities}}"
    )
    admin.get_by_test_id("template-save").click()
    expect(admin.get_by_test_id("template-version")).to_contain_text("1")

    # 2. Two guardians, each seeing only their own child, give consent and apply.
    guardian_a = as_person(school.guardian_a)
    a_id = apply_for_child(guardian_a, "甲小明")
    expect(guardian_a.get_by_test_id("history-item")).not_to_have_count(0)
    guardian_b = as_person(school.guardian_b)
    goto(guardian_b, "children")
    expect(guardian_b.get_by_test_id("child-card")).to_have_count(1)
    b_id = apply_for_child(guardian_b, "乙小红")

    # 3. The 班主任 approves both in the class review queue.
    teacher = as_person(school.teacher)
    goto(teacher, "class-review")
    approve_each(teacher, "review", (a_id, b_id))
    shot(teacher, "chain-class-review-done")

    # 4. The principal approves A, then B: B's activity is full, so B waits at position 1.
    goto(admin, "approvals")
    approve_each(admin, "approval", (a_id, b_id))

    goto(guardian_b, f"application/{b_id}")
    expect(guardian_b.get_by_test_id("application-status")).to_have_attribute("data-status", "approved")
    basketball_b = guardian_b.get_by_test_id("application-activity")
    expect(basketball_b).to_have_attribute("data-state", "waitlisted")
    expect(basketball_b.get_by_test_id("activity-position")).to_contain_text("1")

    # 5. Guardian A signs the 协议书: the enrolment is active and the signed copy carries its SHA-256.
    goto(guardian_a, f"application/{a_id}")
    expect(guardian_a.get_by_test_id("agreement-text")).to_contain_text("甲小明")
    guardian_a.get_by_test_id("agreement-agree").check()
    guardian_a.get_by_test_id("agreement-sign").click()
    expect(guardian_a.get_by_test_id("application-status")).to_have_attribute("data-status", "active")
    expect(guardian_a.get_by_test_id("agreement-signed")).to_contain_text(re.compile(r"[0-9a-f]{64}"))
    shot(guardian_a, "chain-signed")

    # 6. Guardian A withdraws; the freed place goes to B automatically.
    guardian_a.get_by_test_id("withdraw-open").click()
    guardian_a.get_by_test_id("withdraw-reason").fill("家里老人可以按时接孩子了")
    guardian_a.get_by_test_id("withdraw-confirm").click()
    expect(guardian_a.get_by_test_id("application-status")).to_have_attribute("data-status", "withdrawn")

    guardian_b.reload()
    expect(guardian_b.get_by_test_id("application-activity")).to_have_attribute("data-state", "seated")
    expect(guardian_b.get_by_test_id("activity-position")).to_have_count(0)
    goto(guardian_b, "inbox")
    expect(guardian_b.get_by_test_id("inbox-item")).not_to_have_count(0)
    shot(guardian_b, "chain-inbox")
