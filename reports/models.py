from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone

from advisor.scoring import APPROACH_LABELS, Approach
from projects.validators import MULTI_LINE, ONE_LINE
from reports.content import NextStepItem, Override, ReportEdits, Section

if TYPE_CHECKING:
    from projects.models import Organization

SHARE_SALT = "reports.share-link"

# How much a consultant may write: a cover letter, a paragraph or two per section.
TEXT_MAX_LENGTH = 2000
MAX_NEXT_STEPS = 20


class Variant(models.TextChoices):
    """The two documents made from one report: the short one and the whole one."""

    EXECUTIVE = "executive", "Executive summary"
    FULL = "full", "Full report"


class ReportQuerySet(models.QuerySet["Report"]):
    def for_organization(self, organization: Organization) -> ReportQuerySet:
        return self.filter(assessment__project__client__organization=organization)

    def final(self) -> ReportQuerySet:
        return self.filter(status=Report.Status.FINAL)


# A rendering that has not finished in this time died with its worker: it may be retried.
RENDER_STALLED_AFTER = timedelta(minutes=10)


class Report(models.Model):
    """The consultant's edited client report of one submitted assessment, in numbered versions.

    A draft takes edits. Finalising freezes its content and queues its documents; a worker
    renders and stores them, and only then is the version final, for good. Editing after that
    makes the next version, starting from the final one's content.
    """

    Variant = Variant

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        # Frozen, its documents being made by a worker: see `render_state`.
        FINALISING = "finalising", "Finalising"
        FINAL = "final", "Final"

    class RenderState(models.TextChoices):
        """Where a finalising version's documents are; empty for a draft or a final version."""

        QUEUED = "queued", "Queued"
        RENDERING = "rendering", "Rendering"
        FAILED = "failed", "Failed"

    assessment = models.ForeignKey(
        "advisor.Assessment", on_delete=models.PROTECT, related_name="reports"
    )
    version = models.PositiveIntegerField(
        help_text="1 for an assessment's first report, and so on."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    recipient = models.CharField(
        max_length=120,
        blank=True,
        validators=[ONE_LINE],
        help_text="The client contact the cover note is addressed to.",
    )
    cover_note = models.TextField(max_length=TEXT_MAX_LENGTH, blank=True, validators=[MULTI_LINE])
    # Section value → the consultant's commentary on it; only sections of `Section`.
    section_notes = models.JSONField(default=dict, blank=True)
    # Section values the report leaves out; never the summary.
    hidden_sections = models.JSONField(default=list, blank=True)
    override_approach = models.CharField(
        "recommended instead",
        max_length=20,
        blank=True,
        choices=[(approach.value, label) for approach, label in APPROACH_LABELS.items()],
    )
    override_rationale = models.TextField(
        "why", max_length=TEXT_MAX_LENGTH, blank=True, validators=[MULTI_LINE]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Optimistic locking: every save of the edits adds one; a save based on an older one is
    # refused, so colleagues editing one draft never overwrite each other unawares.
    revision = models.PositiveIntegerField(default=1)
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    render_state = models.CharField(max_length=10, choices=RenderState.choices, blank=True)
    render_attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Renderings of this version's documents tried since it was queued."
    )
    render_queued_at = models.DateTimeField(null=True, blank=True)
    render_started_at = models.DateTimeField(null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "version"], name="one_report_per_version_number"
            ),
            # Colleagues edit the same draft; a second one would fork the report.
            models.UniqueConstraint(
                fields=["assessment"],
                condition=models.Q(status="draft"),
                name="one_draft_report_per_assessment",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "finalising"], finalised_at__isnull=True)
                | models.Q(status="final", finalised_at__isnull=False),
                name="a_final_report_has_its_date",
            ),
            # Only a finalising version's documents are on their way.
            models.CheckConstraint(
                condition=models.Q(status="finalising") ^ models.Q(render_state=""),
                name="only_a_finalising_report_renders",
            ),
        ]

    def __str__(self) -> str:
        return f"Report version {self.version} of {self.assessment}"

    def get_absolute_url(self) -> str:
        return reverse("reports:detail", kwargs={"pk": self.pk})

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_finalising(self) -> bool:
        return self.status == self.Status.FINALISING

    @property
    def render_stalled(self) -> bool:
        """A rendering started long ago and never finished: its worker died mid-way."""
        return (
            self.render_state == self.RenderState.RENDERING
            and self.render_started_at is not None
            and timezone.now() - self.render_started_at > RENDER_STALLED_AFTER
        )

    @property
    def documents_state(self) -> str:
        """Where the version's documents are, for the page: queued, rendering, ready or failed
        (a stalled rendering has failed too)."""
        if self.is_final:
            return "ready"
        if self.render_stalled:
            return self.RenderState.FAILED.value
        return self.render_state or "draft"

    @property
    def override(self) -> Override | None:
        if not self.override_approach:
            return None
        return Override(Approach(self.override_approach), self.override_rationale)

    def edits(self) -> ReportEdits:
        """What the consultant wrote, as the report's content reads it; dated the day it was
        finalised, or today for a draft."""
        known = set(Section)
        return ReportEdits(
            recipient=self.recipient,
            cover_note=self.cover_note,
            notes={
                Section(name): text
                for name, text in self.section_notes.items()
                if name in known and text
            },
            hidden=frozenset(Section(name) for name in self.hidden_sections if name in known),
            override=self.override,
            next_steps=tuple(
                NextStepItem(step=s.step, owner=s.owner, effort=s.effort, due=s.due)
                for s in self.next_steps.all()
            ),
            version=self.version,
            final=not self.is_draft,  # a finalising version reads as the final one it becomes
            dated=timezone.localdate(self.finalised_at if self.finalised_at else None),
        )

    @property
    def superseded_by(self) -> Report | None:
        """The latest final version after this one, if there is one: it replaces this one."""
        return (
            Report.objects.final()
            .filter(assessment_id=self.assessment_id, version__gt=self.version)
            .order_by("-version")
            .first()
        )


