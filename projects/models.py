from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import RegexValidator, URLValidator
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce, Greatest, Lower
from django.urls import reverse
from django.utils import timezone

from projects.validators import MULTI_LINE, ONE_LINE

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

BRAND_COLOR_VALIDATOR = RegexValidator(
    r"\A#[0-9a-fA-F]{6}\Z", "Enter a colour as # followed by six hex digits, e.g. #1f4e79."
)
DEFAULT_BRAND_COLOR = "#1f4e79"
_HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def relative_luminance(color: str) -> float:
    """WCAG 2 relative luminance of a `#rrggbb` colour: 0 for black, 1 for white."""
    channels = []
    for start in (1, 3, 5):
        value = int(color[start : start + 2], 16) / 255
        channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def readable_ink(background: str) -> str:
    """Black or white, whichever contrasts more with `background` (always at least 4.58:1)."""
    luminance = relative_luminance(background)
    on_black = (luminance + 0.05) / 0.05
    on_white = 1.05 / (luminance + 0.05)
    return "#000000" if on_black >= on_white else "#ffffff"


class Organization(models.Model):
    """An agency: the tenant that owns clients, projects and reports."""

    name = models.CharField(max_length=120, validators=[ONE_LINE])
    logo = models.ImageField(upload_to="logos/", blank=True)
    brand_color = models.CharField(
        "brand colour",
        max_length=7,
        default="#1f4e79",
        validators=[BRAND_COLOR_VALIDATOR],
        help_text="Used for headings and accents on client reports.",
    )
    contact_line = models.CharField(
        max_length=200,
        blank=True,
        validators=[ONE_LINE],
        help_text="How clients reach you, e.g. 'hello@agency.example · +44 20 7946 0000'.",
    )
    website = models.URLField(
        blank=True,
        max_length=200,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="Linked from the page a client opens with a share link, e.g. https://agency.example.",
    )
    report_footer = models.CharField(
        max_length=300,
        blank=True,
        validators=[ONE_LINE],
        help_text="A short line printed at the foot of every report page.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def brand_background(self) -> str:
        """The brand colour, or the default if the stored value is not `#rrggbb`: safe in CSS."""
        color = self.brand_color
        return color.lower() if _HEX_COLOR.fullmatch(color or "") else DEFAULT_BRAND_COLOR

    @property
    def brand_foreground(self) -> str:
        """Text colour that stays readable on the brand colour."""
        return readable_ink(self.brand_background)


class Profile(models.Model):
    """What a person tells colleagues and clients beyond their account: their job title. The
    name lives on the account (`first_name`, `last_name`). Created on the first save."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    job_title = models.CharField(
        max_length=120,
        blank=True,
        validators=[ONE_LINE],
        help_text="Printed after your name on the reports you prepare, e.g. “Lead consultant”.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return person_name(self.user)


def job_title(user: User) -> str:
    """The user's job title, or "" if they have not given one (or have no profile yet)."""
    try:
        return user.profile.job_title
    except Profile.DoesNotExist:
        return ""


def person_name(user: User, *, with_title: bool = False) -> str:
    """The name to show for a user: their full name, else their email (else their username);
    with `with_title`, followed by their job title if they gave one ("Jo Smith, Lead consultant").
    """
    name = user.get_full_name() or user.email or user.get_username()
    title = job_title(user) if with_title else ""
    return f"{name}, {title}" if title else name


class MembershipQuerySet(models.QuerySet["Membership"]):
    def for_organization(self, organization: Organization) -> MembershipQuerySet:
        return self.filter(organization=organization)

    def for_user(self, user: User | AnonymousUser) -> MembershipQuerySet:
        return self.filter(user_id=user.pk or 0).select_related("organization")


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", "Admin"
        MEMBER = "member", "Member"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the user last switched to or joined this organization: a new session starts in the
    # most recent one, never in whichever name sorts first (a look-alike name could claim that).
    last_active_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="unique_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.organization} ({self.role})"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN

    def is_only_admin(self) -> bool:
        """Whether the organization would be left without an admin if this member went."""
        others = Membership.objects.filter(
            organization_id=self.organization_id, role=self.Role.ADMIN
        ).exclude(pk=self.pk)
        return self.is_admin and not others.exists()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def for_organization(self, organization: Organization) -> InvitationQuerySet:
        return self.filter(organization=organization)

    def pending(self) -> InvitationQuerySet:
        return self.filter(status=Invitation.Status.PENDING)

    def open(self) -> InvitationQuerySet:
        """Pending and not yet expired: the ones that can still be accepted."""
        return self.pending().filter(expires_at__gt=timezone.now())

    def addressed_to(self, user: User | AnonymousUser) -> InvitationQuerySet:
        """The pending invitations sent to the signed-in user's email address."""
        email = getattr(user, "email", "")
        if not user.is_authenticated or not email:
            return self.none()
        return self.pending().filter(email__iexact=email)

    def with_token(self, token: str) -> InvitationQuerySet:
        return self.filter(token_hash=Invitation.hash_token(token))


class Invitation(models.Model):
    """An admin's offer to someone, by email, to join the organization.

    Nothing of the organization is shared until the recipient accepts: an invitation never makes
    anyone a member on its own.
    """

    VALID_FOR = timedelta(days=14)

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        REVOKED = "revoked", "Revoked"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()  # stored lower-cased
    role = models.CharField(
        max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Only a hash: the token itself travels in the email alone, so reading the database opens
    # no invitation. Re-sending replaces it, which retires the older links.
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=models.Q(status="pending"),
                name="one_pending_invitation_per_email",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())

    def is_open(self) -> bool:
        return self.status == self.Status.PENDING and not self.is_expired()


# A client's name is unique in its organization, ignoring case (see ClientQuerySet.named).
UNIQUE_CLIENT_NAME = "unique_client_name_per_organization"


class ClientQuerySet(models.QuerySet["Client"]):
    def for_organization(self, organization: Organization) -> ClientQuerySet:
        return self.filter(organization=organization)

    def active(self) -> ClientQuerySet:
        return self.filter(archived_at__isnull=True)

    def named(self, name: str) -> ClientQuerySet:
        """Clients whose name the unique constraint counts as `name`: it compares Lower(name),
        with the database's own case rules, so this asks the database in the same words."""
        return self.alias(lower_name=Lower("name")).filter(lower_name=Lower(Value(name)))


class Client(models.Model):
    """A customer of the agency, for whom it builds AI projects."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="clients")
    name = models.CharField(max_length=120, validators=[ONE_LINE])
    industry = models.CharField(max_length=80, blank=True, validators=[ONE_LINE])
    contact_name = models.CharField(max_length=120, blank=True, validators=[ONE_LINE])
    contact_email = models.EmailField(blank=True)
    notes = models.TextField(blank=True, max_length=5000, validators=[MULTI_LINE])
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = [Lower("name")]
        constraints = [
            models.UniqueConstraint(
                "organization",
                Lower("name"),
                name=UNIQUE_CLIENT_NAME,
                violation_error_message="This organization already has a client with this name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:client_detail", kwargs={"pk": self.pk})

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class ProjectStage(models.TextChoices):
    """Where a project stands, derived from its assessments (never stored)."""

    DRAFT = "draft", "Draft"
    ASSESSING = "assessing", "Assessing"
    RECOMMENDED = "recommended", "Recommended"


class ProjectQuerySet(models.QuerySet["Project"]):
    def for_organization(self, organization: Organization) -> ProjectQuerySet:
        return self.filter(client__organization=organization)

    def active(self) -> ProjectQuerySet:
        return self.filter(archived_at__isnull=True)

    def archived(self) -> ProjectQuerySet:
        return self.filter(archived_at__isnull=False)

    def with_stage(self) -> ProjectQuerySet:
        """Annotate `stage` (a ProjectStage value) and `draft_id` (the draft in progress, if any).

        A project is assessing while an assessment is in progress, recommended once one is
        submitted and none is in progress, and a draft before its first assessment. The
        assessments belong to the advisor app; they are read through the reverse relation,
        by the name of their status field and its values, never imported.
        """
        return self.annotate(  # type: ignore[no-redef]  # the attributes declared on Project
            draft_id=models.Max("assessments__pk", filter=models.Q(assessments__status="draft")),
            submitted=models.Count("assessments", filter=models.Q(assessments__status="submitted")),
            # Work on an assessment is work on the project: "recently updated" counts it.
            last_activity=Greatest(
                "updated_at", Coalesce(models.Max("assessments__updated_at"), "updated_at")
            ),
        ).annotate(
            stage=models.Case(
                models.When(draft_id__isnull=False, then=models.Value(ProjectStage.ASSESSING)),
                models.When(submitted__gt=0, then=models.Value(ProjectStage.RECOMMENDED)),
                default=models.Value(ProjectStage.DRAFT),
                output_field=models.CharField(),
            )
        )


class Project(models.Model):
    """One AI use case for a client, to be assessed: prompting or fine-tuning?"""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(max_length=120, validators=[ONE_LINE])
    description = models.TextField(
        "AI use case",
        max_length=2000,
        blank=True,
        validators=[MULTI_LINE],
        help_text="In a sentence or two: what should the AI do, for whom?",
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_projects",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProjectQuerySet.as_manager()
    # Set by ProjectQuerySet.with_stage() on the projects it returns.
    stage: str
    draft_id: int | None
    last_activity: datetime

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["client", "archived_at"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:project_detail", kwargs={"pk": self.pk})

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def status(self) -> str:
        """What a list's badge says: archived, or the stage (on projects from `with_stage()`)."""
        return "archived" if self.is_archived else self.stage

    def get_status_display(self) -> str:
        return "Archived" if self.is_archived else ProjectStage(self.stage).label


class AuditEvent(models.Model):
    """Who did what to which object, and when: the organization's audit trail."""

    class Action(models.TextChoices):
        CREATED = "created", "created"
        CHANGED = "changed", "changed"
        ARCHIVED = "archived", "archived"
        RESTORED = "restored", "restored"
        SUBMITTED = "submitted", "submitted"
        EXPORTED = "exported", "exported"
        IMPORTED = "imported", "imported"
        GENERATED = "generated", "generated"
        EDITED = "edited", "edited"
        OVERRIDDEN = "overridden", "overrode the recommendation in"
        FINALISING = "finalising", "started finalising"
        FINALISED = "finalised", "finalised"
        FAILED = "failed", "could not make the documents of"
        RETRIED = "retried", "retried making the documents of"
        DOWNLOADED = "downloaded", "downloaded"
        SHARED = "shared", "shared"
        REVOKED = "revoked", "revoked"
        VIEWED = "viewed", "viewed through a share link"
        VOTED = "voted", "voted through a share link in"
        ADDED = "added", "added"
        REMOVED = "removed", "removed"
        SENT = "sent", "sent"
        RESENT = "resent", "sent again"
        ACCEPTED = "accepted", "accepted"
        DECLINED = "declined", "declined"
        LEFT = "left", "left"
        EMAILED = "emailed", "emailed a share link of"
        NOTIFIED = "notified", "told the link's creator of the first view of"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=12, choices=Action.choices)
    target_type = models.CharField(max_length=40)
    target_id = models.PositiveBigIntegerField(null=True)
    # The object's name when it happened, so the trail reads well after renames and deletions.
    target_label = models.CharField(max_length=200)
    detail = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.actor} {self.get_action_display()} {self.target_type} {self.target_label}"
