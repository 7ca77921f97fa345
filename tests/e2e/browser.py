"""What the browser tests share: logging in, finding headings and messages, axe checks."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.factories import TEST_PASSWORD

AXE = Axe()
BLOCKING_IMPACTS = {"serious", "critical"}


def mute_favicon(context: BrowserContext) -> None:
    """Answer the browser's own /favicon.ico requests without reaching Django.

    Pages link the SVG icon, but a download or a bare response still makes the browser ask for
    /favicon.ico: a 404 that runs the middleware (and its queries) on another server thread,
    sharing the in-memory SQLite connection with the next page.
    """
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))


def assert_accessible(page: Page) -> None:
    """axe-core finds nothing serious or critical on the page as it is now."""
    # A heading can show before the stylesheets have loaded; colours are judged once they have.
    page.wait_for_load_state("load")
    violations = [
        violation
        for violation in AXE.run(page).response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]
    found = "\n".join(
        f"  {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(
            f"    {' '.join(node['target'])}: "
            + " ".join(check["message"] for check in node["any"] + node["all"] + node["none"])
            for node in v["nodes"]
        )
        for v in violations
    )
    assert not violations, f"axe on {page.url}:\n{found}"


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def status_message(page: Page) -> Locator:
    return page.get_by_role("status")


def log_in(page: Page, email: str) -> None:
    page.goto("/")
    expect(heading(page)).to_have_text("Log in to the Advisor")
    assert_accessible(page)
    page.get_by_label("Email or username").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(heading(page)).to_have_text("Projects")
