"""The services behind invitations and membership: rules, audit events, and the email."""

import re
import smtplib
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from projects import services
from projects.backends import EmailOrUsernameBackend
from projects.models import AuditEvent, Invitation, Membership, Organization
from tests.factories import MembershipFactory, UserFactory
from tests.personas import Agency

BASE_URL = "http://testserver/"
NEW_PASSWORD = "a-long-new-secret-9"
DAVE = {"first_name": "Dave", "last_name": "Okafor"}


def authenticate(username: str, password: str) -> User | None:
    return EmailOrUsernameBackend().authenticate(None, username=username, password=password)


def invite(agency: Agency, email: str = "dave@example.com", role: str = "member") -> Invitation:
    return services.invitation_send(
        organization=agency.organization,
        email=email,
        role=role,
        invited_by=agency.admin.user,
        base_url=BASE_URL,
    )


def emailed_token(message: EmailMessage) -> str:
    return re.search(r"http://testserver/join/([\w-]+)/", message.body)[1]


def audit_trail(organization: Organization) -> list[tuple[str, str, str | None]]:
    return [
        (event.action, event.target_type, event.actor.email if event.actor else None)
        for event in AuditEvent.objects.filter(organization=organization).order_by("pk")
    ]


@pytest.fixture
def refusing_mail_server(monkeypatch):
    """Make the mail backend fail the way the given exception says."""

    def install(error: Exception) -> None:
        def refuse(self, messages):
            raise error

        monkeypatch.setattr(EmailBackend, "send_messages", refuse)

    return install


@pytest.mark.django_db
def test_an_invitation_to_an_existing_account_grants_nothing_until_accepted(
    acme: Agency, globex: Agency
) -> None:
    bob = globex.admin.user
    invitation = invite(acme, "Bob@Globex.example")
    assert invitation.email == "bob@globex.example"
    assert invitation.status == Invitation.Status.PENDING
    assert not Membership.objects.filter(user=bob, organization=acme.organization).exists()
    assert mail.outbox[0].to == ["bob@globex.example"]
    assert audit_trail(acme.organization) == [("sent", "invitation", "alice@acme.example")]


@pytest.mark.django_db
def test_accepting_joins_with_the_invited_role_and_makes_it_the_latest_organization(
    acme: Agency, globex: Agency
) -> None:
    bob = globex.admin.user
    membership = services.invitation_accept(
        invitation=invite(acme, "bob@globex.example", role="admin"), user=bob
    )
    assert membership.organization == acme.organization
    assert membership.role == Membership.Role.ADMIN
    assert membership.last_active_at is not None
    invitation = Invitation.objects.get()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.responded_at is not None
    assert audit_trail(acme.organization)[-1] == ("accepted", "invitation", "bob@globex.example")


@pytest.mark.django_db
def test_only_the_account_with_the_invited_email_can_accept_or_decline(
    acme: Agency, carol: Membership
) -> None:
    invitation = invite(acme, "dave@example.com")
    for answer in (services.invitation_accept, services.invitation_decline):
        with pytest.raises(services.InvitationUnavailable, match="another email address"):
            answer(invitation=invitation, user=carol.user)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("close", "message"),
    [
        (lambda i, a: services.invitation_revoke(invitation=i, by=a), "no longer open"),
        (lambda i, a: services.invitation_decline(invitation=i, user=None), "no longer open"),
        (
            lambda i, a: Invitation.objects.filter(pk=i.pk).update(
                expires_at=timezone.now() - timedelta(seconds=1)
            ),
            "has expired",
        ),
    ],
    ids=["revoked", "declined", "expired"],
)
def test_a_closed_invitation_can_no_longer_be_accepted(
    acme: Agency, globex: Agency, close, message: str
) -> None:
    invitation = invite(acme, "bob@globex.example")
    close(invitation, acme.admin.user)
    with pytest.raises(services.InvitationUnavailable, match=message):
        services.invitation_accept(invitation=invitation, user=globex.admin.user)
    assert not Membership.objects.filter(organization=acme.organization, user=globex.admin.user)


@pytest.mark.django_db
def test_invitations_expire_after_14_days(acme: Agency) -> None:
    invitation = invite(acme)
    assert invitation.expires_at - invitation.sent_at == timedelta(days=14)
    assert invitation.is_open()
    assert not invitation.is_expired(now=invitation.sent_at + timedelta(days=13, hours=23))
    assert invitation.is_expired(now=invitation.sent_at + timedelta(days=14))


@pytest.mark.django_db
def test_the_token_is_unguessable_and_the_database_keeps_only_its_hash(acme: Agency) -> None:
    first, second = invite(acme, "one@example.com"), invite(acme, "two@example.com")
    tokens = [emailed_token(message) for message in mail.outbox]
    assert all(len(token) >= 43 for token in tokens)  # 256 random bits
    assert tokens[0] != tokens[1]
    for invitation, token in zip([first, second], tokens, strict=True):
        stored = Invitation.objects.filter(pk=invitation.pk).values().get()
        assert token not in {str(value) for value in stored.values()}
        assert Invitation.objects.with_token(token).get() == invitation


