"""Every write of this app and its audit event: one named function each."""

import logging
import secrets
import unicodedata
from collections.abc import Iterator, Mapping

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from projects.models import (
    UNIQUE_CLIENT_NAME,
    AuditEvent,
    Client,
    Invitation,
    Membership,
    Organization,
    Profile,
    Project,
    person_name,
)
from projects.validators import ONE_LINE

logger = logging.getLogger(__name__)


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


class InvitationRefused(Exception):
    """The address cannot be invited: its owner is already a member, or already invited."""


class InvitationNotSent(Exception):
    """The mail server did not take the invitation email; nothing was saved."""


class InvitationUnavailable(Exception):
    """The invitation can no longer be answered (answered, withdrawn, expired), or not by this
    account."""


def single_line(text: str) -> str:
    """`text` on one line: line breaks and other control characters become spaces, invisible
    format characters (bidi overrides, zero-width marks) go, and runs of spaces collapse.

    Stored names may hold anything; an email header must never carry a line break.
    """
    kept = []
    for character in text:
        category = unicodedata.category(character)
        if category == "Cf":
            continue
        kept.append(" " if category in {"Cc", "Zl", "Zp"} else character)
    return " ".join("".join(kept).split())


def _invitation_email(*, invitation: Invitation, token: str, base_url: str) -> EmailMessage:
    inviter = invitation.invited_by
    context = {
        "organization_name": single_line(invitation.organization.name),
        "inviter": single_line(person_name(inviter)) if inviter else "An admin",
        "invitation": invitation,
        # The email, and only the email, may differ for someone who already has an account:
        # it goes to the address's owner, never to the admin who invited them.
        "has_account": User.objects.filter(email__iexact=invitation.email).exists(),
        "link": base_url.rstrip("/") + reverse("projects:invitation_open", args=[token]),
    }
    return EmailMessage(
        subject=f"Join {context['organization_name']} on the Advisor",
        body=render_to_string("projects/email/invitation.txt", context),
        to=[invitation.email],
    )


def _deliver(message: EmailMessage) -> None:
    try:
        message.send()
    except Exception as error:
        # Whatever the mail backend raises (refused, unreachable, a bad header): the caller
        # rolls back, so no invitation exists that its recipient was never told about.
        logger.exception("The invitation email to %s could not be sent", message.to)
        raise InvitationNotSent(str(error)) from error


def _new_token() -> tuple[str, str]:
    """A fresh unguessable token (256 random bits) and the hash the database keeps of it."""
    token = secrets.token_urlsafe(32)
    return token, Invitation.hash_token(token)


def invitation_send(
    *,
    organization: Organization,
    email: str,
    role: str,
    invited_by: User,
    base_url: str,
) -> Invitation:
    """Invite someone by email; they see nothing of the organization until they accept.

    Every address is treated alike, with or without an account, so the admin learns nothing
    about who has one. The email goes out before the transaction ends: if the mail backend
    fails, the invitation and its audit event are rolled back and InvitationNotSent is raised.
    """
    email = email.strip().lower()
    if role not in Membership.Role.values:
        raise InvitationRefused("Choose a role: admin or member.")
    if organization.memberships.filter(user__email__iexact=email).exists():
        raise InvitationRefused("This person is already a member.")
    token, token_hash = _new_token()
    now = timezone.now()
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                organization=organization,
                email=email,
                role=role,
                invited_by=invited_by,
                token_hash=token_hash,
                sent_at=now,
                expires_at=now + Invitation.VALID_FOR,
            )
            audit_record(
                organization=organization,
                actor=invited_by,
                action=AuditEvent.Action.SENT,
                target=invitation,
                detail=f"as {role}",
            )
            _deliver(_invitation_email(invitation=invitation, token=token, base_url=base_url))
    except IntegrityError as error:
        raise InvitationRefused(
            "You have already invited this address; re-send or revoke that invitation below."
        ) from error
    return invitation


