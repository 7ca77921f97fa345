"""Invitations through the real stack: nobody joins an organization without saying yes."""

import re
import smtplib
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from projects.models import AuditEvent, Client, Invitation, Membership, Organization
from tests.factories import TEST_PASSWORD, UserFactory, log_in
from tests.personas import Agency

MEMBERS = reverse("projects:member_list")
DASHBOARD = reverse("projects:dashboard")
INVITATIONS = reverse("projects:invitation_list")
NEW_PASSWORD = "a-long-new-secret-9"
DAVE = {"first_name": "Dave", "last_name": "Okafor"}


def invite(http: HttpClient, email: str, role: str = "member", **kwargs):
    return http.post(MEMBERS, {"email": email, "role": role}, **kwargs)


def emailed_link(to: str) -> str:
    message = next(m for m in reversed(mail.outbox) if m.to == [to])
    return re.search(r"http://testserver(/join/[\w-]+/)", message.body)[1]


def logged_in(email: str, password: str = TEST_PASSWORD) -> HttpClient:
    http = HttpClient()
    assert log_in(http, email, password)
    return http


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def active_organization(http: HttpClient) -> str:
    """The name the header shows as the organization being worked in."""
    page = http.get(DASHBOARD).content.decode()
    return re.search(r'id="active-organization"[^>]*>.*?</span>([^<]*)</button>', page)[1]


@pytest.mark.django_db
def test_inviting_an_existing_account_gives_them_no_access(
    alice: HttpClient, acme: Agency, globex: Agency
) -> None:
    invite(alice, "bob@globex.example")
    bob = globex.admin.user
    assert not Membership.objects.filter(user=bob, organization=acme.organization).exists()
    http = logged_in("bob@globex.example")
    assert http.get(reverse("projects:client_detail", args=[acme.client.pk])).status_code == 404
    # Bob's new clients still land in his own organization: he works in Globex.
    assert active_organization(http) == "Globex"
    http.post(reverse("projects:client_create"), {"name": "Fresh client"})
    assert Client.objects.get(name="Fresh client").organization == globex.organization


@pytest.mark.django_db
def test_the_admin_sees_the_same_whether_or_not_the_address_has_an_account(
    acme: Agency, globex: Agency
) -> None:
    def what_the_admin_sees(email: str) -> tuple[str, str, str]:
        Invitation.objects.all().delete()
        response = invite(acme.http(), email, follow=True)
        page = response.content.decode().replace(email, "EMAIL")
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
        page = re.sub(r'nonce="[^"]+"', "", page)
        page = re.sub(r"/organization/invitations/\d+/", "/organization/invitations/N/", page)
        message = re.search(r'role="status">\s*(.*?)\s*<button', page, re.S)[1]
        return response.redirect_chain[-1][0], message, page

    existing = what_the_admin_sees("bob@globex.example")
    new = what_the_admin_sees("nobody-yet@example.com")
    assert existing[1] == new[1] == "Invitation sent to EMAIL. They join once they accept it."
    assert existing == new
    assert "Invitations not yet accepted" in new[2]


@pytest.mark.django_db
def test_an_existing_user_logs_in_sees_the_invitation_and_accepts(
    alice: HttpClient, acme: Agency, globex: Agency
) -> None:
    invite(alice, "bob@globex.example", role="admin")
    bob = logged_in("bob@globex.example")
    dashboard = text(bob.get(DASHBOARD))
    assert "Acme invites you to join" in dashboard
    assert 'Invitations <span class="badge text-bg-warning">1</span>' in dashboard
    invitation = Invitation.objects.get()
    response = bob.post(reverse("projects:invitation_accept", args=[invitation.pk]), follow=True)
    assert "Welcome to Acme: you are working in it now." in text(response)
    assert active_organization(bob) == "Acme"
    assert bob.get(reverse("projects:client_detail", args=[acme.client.pk])).status_code == 200
    assert Membership.objects.get(user=globex.admin.user, organization=acme.organization).is_admin
    assert "invites you to join" not in text(bob.get(DASHBOARD))


