"""The school admin's pages at /app/ in a real browser, on a freshly provisioned school: roster import
(the per-row error report writes nothing, then counts, then a no-op re-import), providers (register,
approve, suspend, reactivate), the program editor (a new term, services, two activities, exact yuan→fen,
the R8 tutoring refusal, save, publish → version 1 and the public notice), and the agreement template
(placeholders, preview, version). A teacher of the same school sees none of these tabs."""

from __future__ import annotations

import re
import urllib.parse
import uuid

import pytest
from playwright.sync_api import BrowserContext, FilePayload, Page, Route, expect

from devstack.stack import LocalStack
from tests.e2e.helpers import (
    DESKTOP,
    PHONE,
    Api,
    fill_activity,
    mint_token,
    new_district,
    provision_school,
    reason_form,
    request,
    shot,
    sign_in,
)

pytestmark = pytest.mark.e2e

HEADER = "学号,姓名,年级,班级,班主任账号,班主任,监护人1姓名,监护人1关系,监护人1手机"
GOOD_ROWS = [
    "A-0301,赵一,3,三年级1班,e2e-teacher-a,钱老师,赵爸爸,父亲,13800000101",
    "A-0302,孙二,3,三年级1班,e2e-teacher-a,钱老师,孙妈妈,母亲,13800000102",
    "A-0401,周三,4,四年级2班,,,周奶奶,祖父母,13800000103",
]
ADMIN_TABS = ["nav-roster", "nav-providers", "nav-program-editor", "nav-agreement-template"]


@pytest.fixture
def school(base_url: str, seeded: LocalStack) -> dict[str, str]:
    """A new district and school provisioned through the API, with a school admin's and a teacher's token."""
    iss = seeded.settings.oidc_issuer
    api = Api(base_url)
    made = provision_school(
        api,
        iss,
        new_district(api, iss, "测试区教育局"),
        name="测试实验小学",
        code=f"E2E-{uuid.uuid4().hex[:6].upper()}",
        address="北京市东城区测试路2号",
        principal="测试校长",
    )
    school_id = made["id"]
    return {
        "id": school_id,
        "name": made["name"],
        "admin": mint_token(iss, f"e2e-admin-{school_id[-6:]}", "school_admin", tenant=school_id),
        "teacher": mint_token(iss, "e2e-teacher-a", "teacher", tenant=school_id),
    }


def csv_file(rows: list[str]) -> FilePayload:
    content = ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")
    return {"name": "花名册.csv", "mimeType": "text/csv", "buffer": content}


def open_tab(page: Page, testid: str) -> None:
    page.get_by_test_id(testid).click()
    expect(page.get_by_test_id(testid)).to_have_attribute("aria-current", "page")


