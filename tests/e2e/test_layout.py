"""Every main page as the demo user sees it, on a phone (390 px wide) and a laptop (1366 px):
nothing runs off the side of the screen, and axe finds nothing serious on the phone."""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page, expect

from advisor.demo import DEMO_EMAIL, DEMO_PASSWORD, demo_seed
from advisor.models import Assessment
from advisor.questionnaire import STEPS
from advisor.services import assessment_start
from projects.models import Membership, Organization, Project
from projects.services import invitation_send
from reports.services import report_draft, report_finalise, share_link_create
from tests.e2e.browser import assert_accessible, heading, mute_favicon

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}

# Everything on the page that sticks out of the window, except inside what is meant to scroll
# sideways (a wide table in .table-responsive). Each as "tag.class right-edge".
OVERFLOWING = """() => [...document.body.querySelectorAll('*')]
    .filter(e => !e.closest('.table-responsive') && e.getClientRects().length
        && e.getBoundingClientRect().right > window.innerWidth + 0.5)
    .slice(0, 8)
    .map(e => [e.tagName.toLowerCase(), e.className, Math.round(e.getBoundingClientRect().right)])
    .map(found => found.join(" "))"""


# Tables that scroll sideways though nobody can tell they do: only a table marked as a region a
# keyboard can scroll (the result's cost table) may be wider than the screen.
HIDDEN_SCROLLERS = """() => [...document.querySelectorAll('.table-responsive:not([tabindex])')]
    .filter(e => e.scrollWidth > e.clientWidth + 0.5)
    .map(e => e.querySelector('th')?.textContent.trim())"""


@dataclass
class Demo:
    """The demo agency, with a draft, a generated report, a share link and an invitation."""

    pages: dict[str, tuple[str, str]]  # name: (path, the page's main heading)
    join_link: str
    share_link: str


@pytest.fixture
def demo(transactional_db: None) -> Demo:
    demo_seed()
    user = User.objects.get(email=DEMO_EMAIL)
    organization = Organization.objects.get(memberships__user=user)
    submitted = Assessment.objects.filter(project__name="Brand-voice social posts").get()
    project, client = submitted.project, submitted.project.client
    triage = Project.objects.get(name="Support ticket triage")
    draft = assessment_start(project=triage, by=user)
    report = report_finalise(report=report_draft(assessment=submitted, by=user), by=user)
    editing = report_draft(assessment=submitted, by=user)  # version 2, in the editor
    share = share_link_create(report=report, variant="executive", days=7, by=user)
    invitation_send(
        organization=organization,
        email="a.rather.long.address.for.a.phone@colleagues-of-northwind.example",
        role=Membership.Role.MEMBER,
        invited_by=user,
        base_url="http://testserver/",
    )
    join_link = re.search(r"http://testserver(/join/\S+/)", mail.outbox[-1].body)[1]  # type: ignore[index]
    pages = {
        "projects": ("/", "Projects"),
        "clients": (reverse("projects:client_list"), "Clients"),
        "new client": (reverse("projects:client_create"), "New client"),
        "client": (client.get_absolute_url(), client.name),
        "edit client": (reverse("projects:client_edit", args=[client.pk]), "Edit client"),
        "new project": (reverse("projects:project_create"), "New project"),
        "project": (project.get_absolute_url(), project.name),
        "edit project": (reverse("projects:project_edit", args=[project.pk]), "Edit project"),
        "project with a draft": (triage.get_absolute_url(), triage.name),
        "branding": (reverse("projects:organization_settings"), organization.name),
        "rates": (reverse("organization_rates"), organization.name),
        "members": (reverse("projects:member_list"), organization.name),
        "audit trail": (reverse("projects:audit_log"), organization.name),
        "leave": (reverse("projects:organization_leave"), f"Leave {organization.name}?"),
        "invitations": (reverse("projects:invitation_list"), "Invitations"),
        "profile": (reverse("projects:profile"), "Your profile"),
        "password": (reverse("password_change"), "Change your password"),
        "result": (submitted.url("result"), None),
        "report": (report.get_absolute_url(), f"Client report, version {report.version}"),
        "report editor": (editing.get_absolute_url(), f"Client report, version {editing.version}"),
        "report preview": (
            reverse("advisor:report_preview", args=[project.pk, submitted.pk, "full"]),
            None,
        ),
        "review": (draft.url("review"), "Review the answers"),
        "not found": ("/no-such-page/", "Page not found"),
        **{f"step {step.slug}": (draft.step_url(step.slug), step.title) for step in STEPS},
    }
    return Demo(pages=pages, join_link=join_link, share_link=share.get_absolute_url())


def log_in_as_the_demo_user(page: Page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email or username").fill(DEMO_EMAIL)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(heading(page)).to_have_text("Projects")


def check_fits(page: Page, name: str, title: str | None) -> None:
    if title is not None:
        expect(heading(page).first).to_contain_text(title)
    page.wait_for_load_state("load")  # measured once the stylesheets apply
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, (
        f"{name} scrolls sideways at {width} px: {page.evaluate(OVERFLOWING)}"
    )
    assert not page.evaluate(OVERFLOWING), f"{name} at {width} px: {page.evaluate(OVERFLOWING)}"
    scrollers = page.evaluate(HIDDEN_SCROLLERS)
    assert not scrollers, f"{name} at {width} px: tables scroll sideways, from {scrollers}"


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_every_page_fits_the_screen(
    new_context: Callable[..., BrowserContext], demo: Demo, viewport: dict[str, int]
) -> None:
    context = new_context(viewport=viewport)
    mute_favicon(context)
    page = context.new_page()
    on_a_phone = viewport == PHONE

    # Before logging in: the login page, a withdrawn share link, an invitation to a newcomer.
    for name, path, title in [
        ("login", "/accounts/login/", "Log in to the Advisor"),
        ("share page", demo.share_link, None),
        ("link unavailable", demo.share_link.replace("/s/", "/s/x"), None),
        ("invitation", demo.join_link, "Join Northwind AI Studio on the Advisor"),
    ]:
        page.goto(path)
        check_fits(page, name, title)
        if on_a_phone:
            assert_accessible(page)

    log_in_as_the_demo_user(page)
    for name, (path, title) in demo.pages.items():
        page.goto(path)
        check_fits(page, name, title)
        if on_a_phone:
            assert_accessible(page)

    if on_a_phone:
        # The menu folds away behind a button; opened, the user menu names the person.
        page.goto("/")
        page.get_by_role("button", name="Toggle navigation").click()
        page.get_by_role("button", name="Dana Demo").click()
        expect(page.get_by_role("link", name="Your profile")).to_be_visible()
        check_fits(page, "the open menu", None)
        assert_accessible(page)