def _locked(invitation: Invitation) -> Invitation:
    return (
        Invitation.objects.select_for_update().select_related("organization").get(pk=invitation.pk)
    )


def _require_open(invitation: Invitation, *, user: User | None) -> None:
    if invitation.status != Invitation.Status.PENDING:
        raise InvitationUnavailable(
            "This invitation is no longer open: it was already answered or withdrawn."
        )
    if invitation.is_expired():
        raise InvitationUnavailable(
            "This invitation has expired. Ask an admin of the organization to send it again."
        )
    if user is not None and (user.email or "").lower() != invitation.email:
        raise InvitationUnavailable("This invitation was sent to another email address.")


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by: User, base_url: str) -> Invitation:
    """Email a pending invitation again with a new link, open for another 14 days.

    The new link replaces the old one. If the email fails, nothing changes: the old link and
    its deadline stay as they were.
    """
    invitation = _locked(invitation)
    if invitation.status != Invitation.Status.PENDING:
        raise InvitationUnavailable("This invitation was already answered or withdrawn.")
    token, invitation.token_hash = _new_token()
    invitation.sent_at = timezone.now()
    invitation.expires_at = invitation.sent_at + Invitation.VALID_FOR
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
    audit_record(
        organization=invitation.organization,
        actor=by,
        action=AuditEvent.Action.RESENT,
        target=invitation,
    )
    _deliver(_invitation_email(invitation=invitation, token=token, base_url=base_url))
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User) -> None:
    """Withdraw a pending invitation; its link stops working."""
    invitation = _locked(invitation)
    if invitation.status != Invitation.Status.PENDING:
        raise InvitationUnavailable("This invitation was already answered or withdrawn.")
    _close(invitation, Invitation.Status.REVOKED)
    audit_record(
        organization=invitation.organization,
        actor=by,
        action=AuditEvent.Action.REVOKED,
        target=invitation,
    )


def _close(invitation: Invitation, status: str) -> None:
    invitation.status = status
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Join the organization as the signed-in account whose email the invitation was sent to.

    The organization becomes the user's most recent one, so their next session starts there.
    """
    invitation = _locked(invitation)
    _require_open(invitation, user=user)
    membership, _ = Membership.objects.get_or_create(
        user=user, organization=invitation.organization, defaults={"role": invitation.role}
    )
    membership_activate(membership=membership)
    _close(invitation, Invitation.Status.ACCEPTED)
    audit_record(
        organization=invitation.organization,
        actor=user,
        action=AuditEvent.Action.ACCEPTED,
        target=invitation,
        detail=f"joined as {membership.role}",
    )
    return membership


def _free_usernames(email: str) -> Iterator[str]:
    """Usernames to try for a new account: the email itself if no account uses it, else the
    email with a random suffix. People log in with their email either way."""
    max_length = User._meta.get_field("username").max_length or 150
    if len(email) <= max_length and not User.objects.filter(username__iexact=email).exists():
        yield email
    for _ in range(5):
        yield f"{email[: max_length - 9]}-{secrets.token_hex(4)}"


@transaction.atomic
def invitation_accept_as_new_account(
    *, invitation: Invitation, password: str, first_name: str, last_name: str
) -> Membership:
    """Create the account of someone invited who has none, with their name and chosen password,
    and join. The email proves who they are: the link only ever went to that address. Raises
    `ValidationError` naming the name field refused; then nothing is saved."""
    if problems := _person_problems(first_name=first_name, last_name=last_name):
        raise ValidationError(problems)
    invitation = _locked(invitation)
    _require_open(invitation, user=None)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise InvitationUnavailable(
            "An account with this email address already exists: log in to accept."
        )
    for username in _free_usernames(invitation.email):
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    username=username,
                    email=invitation.email,
                    password=password,
                    first_name=first_name,
                    last_name=last_name,
                )
        except IntegrityError:  # taken a moment ago by someone else: try the next one
            continue
        return invitation_accept(invitation=invitation, user=user)
    raise InvitationUnavailable("We could not create your account; please try again.")


@transaction.atomic
def invitation_decline(*, invitation: Invitation, user: User | None) -> None:
    """Say no to an invitation: as the signed-in recipient, or (`user` None) through the
    emailed link by someone who has no account."""
    invitation = _locked(invitation)
    _require_open(invitation, user=user)
    _close(invitation, Invitation.Status.DECLINED)
    audit_record(
        organization=invitation.organization,
        actor=user,
        action=AuditEvent.Action.DECLINED,
        target=invitation,
    )


def membership_activate(*, membership: Membership) -> None:
    """Note that the user now works in this organization, so their next session starts here."""
    membership.last_active_at = timezone.now()
    membership.save(update_fields=["last_active_at"])


def _admins_left_without(membership: Membership) -> int:
    # Lock the admin rows so two colleagues demoting each other cannot both succeed.
    admins = Membership.objects.select_for_update().filter(
        organization_id=membership.organization_id, role=Membership.Role.ADMIN
    )
    return sum(1 for admin in admins if admin.pk != membership.pk)


@transaction.atomic
def member_change_role(*, membership: Membership, role: str, by: User) -> Membership:
    """Change a member's role; the last admin cannot be demoted."""
    if (
        role != Membership.Role.ADMIN
        and membership.is_admin
        and not _admins_left_without(membership)
    ):
        raise LastAdminError("An organization needs at least one admin.")
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        organization=membership.organization,
        actor=by,
        action=AuditEvent.Action.CHANGED,
        target=membership,
        detail=f"role: {role}",
    )
    return membership


