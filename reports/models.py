from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone

if TYPE_CHECKING:
    from projects.models import Organization

SHARE_SALT = "reports.share-link"


class ReportQuerySet(models.QuerySet["Report"]):
    def for_organization(self, organization: Organization) -> ReportQuerySet:
        return self.filter(assessment__project__client__organization=organization)


class Report(models.Model):
    """A client-facing PDF of one submitted assessment, stored once and never changed."""

    class Variant(models.TextChoices):
        EXECUTIVE = "executive", "Executive summary"
        FULL = "full", "Full report"

    assessment = models.ForeignKey(
        "advisor.Assessment", on_delete=models.PROTECT, related_name="reports"
    )
    variant = models.CharField(max_length=10, choices=Variant.choices)
    template_version = models.CharField(max_length=20)
    file = models.FileField(upload_to="reports/")
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the PDF bytes.")
    size = models.PositiveIntegerField(help_text="Bytes.")
    page_count = models.PositiveSmallIntegerField()
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Generating again with the same template gives back the stored report.
            models.UniqueConstraint(
                fields=["assessment", "variant", "template_version"], name="one_report_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_variant_display()} for {self.assessment}"

    def get_absolute_url(self) -> str:
        return reverse("reports:detail", kwargs={"pk": self.pk})

    @property
    def filename(self) -> str:
        project = self.assessment.project
        slug = "".join(c if c.isalnum() else "-" for c in project.name.lower()).strip("-")
        return f"{slug or 'project'}-assessment-{self.assessment.number}-{self.variant}.pdf"


class ShareLinkQuerySet(models.QuerySet["ShareLink"]):
    def for_organization(self, organization: Organization) -> ShareLinkQuerySet:
        return self.filter(report__assessment__project__client__organization=organization)


class ShareLink(models.Model):
    """A link that opens one report without a login, until it expires or is revoked."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="share_links")
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    view_count = models.PositiveIntegerField(default=0)
    last_viewed_at = models.DateTimeField(null=True, blank=True)
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