@pytest.mark.django_db
def test_declining_leaves_no_access_and_tells_the_admin(
    alice: HttpClient, acme: Agency, globex: Agency
) -> None:
    invite(alice, "bob@globex.example")
    bob = logged_in("bob@globex.example")
    invitation = Invitation.objects.get()
    response = bob.post(reverse("projects:invitation_decline", args=[invitation.pk]), follow=True)
    assert "You declined the invitation to Acme." in text(response)
    assert "invites you to join" not in text(response)
    assert not acme.organization.memberships.filter(user=globex.admin.user).exists()
    # Answered: it can no longer be accepted, and it leaves the admin's list of pending ones.
    accept = reverse("projects:invitation_accept", args=[invitation.pk])
    assert bob.post(accept).status_code == 404
    assert "Invitations not yet accepted" not in alice.get(MEMBERS).content.decode()
    assert "Declined invitation “bob@globex.example”" in text(
        alice.get(reverse("projects:audit_log"))
    )


@pytest.mark.django_db
def test_someone_else_cannot_accept_or_decline(
    alice: HttpClient, acme: Agency, carol: Membership
) -> None:
    invite(alice, "dave@example.com")
    invitation = Invitation.objects.get()
    carol_http = logged_in("carol@acme.example")
    for name in ("projects:invitation_accept", "projects:invitation_decline"):
        assert carol_http.post(reverse(name, args=[invitation.pk])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


@pytest.mark.django_db
def test_the_emailed_link_lets_a_new_person_choose_a_password_and_log_in_with_their_email(
    alice: HttpClient, acme: Agency
) -> None:
    invite(alice, "Dave@Acme.example")
    link = emailed_link("dave@acme.example")
    visitor = HttpClient()
    page = text(visitor.get(link))
    assert "Join Acme on the Advisor" in page
    assert "Choose a password" in page
    mismatch = visitor.post(
        link, {"answer": "accept", "password1": NEW_PASSWORD, "password2": "something-else-7"}
    )
    assert "The two password fields didn" in text(mismatch)
    assert not User.objects.filter(email="dave@acme.example").exists()
    response = visitor.post(
        link,
        {"answer": "accept", **DAVE, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Welcome to Acme. Next time, log in with dave@acme.example." in text(response)
    assert active_organization(visitor) == "Acme"
    dave = User.objects.get(email="dave@acme.example")
    assert (dave.first_name, dave.last_name) == ("Dave", "Okafor")
    assert Membership.objects.get(user=dave).organization == acme.organization
    # The link is spent; the new account logs in with its email, in any letter case.
    assert visitor.get(link).status_code == 410
    assert log_in(HttpClient(), "Dave@Acme.example", NEW_PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "says"),
    [
        ({"first_name": "", "last_name": "Okafor"}, "Enter your first name"),
        ({"first_name": "Da\u202eve", "last_name": ""}, "invisible control character"),
    ],
)
def test_a_new_person_is_asked_for_their_name(
    alice: HttpClient, acme: Agency, name: dict[str, str], says: str
) -> None:
    invite(alice, "dave@acme.example")
    link = emailed_link("dave@acme.example")
    visitor = HttpClient()
    assert 'autocomplete="given-name"' in visitor.get(link).content.decode()
    response = visitor.post(
        link, {"answer": "accept", **name, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"first_name"}
    assert says in text(response)
    assert not User.objects.filter(email="dave@acme.example").exists()


@pytest.mark.django_db
def test_a_new_person_can_decline_from_the_link(alice: HttpClient, acme: Agency) -> None:
    invite(alice, "dave@acme.example")
    link = emailed_link("dave@acme.example")
    response = HttpClient().post(link, {"answer": "decline"}, follow=True)
    assert "You declined the invitation to Acme." in text(response)
    assert not User.objects.filter(email="dave@acme.example").exists()
    assert Invitation.objects.get().status == Invitation.Status.DECLINED
    trail = " ".join(
        re.sub(r"<[^>]+>", " ", text(alice.get(reverse("projects:audit_log")))).split()
    )
    assert "dave@acme.example (through the emailed link) Declined invitation" in trail


@pytest.mark.django_db
def test_the_emailed_link_asks_an_existing_account_to_log_in_first(
    alice: HttpClient, acme: Agency, globex: Agency
) -> None:
    invite(alice, "bob@globex.example")
    link = emailed_link("bob@globex.example")
    visitor = HttpClient()
    page = text(visitor.get(link))
    assert "Log in to accept or decline" in page
    assert f"/accounts/login/?next={link}" in page
    assert "Choose a password" not in page
    # A password posted anyway creates nothing.
    visitor.post(
        link, {"answer": "accept", **DAVE, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert User.objects.filter(email="bob@globex.example").count() == 1
    response = visitor.post(
        "/accounts/login/",
        {"username": "bob@globex.example", "password": TEST_PASSWORD, "next": link},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == link
    assert 'action="/invitations/' in response.content.decode()


@pytest.mark.django_db
def test_the_link_opened_by_another_account_says_whom_it_is_for(
    alice: HttpClient, acme: Agency, carol: Membership
) -> None:
    invite(alice, "dave@example.com")
    page = text(logged_in("carol@acme.example").get(emailed_link("dave@example.com")))
    assert "You are logged in as carol@acme.example" in page
    assert "sent to dave@example.com" in page
    assert "invitation_accept" not in page
    assert "/accept/" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("close", "status", "says"),
    [
        ("revoke", 410, "It was withdrawn by Acme."),
        ("expire", 410, "It expired on"),
        ("resend", 404, "use the link in the newest email"),
    ],
)
def test_a_closed_or_replaced_link_says_so(
    alice: HttpClient, acme: Agency, close: str, status: int, says: str
) -> None:
    invite(alice, "dave@example.com")
    link = emailed_link("dave@example.com")
    invitation = Invitation.objects.get()
    if close == "expire":
        Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    else:
        alice.post(reverse(f"projects:invitation_{close}", args=[invitation.pk]))
    response = HttpClient().get(link)
    assert response.status_code == status
    assert says in text(response)
    post = HttpClient().post(
        link, {"answer": "accept", **DAVE, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert post.status_code == status
    assert not User.objects.filter(email="dave@example.com").exists()


@pytest.mark.django_db
def test_an_admin_resends_and_revokes_from_the_member_list(alice: HttpClient, acme: Agency) -> None:
    invite(alice, "dave@example.com")
    invitation = Invitation.objects.get()
    page = text(alice.get(MEMBERS))
    assert "dave@example.com" in page
    assert "Invited" in page
    response = alice.post(reverse("projects:invitation_resend", args=[invitation.pk]), follow=True)
    assert "Invitation sent again to dave@example.com, with a new link." in text(response)
    assert len(mail.outbox) == 2
    response = alice.post(reverse("projects:invitation_revoke", args=[invitation.pk]), follow=True)
    assert "Invitation to dave@example.com withdrawn." in text(response)
    assert "Invitations not yet accepted" not in text(response)
    response = alice.post(reverse("projects:invitation_revoke", args=[invitation.pk]), follow=True)
    assert "already answered or withdrawn" in text(response)


@pytest.mark.django_db
def test_an_expired_invitation_shows_as_such_and_can_be_resent(
    alice: HttpClient, acme: Agency
) -> None:
    invite(alice, "dave@example.com")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(days=1))
    assert "Expired" in text(alice.get(MEMBERS))
    response = invite(alice, "dave@example.com")
    assert "already invited this address" in " ".join(response.context["form"].errors["email"])
    alice.post(reverse("projects:invitation_resend", args=[Invitation.objects.get().pk]))
    assert Invitation.objects.get().is_open()


@pytest.mark.django_db
def test_members_cannot_invite_resend_or_revoke(
    alice: HttpClient, acme: Agency, carol: Membership
) -> None:
    invite(alice, "dave@example.com")
    invitation = Invitation.objects.get()
    http = acme.http(carol)
    assert invite(http, "eve@example.com").status_code == 403
    for name in ("projects:invitation_resend", "projects:invitation_revoke"):
        assert http.post(reverse(name, args=[invitation.pk])).status_code == 403
    assert Invitation.objects.get().is_open()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_someone_with_no_organization_sees_their_invitation_and_joins(
    alice: HttpClient, acme: Agency
) -> None:
    UserFactory(email="dave@example.com")
    invite(alice, "dave@example.com")
    dave = logged_in("dave@example.com")
    response = dave.get(DASHBOARD)
    assert response.status_code == 403
    assert "Acme invites you to join" in text(response)
    assert dave.get(INVITATIONS).status_code == 200
    dave.post(reverse("projects:invitation_accept", args=[Invitation.objects.get().pk]))
    assert dave.get(DASHBOARD).status_code == 200
    assert active_organization(dave) == "Acme"


@pytest.mark.django_db
def test_a_line_break_in_the_organization_name_never_breaks_the_invitation(
    alice: HttpClient, acme: Agency
) -> None:
    Organization.objects.filter(pk=acme.organization.pk).update(name="Acme\r\nBcc: x@evil.example")
    response = invite(alice, "dave@acme.example")
    assert response.status_code == 302
    assert mail.outbox[0].subject == "Join Acme Bcc: x@evil.example on the Advisor"
    assert mail.outbox[0].recipients() == ["dave@acme.example"]
    assert Invitation.objects.get().is_open()


@pytest.mark.django_db
def test_inviting_an_email_that_is_another_accounts_username(
    alice: HttpClient, acme: Agency
) -> None:
    other = UserFactory(username="dave@acme.example", email="david@elsewhere.example")
    assert invite(alice, "dave@acme.example").status_code == 302
    link = emailed_link("dave@acme.example")
    response = HttpClient().post(
        link, {"answer": "accept", **DAVE, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    dave = User.objects.get(email="dave@acme.example")
    assert dave != other
    assert dave.memberships.get().organization == acme.organization
    assert log_in(HttpClient(), "dave@acme.example", NEW_PASSWORD)
    assert log_in(HttpClient(), "dave@acme.example", TEST_PASSWORD)  # the other account, as before


@pytest.mark.django_db
def test_a_failing_mail_server_answers_with_a_clear_message_and_no_invitation(
    alice: HttpClient, acme: Agency, monkeypatch
) -> None:
    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    response = invite(alice, "dave@acme.example")
    assert response.status_code == 200
    assert (
        "We could not send the invitation email to dave@acme.example, so no invitation was made."
        in text(response)
    )
    assert response.context["form"]["email"].value() == "dave@acme.example"
    assert not Invitation.objects.exists()
    assert not AuditEvent.objects.filter(organization=acme.organization).exists()


@pytest.mark.django_db
def test_a_failed_resend_says_so_and_keeps_the_invitation(
    alice: HttpClient, acme: Agency, monkeypatch
) -> None:
    invite(alice, "dave@acme.example")
    link = emailed_link("dave@acme.example")

    def refuse(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    invitation = Invitation.objects.get()
    response = alice.post(reverse("projects:invitation_resend", args=[invitation.pk]), follow=True)
    assert "so the invitation is unchanged" in text(response)
    assert HttpClient().get(link).status_code == 200


@pytest.mark.django_db
def test_the_audit_trail_names_who_sent_accepted_and_left(
    alice: HttpClient, acme: Agency, globex: Agency
) -> None:
    invite(alice, "bob@globex.example")
    bob = logged_in("bob@globex.example")
    bob.post(reverse("projects:invitation_accept", args=[Invitation.objects.get().pk]))
    bob.post(reverse("projects:organization_leave"))
    trail = text(alice.get(reverse("projects:audit_log")))
    assert "Sent invitation “bob@globex.example”" in trail
    assert "Accepted invitation “bob@globex.example”" in trail
    assert "Left membership “bob@globex.example at Acme (member)”" in trail