@transaction.atomic
def member_remove(*, membership: Membership, by: User) -> None:
    """Remove someone from the organization; their account stays for their other organizations."""
    if membership.is_admin and not _admins_left_without(membership):
        raise LastAdminError("An organization needs at least one admin.")
    audit_record(
        organization=membership.organization,
        actor=by,
        action=AuditEvent.Action.REMOVED,
        target=membership,
    )
    membership.delete()


@transaction.atomic
def member_leave(*, membership: Membership) -> None:
    """Leave an organization of one's own accord; the last admin cannot."""
    if membership.is_admin and not _admins_left_without(membership):
        raise LastAdminError(
            f"You are the only admin of {membership.organization.name}, so you cannot leave it "
            "yet. Make a colleague an admin first."
        )
    audit_record(
        organization=membership.organization,
        actor=membership.user,
        action=AuditEvent.Action.LEFT,
        target=membership,
    )
    membership.delete()


class ClientNameTaken(Exception):
    """Another client of the organization has this name (ignoring case)."""


class ClientArchived(Exception):
    """The client is archived: it takes no new projects, and its projects cannot be restored
    one by one, until it is restored itself."""

    def __init__(self, client: Client) -> None:
        super().__init__(f"The client “{client.name}” is archived.")
        self.client = client


# What people edit through the forms. The rest (organization, creator, archived_at) only
# changes through the functions below, so no caller can skip their rules or audit events.
CLIENT_FIELDS = frozenset({"name", "industry", "contact_name", "contact_email", "notes"})
PROJECT_FIELDS = frozenset({"client", "name", "description"})
BRANDING_FIELDS = frozenset(
    {"name", "logo", "brand_color", "contact_line", "website", "report_footer"}
)


def _assign(instance: Model, fields: Mapping[str, object], editable: frozenset[str]) -> None:
    """Set `fields` on `instance` as a model form would (a `False` file clears it); refuse a
    name outside `editable`, so a caller cannot change what has a function of its own."""
    if unknown := set(fields) - editable:
        raise TypeError(f"{type(instance).__name__} fields that cannot be set: {sorted(unknown)}")
    for name, value in fields.items():
        # Every editable name is a concrete field, never a reverse relation.
        instance._meta.get_field(name).save_form_data(instance, value)  # type: ignore[union-attr]


