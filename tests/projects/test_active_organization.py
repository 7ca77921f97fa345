"""Which organization a user works in: where a session starts, the header, switching, leaving."""

import re

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from projects.models import (
    AuditEvent,
    Client,
    Membership,
    Organization,
    readable_ink,
    relative_luminance,
)
from tests.factories import TEST_PASSWORD, MembershipFactory, log_in
from tests.personas import Agency

DASHBOARD = reverse("projects:dashboard")
SWITCH = reverse("projects:organization_switch")
LEAVE = reverse("projects:organization_leave")


def new_session(email: str) -> HttpClient:
    http = HttpClient()
    assert log_in(http, email, TEST_PASSWORD)
    return http


def active_organization(http: HttpClient) -> str:
    page = http.get(DASHBOARD).content.decode()
    return re.search(r'id="active-organization"[^>]*>.*?</span>([^<]*)</button>', page)[1]


def contrast(one: str, other: str) -> float:
    lighter, darker = sorted((relative_luminance(one), relative_luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.django_db
def test_a_new_session_starts_in_the_first_joined_not_the_first_alphabetically(
    globex: Agency,
) -> None:
    # A look-alike organization that sorts first must not catch Bob's work.
    MembershipFactory(user=globex.admin.user, organization__name="Aardvark Studio")
    bob = new_session("bob@globex.example")
    assert active_organization(bob) == "Globex"
    bob.post(reverse("projects:client_create"), {"name": "Fresh client"})
    assert Client.objects.get(name="Fresh client").organization == globex.organization


@pytest.mark.django_db
def test_a_new_session_starts_where_the_user_last_switched_to(globex: Agency) -> None:
    other = MembershipFactory(user=globex.admin.user, organization__name="Zeta Labs")
    bob = new_session("bob@globex.example")
    response = bob.post(SWITCH, {"organization": other.organization_id}, follow=True)
    assert "Switched to Zeta Labs." in response.content.decode()
    assert active_organization(new_session("bob@globex.example")) == "Zeta Labs"
    bob.post(SWITCH, {"organization": globex.organization.pk})
    assert active_organization(new_session("bob@globex.example")) == "Globex"


@pytest.mark.django_db
def test_switching_on_another_device_does_not_move_this_session(globex: Agency) -> None:
    other = MembershipFactory(user=globex.admin.user, organization__name="Zeta Labs")
    laptop = new_session("bob@globex.example")
    assert active_organization(laptop) == "Globex"
    phone = new_session("bob@globex.example")
    phone.post(SWITCH, {"organization": other.organization_id})
    assert active_organization(phone) == "Zeta Labs"
    assert active_organization(laptop) == "Globex"


@pytest.mark.django_db
def test_the_header_shows_the_only_organization_in_its_colour(
    alice: HttpClient, acme: Agency
) -> None:
    Organization.objects.filter(pk=acme.organization.pk).update(brand_color="#FFD700")
    response = alice.get(DASHBOARD)
    page = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])[1]
    assert (
        f'<style nonce="{nonce}">:root {{ --org-brand: #ffd700; --org-brand-ink: #000000; }}'
        in page
    )
    assert re.search(r'<button id="active-organization" class="[^"]*org-badge', page)
    assert active_organization(alice) == "Acme"
    assert "Switch to" not in page  # one organization: nothing to switch to
    assert " style=" not in page


@pytest.mark.django_db
def test_a_bad_stored_colour_never_reaches_the_style_sheet(alice: HttpClient, acme: Agency) -> None:
    # Seven characters are enough to close the rule and start another.
    Organization.objects.filter(pk=acme.organization.pk).update(brand_color="}*{c:0")
    page = alice.get(DASHBOARD).content.decode()
    assert "--org-brand: #1f4e79; --org-brand-ink: #ffffff;" in page
    assert "}*{c:0" not in page


@pytest.mark.django_db
def test_with_several_organizations_the_header_offers_the_others(globex: Agency) -> None:
    MembershipFactory(user=globex.admin.user, organization__name="Zeta Labs")
    page = new_session("bob@globex.example").get(DASHBOARD).content.decode()
    menu = page.split('id="active-organization"')[1].split("</li>")[0]
    assert "Switch to" in menu
    assert "Zeta Labs" in menu
    assert f'value="{globex.organization.pk}">Globex' not in menu


@given(st.from_regex(r"#[0-9a-f]{6}", fullmatch=True))
def test_the_header_ink_always_contrasts_at_least_4_5_to_1(color: str) -> None:
    assert contrast(color, readable_ink(color)) >= 4.5


@pytest.mark.parametrize(
    ("color", "ink"),
    [
        ("#1f4e79", "#ffffff"),
        ("#ffffff", "#000000"),
        ("#ffd700", "#000000"),
        ("#7a1f5c", "#ffffff"),
    ],
)
def test_the_header_ink_is_black_on_light_colours_and_white_on_dark(color: str, ink: str) -> None:
    assert readable_ink(color) == ink


@pytest.mark.django_db
def test_a_member_leaves_and_loses_access(acme: Agency, carol: Membership) -> None:
    http = acme.http(carol)
    assert "Leave Acme?" in http.get(LEAVE).content.decode()
    response = http.post(LEAVE, follow=True)
    assert "You left Acme." in response.content.decode()
    assert not Membership.objects.filter(pk=carol.pk).exists()
    assert http.get(reverse("projects:client_detail", args=[acme.client.pk])).status_code == 403
    assert AuditEvent.objects.filter(action="left", actor=carol.user).exists()


@pytest.mark.django_db
def test_leaving_one_organization_moves_the_session_to_another(globex: Agency) -> None:
    MembershipFactory(user=globex.admin.user, organization__name="Zeta Labs", role="member")
    bob = new_session("bob@globex.example")
    zeta = Membership.objects.get(organization__name="Zeta Labs")
    bob.post(SWITCH, {"organization": zeta.organization_id})
    bob.post(LEAVE)
    assert active_organization(bob) == "Globex"


@pytest.mark.django_db
def test_the_last_admin_is_told_why_they_cannot_leave(alice: HttpClient, acme: Agency) -> None:
    page = re.sub(r"\s+", " ", alice.get(LEAVE).content.decode())
    assert "You are the only admin of Acme, so you cannot leave it yet." in page
    assert 'type="submit">Leave' not in page
    response = alice.post(LEAVE, follow=True)
    assert "Make a colleague an admin first." in response.content.decode()
    assert Membership.objects.filter(pk=acme.admin.pk).exists()