@pytest.mark.django_db
def test_resending_retires_the_old_link_and_opens_the_invitation_for_14_more_days(
    acme: Agency,
) -> None:
    invitation = invite(acme)
    Invitation.objects.filter(pk=invitation.pk).update(
        sent_at=timezone.now() - timedelta(days=20), expires_at=timezone.now() - timedelta(days=6)
    )
    services.invitation_resend(invitation=invitation, by=acme.admin.user, base_url=BASE_URL)
    old, new = (emailed_token(message) for message in mail.outbox)
    assert not Invitation.objects.with_token(old).exists()
    resent = Invitation.objects.with_token(new).get()
    assert resent.is_open()
    assert resent.expires_at > timezone.now() + timedelta(days=13)
    assert audit_trail(acme.organization)[-1] == ("resent", "invitation", "alice@acme.example")


@pytest.mark.django_db
def test_revoking_and_declining_are_audited(acme: Agency, globex: Agency) -> None:
    services.invitation_revoke(invitation=invite(acme, "one@example.com"), by=acme.admin.user)
    services.invitation_decline(
        invitation=invite(acme, "bob@globex.example"), user=globex.admin.user
    )
    assert audit_trail(acme.organization)[-3:] == [
        ("revoked", "invitation", "alice@acme.example"),
        ("sent", "invitation", "alice@acme.example"),
        ("declined", "invitation", "bob@globex.example"),
    ]
    assert set(Invitation.objects.values_list("status", flat=True)) == {"revoked", "declined"}


@pytest.mark.django_db
def test_members_and_addresses_already_invited_are_refused(acme: Agency, carol: Membership) -> None:
    with pytest.raises(services.InvitationRefused, match="already a member"):
        invite(acme, "Carol@Acme.example")
    invite(acme, "dave@example.com")
    with pytest.raises(services.InvitationRefused, match="already invited"):
        invite(acme, "DAVE@example.com")
    with pytest.raises(services.InvitationRefused, match="Choose a role"):
        invite(acme, "eve@example.com", role="owner")
    assert Invitation.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_new_person_accepts_by_choosing_a_password_and_logs_in_with_their_email(
    acme: Agency,
) -> None:
    membership = services.invitation_accept_as_new_account(
        invitation=invite(acme, "dave@example.com"), password=NEW_PASSWORD, **DAVE
    )
    dave = membership.user
    assert (dave.email, dave.username) == ("dave@example.com", "dave@example.com")
    assert membership.organization == acme.organization
    assert authenticate(username="Dave@Example.com", password=NEW_PASSWORD) == dave


@pytest.mark.django_db
def test_a_new_account_needs_a_name(acme: Agency) -> None:
    invitation = invite(acme, "dave@example.com")
    with pytest.raises(ValidationError) as refused:
        services.invitation_accept_as_new_account(
            invitation=invitation, password=NEW_PASSWORD, first_name=" ", last_name="Okafor"
        )
    assert set(refused.value.message_dict) == {"first_name"}
    assert not User.objects.filter(email="dave@example.com").exists()
    assert Invitation.objects.get().status == Invitation.Status.PENDING


@pytest.mark.django_db
def test_a_new_account_never_takes_a_username_already_in_use(acme: Agency) -> None:
    other = UserFactory(username="dave@example.com", email="david@elsewhere.example")
    invitation = invite(acme, "dave@example.com")
    dave = services.invitation_accept_as_new_account(
        invitation=invitation, password=NEW_PASSWORD, **DAVE
    ).user
    assert dave != other
    assert dave.username != "dave@example.com"
    assert dave.email == "dave@example.com"
    # Each logs in with what they know: the email finds Dave, the username the other account.
    assert authenticate(username="dave@example.com", password=NEW_PASSWORD) == dave
    assert authenticate(username="dave@example.com", password="correct-horse-battery") == other


@pytest.mark.django_db
def test_a_very_long_email_gets_an_account_too(acme: Agency) -> None:
    email = f"{'d' * 64}@{'x' * 180}.example"
    dave = services.invitation_accept_as_new_account(
        invitation=invite(acme, email), password=NEW_PASSWORD, **DAVE
    ).user
    assert dave.email == email
    assert len(dave.username) <= 150
    assert authenticate(username=email, password=NEW_PASSWORD) == dave