def _client_save(client: Client) -> None:
    """Check the client's fields and save it. Whether the name is taken is the unique
    constraint's to say (it compares the database's LOWER()), so a colleague taking the name a
    moment ago raises `ClientNameTaken` too; then nothing is saved and the request can go on."""
    client.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            client.save()
    except IntegrityError as error:
        if UNIQUE_CLIENT_NAME in str(error):
            raise ClientNameTaken(client.name) from error
        raise


@transaction.atomic
def client_create(*, organization: Organization, by: User, fields: Mapping[str, object]) -> Client:
    """Add a client to the organization. Raises `ValidationError` naming the field a model
    rule refuses, or `ClientNameTaken`."""
    client = Client(organization=organization)
    _assign(client, fields, CLIENT_FIELDS)
    _client_save(client)
    audit_record(
        organization=organization, actor=by, action=AuditEvent.Action.CREATED, target=client
    )
    return client


@transaction.atomic
def client_update(*, client: Client, by: User, fields: Mapping[str, object]) -> Client:
    """Change a client's details and return it saved; `client` itself keeps the values it had.
    Raises `ValidationError` or `ClientNameTaken`, and then nothing is saved."""
    edited = (
        Client.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=client.pk)
    )
    _assign(edited, fields, CLIENT_FIELDS)
    _client_save(edited)
    audit_record(
        organization=edited.organization, actor=by, action=AuditEvent.Action.CHANGED, target=edited
    )
    return edited


@transaction.atomic
def client_archive(*, client: Client, by: User) -> None:
    """Hide a client from pickers and lists, and archive its projects with it."""
    client.archived_at = timezone.now()
    client.save(update_fields=["archived_at", "updated_at"])
    client.projects.filter(archived_at__isnull=True).update(
        archived_at=client.archived_at, updated_at=client.archived_at
    )
    audit_record(
        organization=client.organization, actor=by, action=AuditEvent.Action.ARCHIVED, target=client
    )


@transaction.atomic
def client_restore(*, client: Client, by: User) -> None:
    """Bring an archived client back; its projects stay archived until restored one by one."""
    client.archived_at = None
    client.save(update_fields=["archived_at", "updated_at"])
    audit_record(
        organization=client.organization, actor=by, action=AuditEvent.Action.RESTORED, target=client
    )


def _active_client(client: Client, *, organization_id: int) -> Client:
    """The client, locked until the transaction ends (so it cannot be archived meanwhile), if it
    belongs to the organization and is active. Raises `ValidationError` or `ClientArchived`."""
    locked = Client.objects.select_for_update().get(pk=client.pk)
    if locked.organization_id != organization_id:
        raise ValidationError({"client": "Choose one of your organization's clients."})
    if locked.is_archived:
        raise ClientArchived(locked)
    return locked


@transaction.atomic
def project_create(
    *, organization: Organization, by: User, fields: Mapping[str, object]
) -> Project:
    """Start a project for one of the organization's active clients. Raises `ValidationError`
    naming the field a model rule refuses, or `ClientArchived`."""
    project = Project(created_by=by)
    _assign(project, fields, PROJECT_FIELDS)
    if project.client_id is not None:
        _active_client(project.client, organization_id=organization.pk)
    project.full_clean()
    project.save()
    audit_record(
        organization=organization, actor=by, action=AuditEvent.Action.CREATED, target=project
    )
    return project


@transaction.atomic
def project_update(*, project: Project, by: User, fields: Mapping[str, object]) -> Project:
    """Change a project's details and return it saved. Moving it to another client needs an
    active client of the same organization. Raises `ValidationError` or `ClientArchived`."""
    edited = (
        Project.objects.select_for_update(of=("self",))
        .select_related("client__organization")
        .get(pk=project.pk)
    )
    organization, saved_client_id = edited.client.organization, edited.client_id
    _assign(edited, fields, PROJECT_FIELDS)
    if edited.client_id not in {saved_client_id, None}:
        _active_client(edited.client, organization_id=organization.pk)
    edited.full_clean()
    edited.save()
    audit_record(
        organization=organization, actor=by, action=AuditEvent.Action.CHANGED, target=edited
    )
    return edited


