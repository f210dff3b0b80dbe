"""One live server (the demo world) and one headless Chromium for all the console's browser tests.

The browser is the system Chromium (Debian's ``chromium``; ``MOCKCASA_CHROMIUM`` names another),
driven by Playwright for Python without its own browser download. Without one the browser tests
are skipped, and the reason is printed in the summary (``-rs``). ``MOCKCASA_SCREENSHOTS=docs``
writes the screenshots into ``docs/`` (the README's pictures); otherwise they go to a temp folder.
"""

from __future__ import annotations

import json
import os
import shutil
import urllib.request
from pathlib import Path

import pytest

from mockcasa.config import Settings
from mockcasa.testing.live import LiveServer

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "console-test-token"
DEMO_KEY = "cc_test_demo_key"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium() -> str | None:
    named = os.environ.get("MOCKCASA_CHROMIUM")
    if named:
        return named if os.access(named, os.X_OK) else None
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def console_server():
    server = LiveServer(Settings(port=0, admin_token=TOKEN, seeds=[ROOT / "seeds" / "demo.yaml"],
                                 webhook_retry_delay=0.01))
    with server:
        yield server


@pytest.fixture(scope="module")
def browser():
    """Module-scoped: Playwright's sync API runs an event loop in this thread while it is open, which
    the suite's async tests (pytest-asyncio) must not find running."""
    executable = chromium()
    if executable is None:
        pytest.skip("console browser tests: no Chromium found (apt-get install chromium, or set MOCKCASA_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("console browser tests: playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def signed_in_state(browser, console_server) -> dict:
    """A browser's storage state after signing in with the admin token (reused by every test)."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(console_server.url + "/_mockcasa/console/")
    page.get_by_label("Admin token").fill(TOKEN)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/_mockcasa/console/")
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture
def page(browser, signed_in_state):
    from playwright.sync_api import expect

    expect.set_options(timeout=10_000)
    context = browser.new_context(storage_state=signed_in_state, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.dialogs = dialogs
    yield page
    context.close()


@pytest.fixture(scope="session")
def shots(tmp_path_factory) -> Path:
    """Where screenshots go: docs/ when MOCKCASA_SCREENSHOTS=docs, else a temp folder."""
    return ROOT / "docs" if os.environ.get("MOCKCASA_SCREENSHOTS") == "docs" else tmp_path_factory.mktemp("shots")


def api(server, method: str, path: str, key: str, body: dict | None = None, headers: dict | None = None) -> dict:
    """A partner's plain HTTP call to the live server's public API (what curl would send)."""
    request = urllib.request.Request(f"{server.url}/api/v1/{path}", method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"x-api-key": key, "Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


@pytest.fixture
def fresh_org(console_server):
    """``fresh_org(records)``: a new organization, clock frozen at 2026-05-19, with these seed records
    (``api_revision``: the revision it is served, default the server's)."""
    made = []

    def make(records: dict | None = None, name: str = "Console Test Studio",
             api_revision: str | None = None) -> tuple[str, str]:
        revision = {"apiRevision": api_revision} if api_revision else {}
        created = console_server.admin.post("/organizations", {
            "name": name, "clock": {"freezeAt": "2026-05-19T10:00:00Z"}, "records": records or {}, **revision})
        made.append(created["organization"]["id"])
        return created["organization"]["id"], created["apiKey"]["key"]
    yield make
    for org_id in made:
        console_server.remove_org(org_id)
