"""Invitations in a real browser: an admin invites someone who already has an account elsewhere;
they log in, see the invitation, and accept or decline it. The header always shows, in the
organization's own colour, where they are working.
"""

import re
from collections.abc import Callable

import pytest
from django.core import mail
from playwright.sync_api import BrowserContext, Page, expect

from projects.models import Membership, Organization
from tests.e2e.browser import assert_accessible, heading, log_in, mute_favicon, status_message
from tests.factories import MembershipFactory

pytestmark = pytest.mark.e2e

NORTHWIND_COLOUR = "#7a1f5c"  # rgb(122, 31, 92)
GLOBEX_COLOUR = "#ffd700"  # rgb(255, 215, 0): light, so the header writes on it in black


@pytest.fixture(autouse=True)
def _northwind_colour(admin: Membership) -> None:
    Organization.objects.filter(pk=admin.organization_id).update(brand_color=NORTHWIND_COLOUR)


@pytest.fixture
def bob(admin: Membership) -> Membership:
    """Bob, the admin of another agency; he has had an account for a while."""
    return MembershipFactory(
        user__email="bob@globex.example",
        organization__name="Globex",
        organization__brand_color=GLOBEX_COLOUR,
        role=Membership.Role.ADMIN,
    )


@pytest.fixture
def bobs_page(new_context: Callable[..., BrowserContext]) -> Page:
    """Bob's own browser."""
    context = new_context()
    mute_favicon(context)
    return context.new_page()


def working_in(page: Page, organization: str):
    return page.get_by_role("button", name=f"Working in {organization}")


def invite(page: Page, email: str) -> None:
    page.get_by_role("link", name="Organization").click()
    page.get_by_role("link", name="Members").click()
    expect(heading(page)).to_have_text("Northwind AI")
    page.get_by_label("Colleague's email").fill(email)
    page.get_by_role("button", name="Send invitation").click()
    expect(status_message(page)).to_contain_text(
        f"Invitation sent to {email}. They join once they accept it."
    )
    pending = page.get_by_role("table").filter(has_text="Invited").last
    expect(pending.get_by_role("row", name=re.compile(re.escape(email)))).to_be_visible()
    assert_accessible(page)


def test_an_existing_user_accepts_an_invitation_and_works_in_the_new_organization(
    page: Page, admin: Membership, bob: Membership, bobs_page: Page
) -> None:
    log_in(page, admin.user.email)
    expect(working_in(page, "Northwind AI")).to_have_css("background-color", "rgb(122, 31, 92)")
    invite(page, "bob@globex.example")

    log_in(bobs_page, "bob@globex.example")
    header = working_in(bobs_page, "Globex")
    expect(header).to_have_css("background-color", "rgb(255, 215, 0)")
    expect(header).to_have_css("color", "rgb(0, 0, 0)")
    expect(bobs_page.get_by_role("link", name="Invitations 1")).to_be_visible()
    card = bobs_page.get_by_role("region", name="Invitations waiting for your answer")
    expect(card).to_contain_text("Northwind AI invites you to join")
    expect(card).to_contain_text("Invited by ann@northwind-ai.example")
    assert_accessible(bobs_page)

    card.get_by_role("button", name="Accept the invitation to Northwind AI").click()
    expect(status_message(bobs_page)).to_contain_text(
        "Welcome to Northwind AI: you are working in it now."
    )
    expect(heading(bobs_page)).to_have_text("Projects")
    header = working_in(bobs_page, "Northwind AI")
    expect(header).to_have_css("background-color", "rgb(122, 31, 92)")
    expect(header).to_have_css("color", "rgb(255, 255, 255)")
    expect(bobs_page.get_by_role("link", name=re.compile("^Invitations"))).to_have_count(0)
    assert_accessible(bobs_page)

    # The header's menu switches back to Globex, in Globex's colour.
    header.click()
    bobs_page.get_by_role("button", name="Globex", exact=True).click()
    expect(status_message(bobs_page)).to_contain_text("Switched to Globex.")
    expect(working_in(bobs_page, "Globex")).to_have_css("background-color", "rgb(255, 215, 0)")
    assert_accessible(bobs_page)

    page.reload()
    members = page.get_by_role("table").first
    expect(members.get_by_role("row", name=re.compile("bob@globex.example"))).to_be_visible()


def test_an_existing_user_declines_and_stays_where_they_were(
    page: Page, admin: Membership, bob: Membership, bobs_page: Page
) -> None:
    log_in(page, admin.user.email)
    invite(page, "bob@globex.example")

    log_in(bobs_page, "bob@globex.example")
    bobs_page.get_by_role("link", name="Invitations 1").click()
    expect(heading(bobs_page)).to_have_text("Invitations")
    assert_accessible(bobs_page)
    bobs_page.get_by_role("button", name="Decline the invitation to Northwind AI").click()
    expect(status_message(bobs_page)).to_contain_text(
        "You declined the invitation to Northwind AI."
    )
    expect(bobs_page.get_by_text("invites you to join")).to_have_count(0)
    expect(working_in(bobs_page, "Globex")).to_have_css("background-color", "rgb(255, 215, 0)")
    assert not Membership.objects.filter(user=bob.user, organization=admin.organization).exists()

    page.get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("row", name=re.compile("Declined invitation"))).to_contain_text(
        "bob@globex.example"
    )
    assert_accessible(page)


def test_a_new_person_joins_from_the_emailed_link_and_logs_in_with_their_email(
    page: Page, admin: Membership, anonymous_context: BrowserContext
) -> None:
    log_in(page, admin.user.email)
    invite(page, "dana@example.com")
    link = re.search(r"http://\S+/join/\S+/", mail.outbox[-1].body)[0]

    dana = anonymous_context.new_page()
    dana.goto(link)
    expect(heading(dana)).to_have_text("Join Northwind AI on the Advisor")
    assert_accessible(dana)
    dana.get_by_label("First name").fill("Dana")
    dana.get_by_label("Last name").fill("Whitfield")
    dana.get_by_label("Choose a password").fill("a-long-new-secret-9")
    dana.get_by_label("The same password again").fill("a-long-new-secret-9")
    dana.get_by_role("button", name="Accept and create my account").click()
    expect(status_message(dana)).to_contain_text(
        "Welcome to Northwind AI. Next time, log in with dana@example.com."
    )
    expect(working_in(dana, "Northwind AI")).to_have_css("background-color", "rgb(122, 31, 92)")
    assert_accessible(dana)

    dana.get_by_role("button", name="Dana Whitfield").click()
    dana.get_by_role("button", name="Log out").click()
    dana.get_by_label("Email or username").fill("Dana@Example.com")
    dana.get_by_label("Password").fill("a-long-new-secret-9")
    dana.get_by_role("button", name="Log in").click()
    expect(heading(dana)).to_have_text("Projects")
    expect(working_in(dana, "Northwind AI")).to_be_visible()
