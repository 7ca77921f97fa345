from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Value
from django.db.models.functions import Lower
from django.urls import reverse

from projects.validators import MULTI_LINE, ONE_LINE

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

BRAND_COLOR_VALIDATOR = RegexValidator(
    r"\A#[0-9a-fA-F]{6}\Z", "Enter a colour as # followed by six hex digits, e.g. #1f4e79."
)


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


class MembershipQuerySet(models.QuerySet["Membership"]):
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


class ProjectQuerySet(models.QuerySet["Project"]):
    def for_organization(self, organization: Organization) -> ProjectQuerySet:
        return self.filter(client__organization=organization)


class Project(models.Model):
    """One AI use case for a client, to be assessed: prompting or fine-tuning?"""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ASSESSING = "assessing", "Assessing"
        RECOMMENDED = "recommended", "Recommended"
        ARCHIVED = "archived", "Archived"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(max_length=120, validators=[ONE_LINE])
    description = models.TextField(
        "AI use case",
        max_length=2000,
        blank=True,
        validators=[MULTI_LINE],
        help_text="In a sentence or two: what should the AI do, for whom?",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
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

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["client", "status"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:project_detail", kwargs={"pk": self.pk})

    @property
    def is_archived(self) -> bool:
        return self.status == self.Status.ARCHIVED


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
        DOWNLOADED = "downloaded", "downloaded"
        SHARED = "shared", "shared"
        REVOKED = "revoked", "revoked"
        VIEWED = "viewed", "viewed through a share link"
        ADDED = "added", "added"
        REMOVED = "removed", "removed"

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
