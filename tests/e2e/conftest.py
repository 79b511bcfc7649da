"""End-to-end fixtures: the app served by ``chalice local`` on a free port, and headless Chromium.

The server is started the way ``make run`` does it (``devstack/__main__.py``'s ``serve()``): the
session's local stack, the seed data written through the real services, then ``chalice local`` in a
subprocess with the stack's environment. ``open_as`` gives a test several people side by side, each in a
browser context of their own; the API calls, tokens, a fresh school and screenshots are in helpers.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, ViewportSize, expect, sync_playwright

from devstack import processes, seed
from devstack.paths import ROOT
from devstack.stack import LocalStack, free_port
from tests.e2e.helpers import PHONE, RESULTS, OpenAs, sign_in

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

expect.set_options(timeout=10_000)


def _chalice() -> str:
    beside = Path(sys.executable).parent / "chalice"
    return str(beside if beside.exists() else ROOT / ".venv" / "bin" / "chalice")


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"chalice local exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=1) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"chalice local did not answer /health within {timeout}s:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="session")
def seeded(stack: LocalStack) -> LocalStack:
    """The session's stack with the devstack seed data (fixed ids; other tests use fresh ids)."""
    from chalicelib.api.container import Container

    container = Container(stack.settings, drain_inline=True)
    seed.seed(container)  # exactly as devstack/__main__.py serve()
    return stack


@pytest.fixture(scope="session")
def base_url(seeded: LocalStack) -> Iterator[str]:
    port = free_port()
    RESULTS.mkdir(exist_ok=True)
    log = RESULTS / f"chalice-local-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.log"  # kept for post-mortems
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [_chalice(), "local", "--port", str(port), "--host", "127.0.0.1", "--stage", "local", "--no-autoreload"],
            cwd=ROOT,
            env={**os.environ, **seeded.env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log)
        yield url
    finally:
        processes.stop(proc)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield b
    b.close()


@pytest.fixture
def context(browser: Browser, base_url: str) -> Iterator[BrowserContext]:
    ctx = browser.new_context(base_url=base_url, viewport=PHONE, locale="zh-CN")
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    yield p
    assert not errors, f"uncaught errors in the page: {errors}"


@pytest.fixture
def open_as(browser: Browser, base_url: str) -> Iterator[OpenAs]:
    """``open_as(token, sub, name, role, viewport=PHONE)``: a page in a new browser context of its own, signed in
    as that person; several people side by side, each with their own session. Uncaught page errors fail the test."""
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def open_page(tok: str, sub: str, name: str, role: str, viewport: ViewportSize = PHONE) -> Page:
        ctx = browser.new_context(base_url=base_url, viewport=viewport, locale="zh-CN")
        sign_in(ctx, tok, sub, name, role)
        contexts.append(ctx)
        page = ctx.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    yield open_page
    for ctx in contexts:
        ctx.close()
    assert not errors, f"uncaught errors in the pages: {errors}"
