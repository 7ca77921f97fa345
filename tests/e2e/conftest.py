"""Browser tests: pytest-playwright drives Debian's Chromium against pytest-django's live server."""

import os
import re
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Error, Page

from projects.models import Membership
from tests.e2e.browser import mute_favicon
from tests.factories import MembershipFactory

CHROMIUM = "/usr/bin/chromium"
# Downloading Playwright's own browsers is impossible here; these keep Debian's Chromium quiet
# (no sandbox in a container, no GPU, no calls home) so a run is fast and repeatable.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS_FOLDER = "test-results"


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright() -> Generator[None]:
    # Playwright's sync API runs an asyncio event loop in the test thread, so Django takes every
    # ORM call made there (creating the user, the flush between tests) for a call from async code
    # and raises SynchronousOnlyOperation. Nothing awaits while the ORM runs, so the check is moot.
    # Set for the rest of the session once a browser test runs (the loop lives that long), and
    # only then: a plain `make test` keeps Django's check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any], live_server: Any) -> dict[str, Any]:
    # Tests say page.goto("/clients/"); requesting live_server here also gives every browser test
    # a transactional database, which the server thread needs to see the test's data.
    return {**browser_context_args, "base_url": live_server.url}


@pytest.fixture(autouse=True)
def _quiet_browser(context: BrowserContext) -> None:
    mute_favicon(context)


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    # Generated PDFs go to a throwaway folder; the live server's thread reads the same settings.
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def anonymous_context(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    """A second browser with no cookies: someone who received a link by email."""
    context = new_context()
    mute_favicon(context)
    return context


@pytest.fixture
def admin(transactional_db: None) -> Membership:
    """Ann, the admin of an agency with nothing in it yet; she logs in with her email."""
    return MembershipFactory(
        user__email="ann@northwind-ai.example",
        organization__name="Northwind AI",
        role=Membership.Role.ADMIN,
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None]:
    """Keep a screenshot and the HTML of the page a failed test was looking at."""
    outcome = yield
    report = outcome.get_result()
    page: Page | None = getattr(item, "funcargs", {}).get("page")
    if report.when != "call" or not report.failed or page is None or page.is_closed():
        return
    folder = item.config.rootpath / ARTIFACTS_FOLDER / re.sub(r"[^\w.-]+", "-", item.nodeid)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=folder / "screenshot.png", full_page=True)
        (folder / "page.html").write_text(page.content(), encoding="utf-8")
    except Error as error:
        report.sections.append(("e2e artifacts", f"Could not save the page: {error}"))
    else:
        report.sections.append(("e2e artifacts", f"Page at {page.url} saved in {folder}"))
