"""Generating, storing and sharing client reports."""

import logging
from datetime import timedelta

from django.contrib.auth.models import User
from django.core import signing
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from advisor.models import Assessment
from advisor.services import ProjectArchived
from projects.models import AuditEvent, Project, person_name
from projects.services import audit_record
from reports.content import report_context
from reports.models import SHARE_SALT, Report, ShareLink
from reports.pdf import REPORT_TEMPLATE_VERSION, render_report_pdf

logger = logging.getLogger(__name__)

MAX_SHARE_DAYS = 90
# The audit trail notes one view per link and visitor in this time; the link counts them all.
SHARE_VIEW_AUDIT_INTERVAL = timedelta(hours=1)


class ReportRenderError(Exception):
    """The PDF could not be rendered; nothing was stored and the assessment is untouched."""


class ShareLinkUnavailable(Exception):
    """The link is unknown, expired or revoked."""


def previous_report_assessment(assessment: Assessment) -> Assessment | None:
    """The assessment behind this project's latest earlier report, to say what changed."""
    earlier = (
        Report.objects.filter(
            assessment__project_id=assessment.project_id,
            assessment__number__lt=assessment.number,
        )
        .select_related("assessment")
        .order_by("-assessment__number")
        .first()
    )
    return earlier.assessment if earlier else None


def report_context_for(assessment: Assessment, variant: str, by: User | None) -> dict[str, object]:
    return report_context(
        assessment=assessment,
        variant=variant,
        organization=assessment.project.client.organization,
        prepared_by=person_name(by, with_title=True) if by else "the team",
        previous=previous_report_assessment(assessment),
    )


def report_generate(*, assessment: Assessment, variant: str, by: User) -> tuple[Report, bool]:
    """Render and store the report, or return the one already stored for this template version.

    Returns the report and whether it was created (and noted in the audit trail). Raises
    `ReportRenderError` if rendering fails, and `ProjectArchived` if the project is archived
    (its stored reports are still returned); then nothing is stored.
    """
    existing = Report.objects.filter(
        assessment=assessment, variant=variant, template_version=REPORT_TEMPLATE_VERSION
    ).first()
    if existing:
        return existing, False
    if Project.objects.archived().filter(pk=assessment.project_id).exists():
        raise ProjectArchived
    try:
        rendered = render_report_pdf(report_context_for(assessment, variant, by))
    except Exception as error:
        logger.exception("Rendering the %s report of assessment %s failed", variant, assessment.pk)
        raise ReportRenderError(str(error)) from error
    if rendered.refused_urls:
        logger.warning("Report rendering refused %d URL(s)", len(rendered.refused_urls))
    report = Report(
        assessment=assessment,
        variant=variant,
        template_version=REPORT_TEMPLATE_VERSION,
        checksum=rendered.checksum,
        size=len(rendered.pdf),
        page_count=rendered.page_count,
        generated_by=by,
    )
    report.file.save(f"{rendered.checksum[:16]}.pdf", ContentFile(rendered.pdf), save=False)
    try:
        with transaction.atomic():
            report.save()
            audit_record(
                organization=assessment.project.client.organization,
                actor=by,
                action=AuditEvent.Action.GENERATED,
                target=report,
            )
    except IntegrityError:
        # A colleague generated the same report a moment ago: keep theirs.
        report.file.delete(save=False)
        return Report.objects.get(
            assessment=assessment, variant=variant, template_version=REPORT_TEMPLATE_VERSION
        ), False
    return report, True


@transaction.atomic
def share_link_create(*, report: Report, days: int, by: User) -> ShareLink:
    """A link to the report that works without a login for `days` days (1 to 90)."""
    if not 1 <= days <= MAX_SHARE_DAYS:
        raise ValueError(f"days must be from 1 to {MAX_SHARE_DAYS}")
    link = ShareLink.objects.create(
        report=report, expires_at=timezone.now() + timedelta(days=days), created_by=by
    )
    audit_record(
        organization=report.assessment.project.client.organization,
        actor=by,
        action=AuditEvent.Action.SHARED,
        target=report,
        detail=f"link {link.pk}, {days} days",
    )
    return link


@transaction.atomic
def share_link_revoke(*, link: ShareLink, by: User) -> None:
    """Stop the link from opening its report; revoking it again keeps the first time."""
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    audit_record(
        organization=link.report.assessment.project.client.organization,
        actor=by,
        action=AuditEvent.Action.REVOKED,
        target=link.report,
        detail=f"link {link.pk}",
    )


def share_visitor(*, address: str, user_agent: str) -> str:
    """A short pseudonym for whoever opens a link: a keyed hash of their address and browser,
    so views can be told apart without storing the address (nor letting it be guessed back)."""
    key = f"{address}|{user_agent}"
    return salted_hmac("reports.share-visitor", key, algorithm="sha256").hexdigest()[:12]


@transaction.atomic
def share_link_open(*, token: str, visitor: str) -> ShareLink:
    """Check a shared link and count the view. Raises `ShareLinkUnavailable`.

    Every view is counted; the audit trail notes at most one view per link, visitor and hour,
    so a refreshing reader (or a script) cannot flood it.
    """
    try:
        pk = signing.loads(token, salt=SHARE_SALT)
    except signing.BadSignature as error:
        raise ShareLinkUnavailable from error
    now = timezone.now()
    # The update locks the link's row until commit, so two views at once note one audit row.
    updated = ShareLink.objects.filter(pk=pk, revoked_at__isnull=True, expires_at__gt=now).update(
        view_count=F("view_count") + 1, last_viewed_at=now
    )
    if not updated:
        raise ShareLinkUnavailable
    link = ShareLink.objects.select_related("report__assessment__project__client").get(pk=pk)
    organization = link.report.assessment.project.client.organization
    detail = f"link {link.pk}, visitor {visitor}"
    seen_within_the_hour = organization.audit_events.filter(
        action=AuditEvent.Action.VIEWED,
        target_id=link.report_id,
        detail=detail,
        created_at__gt=now - SHARE_VIEW_AUDIT_INTERVAL,
    ).exists()
    if not seen_within_the_hour:
        audit_record(
            organization=organization,
            actor=None,
            action=AuditEvent.Action.VIEWED,
            target=link.report,
            detail=detail,
        )
    return link
