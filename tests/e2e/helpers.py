"""What the browser tests share: the API over plain HTTP, tokens from the local issuer, a fresh school, a browser
context signed in as somebody (the way the sign-in page leaves it: the token in sessionStorage) and screenshots.

The people of a test act through the API for the steps another page covers, and through the pages for theirs.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any

from playwright.sync_api import BrowserContext, Locator, Page, ViewportSize, expect

from devstack import issuer
from devstack.paths import ROOT

RESULTS = ROOT / "test-results"
PHONE = ViewportSize(width=375, height=812)
DESKTOP = ViewportSize(width=1280, height=900)

# conftest's open_as fixture: open_as(token, sub, name, role, viewport=PHONE) -> a signed-in page of its own
OpenAs = Callable[..., Page]


# ---------------------------------------------------------------------------------------------
# the API


def request(
    base_url: str, method: str, path: str, token: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    """One call with a bearer token: (status, decoded JSON body), error statuses included."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"{base_url}{path}", data=data, method=method)
    req.add_header("Authorization", f"Bearer {token}")
    req.add_header("Accept", "application/json")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


class Api:
    """The API for a test's setup: each call must succeed (a failed setup says which call and why)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def __call__(
        self, method: str, path: str, token: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> Any:
        status, data = request(self.base_url, method, path, token, body, headers)
        if status >= 400:
            raise AssertionError(f"{method} {path} -> {status}: {data}")
        return data


def mint_token(iss: str, sub: str, role: str, **claims: Any) -> str:
    """A token from the local issuer for one role (`tenant`, `district` and `phone` as claims)."""
    return issuer.mint(iss, sub=sub, roles=[role], **claims)


def new_district(api: Api, iss: str, name: str) -> str:
    """A district created by a platform admin; its id."""
    district: str = api("POST", "/districts", mint_token(iss, "e2e-platform", "platform_admin"), {"name": name})["id"]
    return district


def provision_school(
    api: Api, iss: str, district: str, *, name: str, code: str, address: str, principal: str
) -> dict[str, Any]:
    """A school provisioned by its district admin (with an Idempotency-Key, as the page sends one); the school."""
    district_admin = mint_token(iss, f"e2e-da-{district[-6:]}", "district_admin", district=district)
    body = {
        "name": name,
        "code": code,
        "address": address,
        "first_admin": {"name": principal, "email": f"p{uuid.uuid4().hex[:6]}@example.cn"},
    }
    made = api("POST", f"/districts/{district}/schools", district_admin, body, {"Idempotency-Key": uuid.uuid4().hex})
    school: dict[str, Any] = made["school"]
    return school


# ---------------------------------------------------------------------------------------------
# the browser


def sign_in(context: BrowserContext, tok: str, sub: str, name: str, role: str) -> None:
    """Every page of the context starts signed in, as after the sign-in page (about:blank has no storage)."""
    user = json.dumps({"sub": sub, "name": name, "role": role}, ensure_ascii=False)
    context.add_init_script(
        "if (location.protocol.startsWith('http')) {"
        f"sessionStorage.setItem('kehou.token', {json.dumps(tok)});"
        f"sessionStorage.setItem('kehou.user', {json.dumps(user)});"
        "}"
    )


def shot(page: Page, name: str) -> None:
    """A full-page screenshot in test-results/<name>.png."""
    page.evaluate("window.scrollTo(0, 0)")  # else the sticky top bar lands mid-page in a full-page shot
    page.screenshot(path=str(RESULTS / f"{name}.png"), full_page=True)


# ---------------------------------------------------------------------------------------------
# steps more than one page takes


def reason_form(scope: Page | Locator, *, field: str, confirm: str, missing: str, reason: str) -> None:
    """An inline form that needs a reason (suspend, reject): confirmed empty it says `missing` under the focused
    field; with `reason` it goes through."""
    expect(scope.get_by_test_id(field)).to_be_focused()
    scope.get_by_test_id(confirm).click()
    expect(scope.get_by_test_id(f"{field}-error")).to_have_text(missing)
    scope.get_by_test_id(field).fill(reason)
    scope.get_by_test_id(confirm).click()


def fill_activity(
    page: Page,
    *,
    name: str,
    category: str,
    provider: str,
    grades: list[int],
    weekdays: list[int],
    venue: str,
    capacity: str,
    fee: str,
    basis: str,
    staff: str = "",
) -> None:
    """The program editor's activity form, filled in (period 2)."""
    page.get_by_test_id("activity-name").fill(name)
    page.get_by_test_id("activity-category").select_option(category)
    page.get_by_test_id("activity-provider").select_option(provider)
    for g in grades:
        page.get_by_test_id(f"activity-grade-{g}").check()
    for d in weekdays:
        page.get_by_test_id(f"activity-weekday-{d}").check()
    page.get_by_test_id("activity-period").select_option("2")
    page.get_by_test_id("activity-venue").fill(venue)
    page.get_by_test_id("activity-capacity").fill(capacity)
    page.get_by_test_id("activity-fee-basis").select_option(basis)
    page.get_by_test_id("activity-fee").fill(fee)
    page.get_by_test_id("activity-staff").fill(staff)