def test_school_admin_imports_registers_edits_publishes_and_writes_the_agreement(
    page: Page, context: BrowserContext, school: dict[str, str], base_url: str
) -> None:
    sid, admin = school["id"], school["admin"]
    sign_in(context, admin, f"e2e-admin-{sid[-6:]}", "测试校长", "school_admin")
    page.goto("/app/#/roster")
    for tab in ADMIN_TABS:
        expect(page.get_by_test_id(tab)).to_be_visible()
    expect(page.get_by_test_id("nav-roster")).to_have_text("学生名册")
    expect(page.get_by_role("heading", name="学生名册", exact=True)).to_be_visible()
    expect(page.get_by_test_id("roster-classes-empty")).to_be_visible()

    # the template link carries the importer's exact header (UTF-8 with a BOM for Excel)
    href = page.get_by_test_id("roster-template").get_attribute("href") or ""
    template = urllib.parse.unquote(href.split(",", 1)[1])
    assert template.lstrip("\ufeff").splitlines()[0].startswith(HEADER)

    # a file with a bad row: the report names row 3 and the column; nothing is written
    bad = [GOOD_ROWS[0], GOOD_ROWS[1].replace("13800000102", "12345"), GOOD_ROWS[2]]
    page.get_by_test_id("roster-file").set_input_files(csv_file(bad))
    page.get_by_test_id("roster-import-submit").click()
    errors = page.get_by_test_id("roster-import-errors")
    expect(errors).to_be_visible()
    expect(page.get_by_test_id("roster-error-row")).to_have_count(1)
    row = page.get_by_test_id("roster-error-row").first
    expect(row).to_have_attribute("data-row", "3")
    expect(row.get_by_test_id("roster-error-rownum")).to_have_text("3")
    expect(row.get_by_test_id("roster-error-column")).to_have_text("监护人1手机")
    expect(row.get_by_test_id("roster-error-reason")).not_to_be_empty()
    expect(page.get_by_test_id("roster-nothing-written")).to_contain_text("没有写入任何数据")
    expect(page.get_by_test_id("roster-import-error")).to_have_attribute("data-error-code", "roster_import_invalid")
    expect(page.get_by_test_id("roster-import-error")).to_be_focused()
    expect(page.get_by_test_id("roster-classes-empty")).to_be_visible()
    assert request(base_url, "GET", f"/schools/{sid}/classes", admin)[1]["items"] == []
    shot(page, "admin-roster-errors-zh-phone")

    # the fixed file: counts; the classes appear
    page.get_by_test_id("roster-file").set_input_files(csv_file(GOOD_ROWS))
    page.get_by_test_id("roster-import-submit").click()
    result = page.get_by_test_id("roster-import-result")
    expect(result).to_be_visible()
    expect(result).to_be_focused()
    expect(page.get_by_test_id("roster-count-created")).to_have_text("3")
    expect(page.get_by_test_id("roster-count-classes_created")).to_have_text("2")
    expect(page.get_by_test_id("roster-count-unchanged")).to_have_text("0")
    expect(page.get_by_test_id("roster-import-time")).to_have_text(re.compile(r"用时 \d+\.\d 秒"))
    expect(page.get_by_test_id("roster-import-errors")).to_have_count(0)
    expect(page.get_by_test_id("roster-class-row")).to_have_count(2)
    third = page.locator('[data-testid="roster-class-row"][data-class-name="三年级1班"]')
    expect(third.get_by_test_id("roster-class-teacher")).to_have_text("钱老师")
    # student counts come with the class list (kept by the API), before any class is opened
    expect(third.get_by_test_id("roster-class-student-count")).to_have_attribute("data-count", "2")
    expect(third.get_by_test_id("roster-class-student-count")).to_have_text("2 名学生")
    expect(page.get_by_test_id("roster-class-count")).to_have_text("共 2 个班级、3 名学生")

    # the same file again changes nothing; while the request runs, a spinner and a disabled button
    held: list[Route] = []

    def hold(route: Route) -> None:
        held.append(route)

    page.route("**/roster/import", hold)
    page.get_by_test_id("roster-import-submit").click()
    expect(page.get_by_test_id("roster-import-busy")).to_be_visible()
    expect(page.get_by_test_id("roster-import-submit")).to_be_disabled()
    expect(page.get_by_test_id("roster-import-submit")).to_have_attribute("aria-busy", "true")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    shot(page, "admin-roster-busy-zh-phone")
    held[0].continue_()
    page.unroute("**/roster/import", hold)
    expect(page.get_by_test_id("roster-import-busy")).to_have_count(0)
    expect(page.get_by_test_id("roster-count-unchanged")).to_have_text("3")
    expect(page.get_by_test_id("roster-count-created")).to_have_text("0")
    expect(page.get_by_test_id("roster-count-updated")).to_have_text("0")

    # a class's students, phones as the API gives them to the school admin
    third.get_by_test_id("roster-class-students").click()
    expect(third.get_by_test_id("roster-student-row")).to_have_count(2)
    expect(third.get_by_test_id("roster-student-name").first).to_have_text("赵一")
    expect(third.get_by_test_id("roster-student-guardians").first).to_contain_text("赵爸爸（父亲）")
    expect(third.get_by_test_id("roster-class-students")).to_have_attribute("aria-expanded", "true")
    shot(page, "admin-roster-zh-phone")

    # providers: register (pending), approve, suspend with a reason, reactivate
    open_tab(page, "nav-providers")
    expect(page.get_by_test_id("providers-empty")).to_be_visible()
    page.get_by_test_id("provider-create").click()
    expect(page.get_by_test_id("provider-name-error")).to_have_text("此项必填。")
    expect(page.get_by_test_id("provider-name")).to_be_focused()
    page.get_by_test_id("provider-name").fill("青苗体育培训中心")
    page.get_by_test_id("provider-licence").fill("91110101MA01ABCD3X")
    page.get_by_test_id("provider-contact-name").fill("张经理")
    page.get_by_test_id("provider-contact-phone").fill("1381234")
    page.get_by_test_id("provider-create").click()
    expect(page.get_by_test_id("provider-contact-phone-error")).to_be_visible()
    page.get_by_test_id("provider-contact-phone").fill("13812340000")
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith("/providers")) as posted:
        page.get_by_test_id("provider-create").click()
    assert re.fullmatch(r"[0-9a-f-]{36}", posted.value.headers.get("idempotency-key", ""))
    prow = page.get_by_test_id("provider-row")
    expect(prow).to_have_count(1)
    provider_id = prow.get_attribute("data-provider-id") or ""
    assert re.fullmatch(r"[0-9A-Z]{26}", provider_id)
    expect(prow.get_by_test_id("provider-status")).to_have_attribute("data-status", "pending")
    expect(prow.get_by_test_id("provider-status")).to_have_text("待审核")
    expect(prow.get_by_test_id("provider-row-licence")).to_have_text("91110101MA01ABCD3X")
    expect(prow.get_by_test_id("provider-row-contact")).to_contain_text("张经理")
    expect(prow.get_by_test_id("provider-row-phone")).to_have_text("138****0000")  # lists mask, the admin's too
    expect(page.get_by_test_id("provider-name")).to_have_value("")
    prow.get_by_test_id("provider-approve").click()
    expect(prow.get_by_test_id("provider-status")).to_have_attribute("data-status", "approved")
    expect(page.get_by_test_id("providers-status")).to_contain_text("已批准")
    prow.get_by_test_id("provider-suspend").click()
    reason_form(
        page, field="provider-reason", confirm="provider-suspend-confirm", missing="此项必填。", reason="安全检查未通过"
    )
    expect(prow.get_by_test_id("provider-status")).to_have_attribute("data-status", "suspended")
    expect(prow.get_by_test_id("provider-status-reason")).to_contain_text("安全检查未通过")
    expect(prow.get_by_test_id("provider-approve")).to_have_count(0)
    prow.get_by_test_id("provider-reactivate").click()
    expect(prow.get_by_test_id("provider-status")).to_have_attribute("data-status", "approved")
    expect(prow.get_by_test_id("provider-suspend")).to_be_visible()
    shot(page, "admin-providers-zh-phone")

    # one provider opened: the full phone (GET one provider), its history, and an edit with If-Match
    prow.get_by_test_id("provider-open").click()
    detail = page.get_by_test_id("provider-detail")
    expect(detail.get_by_test_id("provider-detail-phone")).to_have_text("13812340000")
    expect(detail.get_by_test_id("provider-detail-phone")).to_have_attribute("data-masked", "false")
    expect(detail.get_by_test_id("provider-history-row")).to_have_count(3)
    expect(detail.get_by_test_id("provider-history-row").first).to_contain_text("已暂停 → 已批准")
    expect(page.get_by_test_id("provider-edit-contact-phone")).to_have_value("13812340000")
    page.get_by_test_id("provider-edit-contact-phone").fill("010-1234")
    page.get_by_test_id("provider-edit-save").click()
    expect(page.get_by_test_id("provider-edit-contact-phone-error")).to_be_visible()
    page.get_by_test_id("provider-edit-contact-phone").fill("13812340000")
    page.get_by_test_id("provider-edit-contact-name").fill("李经理")
    page.get_by_test_id("provider-edit-save").click()
    expect(page.get_by_test_id("provider-edit-status")).to_have_text("已保存“青苗体育培训中心”的修改。")
    expect(prow.get_by_test_id("provider-row-contact")).to_contain_text("李经理")
    expect(prow.get_by_test_id("provider-row-phone")).to_have_text("138****0000")
    shot(page, "admin-provider-detail-zh-phone")
    page.get_by_test_id("provider-edit-close").click()
    expect(page.get_by_test_id("provider-detail")).to_have_count(0)
    expect(prow.get_by_test_id("provider-open")).to_be_focused()
    status, stored = request(base_url, "GET", f"/schools/{sid}/providers/{provider_id}", admin)
    assert status == 200 and (stored["contact_name"], stored["version"]) == ("李经理", 5)

    # program editor: a new term, services, two activities (one by the provider)
    open_tab(page, "nav-program-editor")
    expect(page.get_by_test_id("program-terms-empty")).to_be_visible()
    page.get_by_test_id("term-create-name").fill("2031秋季学期")
    page.get_by_test_id("term-create-start").fill("2031-09-01")
    page.get_by_test_id("term-create-end").fill("2031-08-01")
    page.get_by_test_id("term-create-submit").click()
    expect(page.get_by_test_id("term-create-end-error")).to_be_visible()
    page.get_by_test_id("term-create-end").fill("2032-01-15")
    # 国庆节 and its 调休 in the same form; a make-up day on a weekday is refused on the page
    page.get_by_test_id("term-create-holiday-add").click()
    expect(page.get_by_test_id("term-create-holiday-0-name")).to_be_focused()
    page.get_by_test_id("term-create-holiday-0-name").fill("国庆节")
    page.get_by_test_id("term-create-holiday-0-start").fill("2031-10-01")
    page.get_by_test_id("term-create-holiday-0-end").fill("2031-10-07")
    page.get_by_test_id("term-create-makeup-add").click()
    page.get_by_test_id("term-create-makeup-0-name").fill("国庆调休")
    page.get_by_test_id("term-create-makeup-0-date").fill("2031-09-29")
    page.get_by_test_id("term-create-makeup-0-weekday").select_option("3")
    page.get_by_test_id("term-create-submit").click()
    expect(page.get_by_test_id("term-create-makeup-0-date-error")).to_have_text("调休上课日须是周六或周日。")
    expect(page.get_by_test_id("term-create-makeup-0-date")).to_be_focused()
    page.get_by_test_id("term-create-makeup-0-date").fill("2031-09-28")
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith("/terms")) as posted:
        page.get_by_test_id("term-create-submit").click()
    assert posted.value.headers.get("idempotency-key")
    expect(page.get_by_test_id("term-create-status")).to_contain_text("2031秋季学期")
    expect(page.get_by_test_id("program-term").locator("option:checked")).to_contain_text("2031秋季学期")
    term_id = page.get_by_test_id("program-term").input_value()
    # the term's calendar: service days, the weekdays 国庆节 closes, and the 调休 Sunday
    expect(page.get_by_test_id("term-service-days")).to_have_attribute("data-count", "95")
    expect(page.get_by_test_id("term-closed-row")).to_have_count(1)
    expect(page.get_by_test_id("term-closed-row")).to_have_attribute("data-days", "5")
    expect(page.get_by_test_id("term-closed-row")).to_contain_text("国庆节")
    expect(page.get_by_test_id("term-makeup-row")).to_contain_text("国庆调休")
    expect(page.get_by_test_id("term-makeup-row")).to_contain_text("（周日）按周三课表")

    # change the term: a holiday outside it is refused by the API and shown on its row; 元旦 fits
    page.get_by_test_id("term-edit-open").click()
    expect(page.get_by_test_id("term-edit-name")).to_be_focused()
    expect(page.get_by_test_id("term-edit-holiday")).to_have_count(1)
    expect(page.get_by_test_id("term-edit-makeup-0-weekday")).to_have_value("3")
    page.get_by_test_id("term-edit-holiday-add").click()
    page.get_by_test_id("term-edit-holiday-1-name").fill("元旦")
    page.get_by_test_id("term-edit-holiday-1-start").fill("2032-02-01")
    page.get_by_test_id("term-edit-holiday-1-end").fill("2032-02-01")
    page.get_by_test_id("term-edit-submit").click()
    expect(page.get_by_test_id("term-edit-holiday-1-row-error")).to_have_text("节假日须在学期日期之内。")
    expect(page.get_by_test_id("term-edit-error")).to_have_attribute("data-error-code", "validation_error")
    shot(page, "admin-term-edit-zh-phone")
    page.get_by_test_id("term-edit-holiday-1-start").fill("2032-01-01")
    page.get_by_test_id("term-edit-holiday-1-end").fill("2032-01-01")
    page.get_by_test_id("term-edit-submit").click()
    expect(page.get_by_test_id("term-edit-status")).to_contain_text("2031秋季学期")
    expect(page.get_by_test_id("term-edit-form")).to_have_count(0)
    expect(page.get_by_test_id("term-service-days")).to_have_attribute("data-count", "94")
    expect(page.get_by_test_id("term-closed-row")).to_have_count(2)
    status, stored_term = request(base_url, "GET", f"/schools/{sid}/terms/{term_id}", admin)
    assert status == 200 and stored_term["version"] == 2
    assert [x["name"] for x in stored_term["holidays"]] == ["国庆节", "元旦"]
    assert stored_term["make_up_days"] == [{"date": "2031-09-28", "runs_weekday": 3, "name": "国庆调休"}]
    expect(page.get_by_test_id("program-version")).to_have_attribute("data-version", "0")
    expect(page.get_by_test_id("program-activities-empty")).to_be_visible()

    page.get_by_test_id("service-care-enabled").click()
    expect(page.get_by_test_id("service-care-basis")).to_have_value("free")
    page.get_by_test_id("service-lunch-enabled").click()
    page.get_by_test_id("service-lunch-price").fill("15.5")
    page.get_by_test_id("program-safety").fill("专人看管，按时清点人数。")
    expect(page.get_by_test_id("program-dirty")).to_be_visible()
    expect(page.get_by_test_id("program-publish")).to_be_disabled()

    page.get_by_test_id("program-add-activity").click()
    expect(page.get_by_test_id("activity-name")).to_be_focused()
    fill_activity(
        page,
        name="校园足球",
        category="sports",
        provider="school",
        grades=[3, 4],
        weekdays=[2, 4],
        venue="操场",
        capacity="30",
        fee="0",
        basis="free",
        staff="刘老师, 王老师",
    )
    page.get_by_test_id("activity-save").click()
    expect(page.get_by_test_id("program-activity")).to_have_count(1)

    page.get_by_test_id("program-add-activity").click()
    provider_options = page.get_by_test_id("activity-provider").locator("option")
    expect(provider_options).to_have_count(2)  # the school and the one approved provider
    fill_activity(
        page,
        name="少儿篮球",
        category="sports",
        provider=provider_id,
        grades=[4],
        weekdays=[3],
        venue="体育馆",
        capacity="20",
        fee="12.345",
        basis="per_session",
    )
    page.get_by_test_id("activity-save").click()
    expect(page.get_by_test_id("activity-fee-error")).to_have_text("金额最多精确到分（两位小数）。")
    expect(page.get_by_test_id("activity-fee")).to_be_focused()
    shot(page, "admin-activity-form-zh-phone")
    page.get_by_test_id("activity-fee").fill("12.5")
    page.get_by_test_id("activity-save").click()
    expect(page.get_by_test_id("program-activity")).to_have_count(2)
    basketball = page.locator('[data-testid="program-activity"][data-activity-name="少儿篮球"]')
    expect(basketball.get_by_test_id("program-activity-fee")).to_have_text("¥12.50/次")
    expect(basketball.get_by_test_id("program-activity-provider")).to_have_text("青苗体育培训中心")

    # R8: a tutoring class is refused by the API and shown on that activity; nothing is saved
    page.get_by_test_id("program-add-activity").click()
    fill_activity(
        page,
        name="奥数培优班",
        category="other_enrichment",
        provider="school",
        grades=[5],
        weekdays=[5],
        venue="五年级教室",
        capacity="40",
        fee="0",
        basis="free",
    )
    page.get_by_test_id("activity-save").click()
    page.get_by_test_id("program-save").click()
    tutoring = page.locator('[data-testid="program-activity"][data-activity-name="奥数培优班"]')
    expect(tutoring.get_by_test_id("program-activity-error")).to_contain_text("不得开设学科类补习或超前教学（培优）")
    expect(page.get_by_test_id("program-save-error")).to_have_attribute("data-error-code", "validation_error")
    expect(page.get_by_test_id("program-version")).to_have_attribute("data-version", "0")
    tutoring.get_by_test_id("program-activity-remove").click()
    expect(page.get_by_test_id("program-activity")).to_have_count(2)

    page.get_by_test_id("program-save").click()
    expect(page.get_by_test_id("program-save-status")).to_be_visible()
    expect(page.get_by_test_id("program-version")).to_have_attribute("data-version", "1")
    expect(page.get_by_test_id("program-dirty")).to_have_count(0)
    status, draft = request(base_url, "GET", f"/schools/{sid}/terms/{term_id}/program", admin)
    assert status == 200 and draft["version"] == 1
    assert {s["kind"]: s for s in draft["services"]}["lunch"]["price_per_day_fen"] == 1550
    fees = {a["name"]: (a["fee_fen"], a["fee_basis"], a["provider"]) for a in draft["activities"]}
    assert fees == {"校园足球": (0, "free", "school"), "少儿篮球": (1250, "per_session", provider_id)}
    assert next(a for a in draft["activities"] if a["name"] == "校园足球")["staff"] == ["刘老师", "王老师"]

    # a provider suspended meanwhile keeps the program from being published: the problem sits on its activity
    reason = {"status": "suspended", "reason": "资质复核"}
    assert request(base_url, "POST", f"/schools/{sid}/providers/{provider_id}/status", admin, reason)[0] == 200
    page.get_by_test_id("program-publish").click()
    expect(page.get_by_test_id("program-publish-error")).to_have_attribute("data-error-code", "program_not_publishable")
    expect(basketball.get_by_test_id("program-activity-error")).to_have_text("该服务机构尚未获批准，不能公示。")
    expect(page.get_by_test_id("program-latest-published")).to_have_count(0)
    reason = {"status": "approved", "reason": "复核通过"}
    assert request(base_url, "POST", f"/schools/{sid}/providers/{provider_id}/status", admin, reason)[0] == 200

    # publish: version 1, the public notice lists both activities
    page.get_by_test_id("program-publish").click()
    published = page.get_by_test_id("program-published")
    expect(published).to_have_attribute("data-version", "1")
    expect(published).to_contain_text("已公示第 1 版")
    expect(published).to_be_focused()
    expect(page.get_by_test_id("program-latest-published")).to_have_attribute("data-version", "1")
    expect(page.get_by_test_id("program-version-row")).to_have_count(1)
    expect(page.get_by_test_id("program-version-row")).to_have_attribute("data-activities", "2")
    expect(page.get_by_test_id("program-version-facts")).to_contain_text("2 项活动 · 公示人：本人")
    link = page.get_by_test_id("program-public-link").get_attribute("href") or ""
    assert f"/public/schools/{sid}/program/page" in link
    notice = page.request.get(link)
    assert notice.status == 200
    html = notice.text()
    assert "校园足球" in html and "少儿篮球" in html and "青苗体育培训中心" in html
    expect(basketball.get_by_test_id("program-activity-error")).to_have_count(0)
    page.get_by_test_id("program-version-view").click()
    expect(page.get_by_test_id("program-version-row")).to_contain_text("少儿篮球")
    shot(page, "admin-program-zh-phone")
    page.set_viewport_size(DESKTOP)
    shot(page, "admin-program-zh-desktop")
    page.set_viewport_size(PHONE)
    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_test_id("nav-program-editor")).to_have_text("Program")
    expect(basketball.get_by_test_id("program-activity-fee")).to_have_text("¥12.50/session")
    shot(page, "admin-program-en-phone")
    page.get_by_test_id("lang-toggle").click()

    # agreement template: a starter text, placeholders inserted at the cursor, preview, version 1
    open_tab(page, "nav-agreement-template")
    expect(page.get_by_test_id("template-term")).to_have_value(term_id)
    expect(page.get_by_test_id("template-missing")).to_be_visible()
    expect(page.get_by_test_id("template-version")).to_have_attribute("data-version", "0")
    expect(page.get_by_test_id("template-placeholder")).to_have_count(10)
    expect(page.get_by_test_id("template-preview")).to_contain_text("王小明")  # the starter text, filled with samples
    shot(page, "admin-template-starter-zh-phone")
    text = page.get_by_test_id("template-text")
    text.fill("{{school_name}}与{{guardian_name}}签订协议：{{bogus}}")
    expect(page.get_by_test_id("template-unknown")).to_contain_text("{{bogus}}")
    page.get_by_test_id("template-save").click()
    expect(page.get_by_test_id("template-save-error")).to_be_visible()
    expect(page.get_by_test_id("template-version")).to_have_attribute("data-version", "0")
    text.fill("学生：")
    page.locator('[data-testid="template-placeholder"][data-placeholder="student_name"]').click()
    text.press("End")
    text.press_sequentially("，学期：")
    page.locator('[data-testid="template-placeholder"][data-placeholder="term_name"]').click()
    expect(text).to_have_value("学生：{{student_name}}，学期：{{term_name}}")
    expect(page.get_by_test_id("template-unknown")).to_have_count(0)
    expect(page.get_by_test_id("template-preview")).to_have_text("学生：王小明，学期：2031秋季学期")
    page.get_by_test_id("template-save").click()
    expect(page.get_by_test_id("template-save-status")).to_contain_text("第 1 版")
    expect(page.get_by_test_id("template-version")).to_have_attribute("data-version", "1")
    expect(page.get_by_test_id("template-version")).to_have_text("当前版本：第 1 版")
    status, saved = request(base_url, "GET", f"/schools/{sid}/terms/{term_id}/agreement-template", admin)
    assert status == 200 and saved["version"] == 1 and saved["placeholders"] == ["student_name", "term_name"]
    shot(page, "admin-template-zh-phone")


def test_a_teacher_does_not_see_the_admin_tabs(page: Page, context: BrowserContext, school: dict[str, str]) -> None:
    sign_in(context, school["teacher"], "e2e-teacher-a", "钱老师", "teacher")
    page.goto("/app/#/roster")
    expect(page.get_by_test_id("me-roles")).to_have_text("教师")
    for tab in ADMIN_TABS:
        expect(page.get_by_test_id(tab)).to_have_count(0)
    expect(page.get_by_test_id("roster-page")).to_have_count(0)
    page.goto("/app/#/program-editor")
    expect(page.get_by_test_id("me-card")).to_be_visible()
    expect(page.get_by_test_id("program-page")).to_have_count(0)