class NextStep(models.Model):
    """One line of the consultant's plan printed in the report: what, who, how much, by when."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="next_steps")
    position = models.PositiveSmallIntegerField()
    step = models.CharField(max_length=300, validators=[ONE_LINE])
    owner = models.CharField(max_length=120, blank=True, validators=[ONE_LINE])
    effort = models.CharField(max_length=60, blank=True, validators=[ONE_LINE])
    due = models.DateField("due date", null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "position"], name="one_next_step_per_place"),
        ]

    def __str__(self) -> str:
        return self.step


class ReportFile(models.Model):
    """One rendered file of a final report, stored once and never changed."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word"

    CONTENT_TYPES = {
        Format.PDF: "application/pdf",
        Format.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="files")
    variant = models.CharField(max_length=10, choices=Variant.choices)
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.PDF)
    file = models.FileField(upload_to="reports/")
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the file's bytes.")
    size = models.PositiveIntegerField(help_text="Bytes.")
    page_count = models.PositiveSmallIntegerField(null=True, blank=True)
    template_version = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["variant", "format"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "variant", "format"], name="one_file_per_variant_and_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_variant_display()} ({self.get_format_display()}) of {self.report}"

    @property
    def filename(self) -> str:
        report = self.report
        project = report.assessment.project
        words = f"{project.client.name} {project.name} {Variant(self.variant).label}"
        slug = "-".join("".join(c if c.isalnum() else " " for c in words.lower()).split())
        return f"{slug}-version-{report.version}.{self.format}"

    @property
    def content_type(self) -> str:
        return self.CONTENT_TYPES[self.Format(self.format)]


class ShareLinkQuerySet(models.QuerySet["ShareLink"]):
    def for_organization(self, organization: Organization) -> ShareLinkQuerySet:
        return self.filter(report__assessment__project__client__organization=organization)


class ShareLink(models.Model):
    """A link that opens one variant of a final report version without a login, until it
    expires or is revoked; once a later version is final, it says so instead."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="share_links")
    variant = models.CharField(max_length=10, choices=Variant.choices)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    view_count = models.PositiveIntegerField(default=0)
    last_viewed_at = models.DateTimeField(null=True, blank=True)
    # Set once, by the first view: the preparer is emailed then, and never again for this link.
    first_viewed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Share link {self.pk} of {self.report}"

    def get_absolute_url(self) -> str:
        return reverse("reports:shared", kwargs={"token": self.token})

    @property
    def token(self) -> str:
        """Signed, so a link cannot be guessed from another one's number."""
        return signing.dumps(self.pk, salt=SHARE_SALT)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def superseded(self) -> bool:
        """A later version of the report is final: the link shows that, not this version."""
        return self.report.superseded_by is not None

    def pdf(self) -> ReportFile | None:
        """The PDF the link opens (None only if its version never had one of this document)."""
        return self.file(ReportFile.Format.PDF)

    def file(self, fmt: str) -> ReportFile | None:
        """The link's document in `fmt` (pdf or docx), if its version has it."""
        return self.report.files.filter(variant=self.variant, format=fmt).first()

    @property
    def acceptance(self) -> Acceptance | None:
        try:
            return self.accepted
        except Acceptance.DoesNotExist:
            return None


ACCEPTED_NAME_MAX_LENGTH = 120


class Acceptance(models.Model):
    """The client's written yes to the report's next step, given on the page a share link
    opens: who typed their name, when, through which link, to which version's step. One per
    link, never changed."""

    link = models.OneToOneField(ShareLink, on_delete=models.CASCADE, related_name="accepted")
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="acceptances")
    name = models.CharField("your name", max_length=ACCEPTED_NAME_MAX_LENGTH, validators=[ONE_LINE])
    # The step as the client read it, kept even if a later version words it differently.
    step = models.CharField(max_length=400)
    visitor = models.CharField(max_length=12, help_text="Pseudonym of the visitor's address.")
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-accepted_at"]

    def __str__(self) -> str:
        return f"Acceptance by {self.name} of {self.report}"


class WorkerHeartbeat(models.Model):
    """One running worker (`manage.py worker`), as it last said it was alive: the health check
    reads these. A worker that stops cleanly removes its row; one that was killed leaves it,
    ageing."""

    name = models.CharField(max_length=120, unique=True, help_text="Host and process id.")
    started_at = models.DateTimeField(auto_now_add=True)
    beat_at = models.DateTimeField(help_text="When its task runner was last seen running.")
    restarts = models.PositiveIntegerField(
        default=0, help_text="Task runners replaced so far, after their quota of tasks or a crash."
    )

    class Meta:
        ordering = ["-beat_at"]

    def __str__(self) -> str:
        return self.name