@pytest.mark.django_db
def test_an_email_with_an_account_cannot_get_a_second_one(acme: Agency, globex: Agency) -> None:
    invitation = invite(acme, "bob@globex.example")
    with pytest.raises(services.InvitationUnavailable, match="log in to accept"):
        services.invitation_accept_as_new_account(
            invitation=invitation, password=NEW_PASSWORD, **DAVE
        )
    assert User.objects.filter(email="bob@globex.example").count() == 1


@pytest.mark.django_db
def test_the_email_differs_only_for_its_recipient(acme: Agency, globex: Agency) -> None:
    invite(acme, "bob@globex.example")
    invite(acme, "dave@example.com")
    existing, new = mail.outbox
    assert existing.subject == new.subject == "Join Acme on the Advisor"
    assert "Log in with your account" in existing.body
    assert "choose a password" in new.body
    assert "alice@acme.example invited you to join Acme" in new.body


@pytest.mark.django_db
def test_a_line_break_in_the_organization_name_never_reaches_the_subject(acme: Agency) -> None:
    Organization.objects.filter(pk=acme.organization.pk).update(
        name="Acme\r\nBcc: spy@evil.example\u202e"
    )
    acme.organization.refresh_from_db()
    invite(acme)
    message = mail.outbox[0]
    assert message.subject == "Join Acme Bcc: spy@evil.example on the Advisor"
    assert message.recipients() == ["dave@example.com"]
    assert "\n" not in message.body.splitlines()[2]  # the name stays on its line in the body


@given(st.text())
def test_single_line_text_is_always_a_valid_email_subject(text: str) -> None:
    subject = services.single_line(text)
    assert "\n" not in subject
    assert "\r" not in subject
    assert subject == subject.strip()
    EmailMessage(subject=f"Join {subject}", body="", to=["a@example.com"]).message()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({"dave@example.com": (550, b"No such user")}),
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        ConnectionRefusedError(111, "Connection refused"),
        ValueError("Header values may not contain linefeed or carriage return characters"),
        RuntimeError("anything else"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_a_mail_failure_leaves_no_invitation_and_no_audit_event(
    acme: Agency, refusing_mail_server, monkeypatch, error: Exception
) -> None:
    refusing_mail_server(error)
    with pytest.raises(services.InvitationNotSent):
        invite(acme)
    assert not Invitation.objects.exists()
    assert not AuditEvent.objects.filter(organization=acme.organization).exists()
    # Once the mail server is back, the same address can simply be invited again.
    monkeypatch.undo()
    assert invite(acme).is_open()


@pytest.mark.django_db
def test_a_failed_resend_keeps_the_old_link_and_deadline(
    acme: Agency, refusing_mail_server
) -> None:
    invitation = invite(acme)
    before = Invitation.objects.values().get(pk=invitation.pk)
    refusing_mail_server(smtplib.SMTPServerDisconnected("gone"))
    with pytest.raises(services.InvitationNotSent):
        services.invitation_resend(invitation=invitation, by=acme.admin.user, base_url=BASE_URL)
    assert Invitation.objects.values().get(pk=invitation.pk) == before
    assert Invitation.objects.with_token(emailed_token(mail.outbox[0])).exists()
    assert [action for action, _, _ in audit_trail(acme.organization)] == ["sent"]


@pytest.mark.django_db
def test_a_member_leaves_and_it_is_audited(acme: Agency, carol: Membership) -> None:
    services.member_leave(membership=carol)
    assert not Membership.objects.filter(pk=carol.pk).exists()
    assert User.objects.filter(pk=carol.user_id).exists()
    assert audit_trail(acme.organization)[-1] == ("left", "membership", "carol@acme.example")


@pytest.mark.django_db
def test_the_only_admin_cannot_leave(acme: Agency, carol: Membership) -> None:
    assert acme.admin.is_only_admin()
    with pytest.raises(services.LastAdminError, match="only admin of Acme"):
        services.member_leave(membership=acme.admin)
    assert Membership.objects.filter(pk=acme.admin.pk).exists()
    services.member_change_role(membership=carol, role="admin", by=acme.admin.user)
    assert not acme.admin.is_only_admin()
    services.member_leave(membership=acme.admin)
    assert not Membership.objects.filter(pk=acme.admin.pk).exists()


@pytest.mark.django_db
def test_role_changes_and_removals_are_audited_by_the_service(
    acme: Agency, carol: Membership
) -> None:
    services.member_change_role(membership=carol, role="admin", by=acme.admin.user)
    services.member_remove(membership=carol, by=acme.admin.user)
    assert audit_trail(acme.organization)[-2:] == [
        ("changed", "membership", "alice@acme.example"),
        ("removed", "membership", "alice@acme.example"),
    ]


@pytest.mark.django_db
def test_membership_activate_marks_the_latest_organization(globex: Agency) -> None:
    other = MembershipFactory(user=globex.admin.user)
    services.membership_activate(membership=other)
    other.refresh_from_db()
    assert other.last_active_at is not None
    assert globex.admin.last_active_at is None
