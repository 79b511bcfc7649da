"""The web shell at /app/ in a real browser: local sign-in, language switch, the Schools page."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Locator, Page, Request, Route, expect

from tests.e2e.helpers import DESKTOP, PHONE, shot

pytestmark = pytest.mark.e2e


def school_row(page: Page, code: str) -> Locator:
    return page.locator(f'[data-testid="school-row"][data-code="{code}"]')


def sign_in(page: Page, sub: str) -> None:
    page.goto("/app/")
    page.get_by_test_id(f"signin-user-{sub}").click()
    expect(page.get_by_test_id("me-roles")).not_to_be_empty()


def fill_school(page: Page, *, name: str, code: str, email: str) -> None:
    page.get_by_label("学校名称", exact=True).fill(name)
    page.get_by_label("学校代码", exact=True).fill(code)
    page.get_by_label("地址", exact=True).fill("北京市东城区测试路1号")
    page.get_by_label("姓名", exact=True).fill("测试校长")
    page.get_by_label("电子邮箱", exact=True).fill(email)


def test_district_admin_provisions_suspends_and_reactivates_a_school(page: Page) -> None:
    keys: list[str | None] = []

    def remember_key(request: Request) -> None:
        if request.method == "POST" and request.url.endswith("/schools"):
            keys.append(request.header_value("idempotency-key"))

    page.on("request", remember_key)
    page.goto("/app/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    expect(page.get_by_test_id("lang-toggle")).to_have_text("English")
    expect(page.get_by_test_id("signin-user-seed-d1-admin")).to_contain_text("东城区管理员")
    shot(page, "signin-zh-phone")
    page.get_by_test_id("signin-user-seed-d1-admin").click()

    expect(page.get_by_test_id("me-roles")).to_have_text("区教育局管理员")
    expect(page.get_by_test_id("me-district")).to_contain_text("东城区教育局")
    schools = page.get_by_test_id("schools-page")
    expect(schools.get_by_role("heading", name="学校", exact=True)).to_be_visible()
    expect(school_row(page, "DC-SY1").get_by_test_id("school-name")).to_have_text("东城第一实验小学")
    expect(school_row(page, "DC-YC").get_by_test_id("school-name")).to_have_text("东城育才小学")
    expect(school_row(page, "DC-YC").get_by_test_id("school-status")).to_have_text("正常")
    expect(schools).not_to_contain_text("西城实验小学")  # the other district's school
    rows_before = page.get_by_test_id("school-row").count()

    # provision a school: defaults pre-filled, one-time invitation code shown, row added
    expect(page.get_by_label("时区", exact=True)).to_have_value("Asia/Shanghai")
    expect(page.get_by_label("工作日结束时间", exact=True)).to_have_value("17:30")
    code = f"E2E-{uuid.uuid4().hex[:6].upper()}"
    fill_school(page, name="东城第二实验小学", code=code, email=f"p{uuid.uuid4().hex[:6]}@example.cn")
    page.get_by_test_id("provision-submit").click()
    expect(page.get_by_test_id("provision-result")).to_contain_text("东城第二实验小学")
    expect(page.get_by_test_id("invitation-code")).to_have_text(re.compile(r"^[A-Za-z0-9_-]{24,}$"))
    new_row = school_row(page, code)
    expect(new_row.get_by_test_id("school-name")).to_have_text("东城第二实验小学")
    expect(new_row.get_by_test_id("school-status")).to_have_text("正常")
    expect(new_row.get_by_test_id("school-workday-end")).to_have_text("17:30")
    expect(page.get_by_label("学校代码", exact=True)).to_have_value("")  # the form starts over

    # the same code again: localized error next to the field; a retry of the same data reuses its key
    fill_school(page, name="重复代码小学", code=code, email=f"p{uuid.uuid4().hex[:6]}@example.cn")
    page.get_by_test_id("provision-submit").click()
    error = page.get_by_test_id("provision-error")
    expect(error).to_have_attribute("data-error-code", "school_code_taken")
    expect(error).to_contain_text("本区已有使用该代码的学校。")
    expect(page.get_by_test_id("error-code")).to_have_text("本区已有使用该代码的学校。")
    expect(page.get_by_label("学校代码", exact=True)).to_have_attribute("aria-invalid", "true")
    page.get_by_test_id("provision-submit").click()
    expect(page.get_by_test_id("provision-submit")).to_be_enabled()
    expect(error).to_have_attribute("data-error-code", "school_code_taken")
    assert len(keys) == 3 and keys[0] and keys[1], keys
    assert keys[0] != keys[1] and keys[1] == keys[2], keys

    # server-side field validation, localized in the page
    page.get_by_label("电子邮箱", exact=True).fill("not-an-email")
    page.get_by_test_id("provision-submit").click()
    expect(error).to_have_attribute("data-error-code", "validation_error")
    expect(page.get_by_test_id("error-admin_email")).to_have_text("请输入有效的电子邮箱地址。")
    expect(page.get_by_test_id("school-row")).to_have_count(rows_before + 1)

    # suspend (inline form, no window.prompt) and reactivate
    new_row.get_by_test_id("school-suspend").click()
    page.get_by_label("暂停原因", exact=True).fill("E2E 测试暂停")
    page.get_by_test_id("suspend-confirm").click()
    expect(new_row.get_by_test_id("school-status")).to_have_text("已暂停")
    expect(new_row.get_by_test_id("school-reason")).to_contain_text("E2E 测试暂停")
    expect(school_row(page, "DC-SY1").get_by_test_id("school-status")).to_have_text("正常")
    shot(page, "district-admin-zh-phone")
    new_row.get_by_test_id("school-reactivate").click()
    expect(new_row.get_by_test_id("school-status")).to_have_text("正常")

    # English: every text re-rendered, and the API answers in English too
    page.get_by_test_id("lang-toggle").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("lang-toggle")).to_have_text("中文")
    expect(schools.get_by_role("heading", name="Schools", exact=True)).to_be_visible()
    expect(page.get_by_test_id("me-roles")).to_have_text("District admin")
    expect(new_row.get_by_test_id("school-status")).to_have_text("Active")
    expect(page.get_by_test_id("provision-submit")).to_have_text("Provision school")
    expect(page.get_by_test_id("error-admin_email")).to_have_text("Enter a valid e-mail address.")
    page.get_by_label("E-mail", exact=True).fill(f"p{uuid.uuid4().hex[:6]}@example.cn")
    page.get_by_test_id("provision-submit").click()
    expect(error).to_contain_text("A school in this district already uses this code.")
    shot(page, "district-admin-en-phone")
    page.set_viewport_size(DESKTOP)
    shot(page, "district-admin-en-desktop")

    # language (localStorage) and session (sessionStorage) survive a reload
    page.reload()
    expect(schools.get_by_role("heading", name="Schools", exact=True)).to_be_visible()
    expect(school_row(page, code).get_by_test_id("school-status")).to_have_text("Active")
    page.set_viewport_size(PHONE)


def test_schools_page_loads_more_with_the_cursor(page: Page) -> None:
    def one_per_page(route: Route) -> None:
        route.continue_(url=route.request.url.replace("limit=20", "limit=1"))

    page.route(re.compile(r".*/districts/[^/]+/schools\?.*"), one_per_page)
    sign_in(page, "seed-d1-admin")
    rows = page.get_by_test_id("school-name")
    expect(rows).to_have_text(["东城第一实验小学"])
    page.get_by_test_id("schools-more").click()
    expect(rows).to_have_text(["东城第一实验小学", "东城育才小学"])


def test_teacher_sees_their_school_and_no_schools_admin_page(page: Page) -> None:
    sign_in(page, "seed-s1-teacher")
    expect(page.get_by_test_id("me-roles")).to_have_text("教师")
    expect(page.get_by_test_id("my-school-name")).to_have_text("东城第一实验小学")
    expect(page.get_by_test_id("my-school-status")).to_have_text("正常")
    expect(page.get_by_test_id("me-tenant")).to_contain_text("东城第一实验小学")
    expect(page.get_by_test_id("schools-page")).to_have_count(0)
    expect(page.get_by_test_id("provision-form")).to_have_count(0)
    shot(page, "teacher-zh-phone")

    page.get_by_test_id("signout").click()
    expect(page.get_by_test_id("signin-page")).to_be_visible()
    expect(page.get_by_test_id("notice")).to_have_text("您已退出登录。")
    assert page.evaluate("sessionStorage.getItem('kehou.token')") is None


def test_without_dev_signin_the_page_points_to_cognito(page: Page) -> None:
    page.route(
        "**/app/config.json",
        lambda route: route.fulfill(json={"issuer": "https://cognito.invalid", "dev_signin": False, "stage": "prod"}),
    )
    page.goto("/app")  # without the trailing slash too
    expect(page.get_by_test_id("signin-cognito")).to_contain_text("Cognito")
    expect(page.get_by_test_id("user-list")).to_have_count(0)
