"""Writes that touch several rows or send mail: one named function each."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from projects.models import (
    UNIQUE_CLIENT_NAME,
    AuditEvent,
    Client,
    Membership,
    Organization,
    Project,
)


def audit_record(
    *,
    organization: Organization,
    actor: User | None,
    action: str,
    target: Model,
    detail: str = "",
) -> AuditEvent:
    """Note in the organization's audit trail that `actor` did `action` to `target`."""
    return AuditEvent.objects.create(
        organization=organization,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=str(target._meta.verbose_name),
        target_id=target.pk,
        target_label=str(target)[:200],
        detail=detail[:200],
    )


class LastAdminError(Exception):
    """Raised when a change would leave an organization without an admin."""


def password_set_url(*, user: User, base_url: str) -> str:
    """A one-time link where the user chooses a password (Django's password reset flow)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return base_url.rstrip("/") + path


@transaction.atomic
def member_invite(
    *,
    organization: Organization,
    email: str,
    role: str,
    invited_by: User,
    base_url: str,
) -> Membership:
    """Add a colleague by email, creating their account if needed, and email them a sign-in link."""
    user_model = get_user_model()
    user: User | None = user_model.objects.filter(email__iexact=email).first()
    created = user is None
    if user is None:
        user = user_model.objects.create_user(username=email, email=email)
        user.set_unusable_password()
        user.save(update_fields=["password"])
    membership = Membership.objects.create(user=user, organization=organization, role=role)
    context = {
        "organization": organization,
        "invited_by": invited_by,
        "created": created,
        "link": password_set_url(user=user, base_url=base_url) if created else base_url,
    }
    # Sent after commit so a rolled-back invitation never mails a dead link.
    transaction.on_commit(
        lambda: send_mail(
            subject=f"You have been added to {organization.name} on the Advisor",
            message=render_to_string("projects/email/member_invite.txt", context),
            from_email=None,
            recipient_list=[email],
        )
    )
    return membership


def _admins_left_without(membership: Membership) -> int:
    # Lock the admin rows so two colleagues demoting each other cannot both succeed.
    admins = Membership.objects.select_for_update().filter(
        organization_id=membership.organization_id, role=Membership.Role.ADMIN
    )
    return sum(1 for admin in admins if admin.pk != membership.pk)


@transaction.atomic
def member_change_role(*, membership: Membership, role: str) -> Membership:
    """Change a member's role; the last admin cannot be demoted."""
    if (
        role != Membership.Role.ADMIN
        and membership.is_admin
        and not _admins_left_without(membership)
    ):
        raise LastAdminError("An organization needs at least one admin.")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def member_remove(*, membership: Membership) -> None:
    """Remove someone from the organization; their account stays for their other organizations."""
    if membership.is_admin and not _admins_left_without(membership):
        raise LastAdminError("An organization needs at least one admin.")
    membership.delete()


class ClientNameTaken(Exception):
    """Another client of the organization has this name (ignoring case)."""


def client_save(*, client: Client) -> Client:
    """Create or update a client. Raises `ClientNameTaken` if a colleague took the name between
    the form's check and this save; then nothing is saved and the request can go on."""
    try:
        with transaction.atomic():
            client.save()
    except IntegrityError as error:
        if UNIQUE_CLIENT_NAME in str(error):
            raise ClientNameTaken(client.name) from error
        raise
    return client


def client_archive(*, client: Client) -> None:
    """Hide a client from pickers and lists, and archive its projects with it."""
    with transaction.atomic():
        client.archived_at = timezone.now()
        client.save(update_fields=["archived_at", "updated_at"])
        client.projects.exclude(status=Project.Status.ARCHIVED).update(
            status=Project.Status.ARCHIVED, updated_at=timezone.now()
        )


def client_restore(*, client: Client) -> None:
    """Bring an archived client back; its projects stay archived until restored one by one."""
    client.archived_at = None
    client.save(update_fields=["archived_at", "updated_at"])


def project_archive(*, project: Project) -> None:
    project.status = Project.Status.ARCHIVED
    project.save(update_fields=["status", "updated_at"])


def project_restore(*, project: Project) -> None:
    """Un-archive a project (its client must be active), back to where its assessments left it."""
    statuses = set(project.assessments.values_list("status", flat=True))
    if "submitted" in statuses:
        project.status = Project.Status.RECOMMENDED
    elif statuses:
        project.status = Project.Status.ASSESSING
    else:
        project.status = Project.Status.DRAFT
    project.save(update_fields=["status", "updated_at"])
