"""Shared fixtures for browser tests: Playwright driving Debian's chromium against
pytest-django's ``live_server``.

Write a browser test like this::

    import pytest

    pytestmark = pytest.mark.browser

    def test_something(page, login, demo):
        login(page, "demo-koordinator", DEMO_PASSWORD)
        page.goto("/wilayah/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Wilayah")

Fixtures and helpers:

``page``
    A fresh Playwright page in its own browser context (own cookies, so every test starts
    logged out), ``base_url`` set to ``live_server.url`` (so ``page.goto("/akun/")``
    works), Indonesian as the browser's language, a 1280x800 viewport and 5-second
    timeouts. When the test fails, a full-page screenshot is saved in
    ``test-results/<test name>.png`` (the folder is ignored by git). Because the page uses
    ``live_server``, the test gets ``transactional_db``: the database is emptied after it.
``new_page(**context_options)``
    Another page in a fresh context, for a second person in the same test or another
    viewport, e.g. ``new_page(viewport={"width": 375, "height": 667})``; cleaned up and
    screenshotted like ``page``.
``login``
    ``login(page, username, password)`` logs in through the login form as a person does
    and waits until the page shows that person as logged in; it fails with the page's
    error message when the form refuses the login.
``demo``
    Loads the demo region (Kabupaten Purbalingga, its units and the demo accounts, all
    with the password ``DEMO_PASSWORD``) with ``call_command("demo")`` and returns the
    region. It is loaded per test: ``live_server`` empties the database after every test,
    so a module-wide load would not survive the first test (loading takes well under a
    second with the test password hasher).

When Debian's chromium is missing, every test that uses these fixtures is skipped with the
message below (``-rs``, set in pyproject.toml, prints it): nothing is skipped silently.
"""

import io
import os
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from labinov.demo.loader import DEMO_PASSWORD

# Playwright's sync API runs an asyncio event loop in the test's thread; Django refuses
# ORM calls from such a thread unless told that this is safe (it is: the loop only waits
# for the browser).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

__all__ = ["DEMO_PASSWORD"]

CHROMIUM_MISSING = "Debian chromium not found (apt-get install chromium): browser tests skipped"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 5_000


def chromium_path() -> str | None:
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    """One headless chromium for the whole run."""
    executable = chromium_path()
    if executable is None:
        pytest.skip(CHROMIUM_MISSING)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
    except Exception:
        playwright.stop()
        raise
    yield browser
    browser.close()
    playwright.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures know whether it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _failed(request) -> bool:
    return any(
        getattr(getattr(request.node, f"report_{when}", None), "failed", False)
        for when in ("setup", "call")
    )


@pytest.fixture
def new_page(browser, live_server, request):
    """Make pages in fresh browser contexts; screenshot them all when the test fails."""
    contexts = []

    def make(**options):
        options = {
            "base_url": live_server.url,
            "locale": "id-ID",
            "viewport": {"width": 1280, "height": 800},
            **options,
        }
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    if _failed(request):
        folder = Path(request.config.rootpath) / "test-results"
        folder.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::", 1)[-1])
        number = 0
        for context in contexts:
            for open_page in context.pages:
                suffix = f"-{number}" if number else ""
                number += 1
                try:
                    open_page.screenshot(path=folder / f"{name}{suffix}.png", full_page=True)
                except Exception as exc:  # a crashed page must not hide the test's failure
                    print(f"no screenshot of {open_page.url}: {exc}")
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A fresh page for one test (see the module docstring)."""
    return new_page()


@pytest.fixture
def login():
    """``login(page, username, password)``: log in through the login form."""
    from playwright.sync_api import expect

    def log_in(page, username, password):
        page.goto("/akun/masuk/")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(password)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        errors = page.locator(".error-summary, .error")
        if errors.count():
            raise AssertionError(
                f"login of {username} refused: {' / '.join(errors.all_inner_texts())}"
            )
        expect(page.locator(".site-header form button")).to_contain_text(username)
        return page

    return log_in


@pytest.fixture
def demo(transactional_db):
    """The demo region (Kabupaten Purbalingga) with its units and demo accounts."""
    from labinov.regions.models import Region

    call_command("demo", stdout=io.StringIO())
    return Region.objects.get(code="33.03")