@transaction.atomic
def project_archive(*, project: Project, by: User) -> None:
    """Hide a project from the dashboard; its assessments and reports stay readable."""
    project.archived_at = timezone.now()
    project.save(update_fields=["archived_at", "updated_at"])
    audit_record(
        organization=project.client.organization,
        actor=by,
        action=AuditEvent.Action.ARCHIVED,
        target=project,
    )


@transaction.atomic
def project_restore(*, project: Project, by: User) -> None:
    """Un-archive a project; its stage follows its assessments. Raises `ClientArchived` if its
    client is archived: the client comes back first."""
    client = (
        Client.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=project.client_id)
    )
    if client.is_archived:
        raise ClientArchived(client)
    project.archived_at = None
    project.save(update_fields=["archived_at", "updated_at"])
    audit_record(
        organization=client.organization,
        actor=by,
        action=AuditEvent.Action.RESTORED,
        target=project,
    )


@transaction.atomic
def organization_update_branding(
    *, organization: Organization, by: User, fields: Mapping[str, object]
) -> Organization:
    """Change the name, logo, colour and lines that reports carry, and return the organization
    saved; `organization` itself keeps the values it had. Raises `ValidationError`."""
    edited = Organization.objects.select_for_update().get(pk=organization.pk)
    _assign(edited, fields, BRANDING_FIELDS)
    edited.full_clean()
    edited.save()
    audit_record(
        organization=edited,
        actor=by,
        action=AuditEvent.Action.CHANGED,
        target=edited,
        detail="branding",
    )
    return edited


NAME_REQUIRED = "Enter your name, as colleagues and clients should see it."


def _person_problems(*, first_name: str, last_name: str, **profile: str) -> dict[str, list[str]]:
    """What is wrong with a person's name (and, given, profile fields), by field: each must fit
    its column and one line, and the first name must be given."""
    typed = {"first_name": first_name, "last_name": last_name, **profile}
    problems: dict[str, list[str]] = {}
    for field, value in typed.items():
        model: type[Model] = Profile if field in profile else User
        try:
            model._meta.get_field(field).run_validators(value)  # type: ignore[union-attr]
            ONE_LINE(value)
        except ValidationError as error:
            problems[field] = error.messages
    if not first_name.strip():
        problems.setdefault("first_name", []).append(NAME_REQUIRED)
    return problems


@transaction.atomic
def profile_update(*, user: User, first_name: str, last_name: str, job_title: str) -> Profile:
    """Set the name and job title colleagues see beside the user's work and reports print after
    "Prepared by". Raises `ValidationError` naming each field refused; then nothing is saved.

    A change is noted in the audit trail of every organization the user belongs to, where the
    name shows; saving the same values again notes nothing.
    """
    if problems := _person_problems(
        first_name=first_name, last_name=last_name, job_title=job_title
    ):
        raise ValidationError(problems)
    account = User.objects.select_for_update().get(pk=user.pk)
    profile, _ = Profile.objects.select_for_update().get_or_create(user=account)
    changed = []
    if (account.first_name, account.last_name) != (first_name, last_name):
        account.first_name, account.last_name = first_name, last_name
        account.save(update_fields=["first_name", "last_name"])
        changed.append("name")
    if profile.job_title != job_title:
        profile.job_title = job_title
        profile.save(update_fields=["job_title", "updated_at"])
        changed.append("job title")
    if changed:
        for membership in Membership.objects.for_user(account):
            audit_record(
                organization=membership.organization,
                actor=account,
                action=AuditEvent.Action.CHANGED,
                target=profile,
                detail=" and ".join(changed),
            )
    return profile
