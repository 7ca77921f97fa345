"""Editing, finalising, storing and sharing client reports."""

import logging
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Field, Model
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import Truncator

from advisor.evidence import recommended_approach
from advisor.models import Assessment
from advisor.scoring import APPROACH_LABELS, Approach
from advisor.services import ProjectArchived
from projects.models import AuditEvent, Organization, person_name
from projects.services import audit_record
from reports.content import HIDEABLE_SECTIONS, NextStepItem, ReportEdits, Section, report_context
from reports.docx import render_report_docx
from reports.models import (
    MAX_NEXT_STEPS,
    SHARE_SALT,
    NextStep,
    Report,
    ReportFile,
    ShareLink,
    Variant,
)
from reports.pdf import REPORT_TEMPLATE_VERSION, render_report_pdf

logger = logging.getLogger(__name__)

MAX_SHARE_DAYS = 90
# The audit trail notes one view per link and visitor in this time; the link counts them all.
SHARE_VIEW_AUDIT_INTERVAL = timedelta(hours=1)
# How much of an override's reason the audit trail quotes.
AUDIT_QUOTE_LENGTH = 140


class ReportRenderError(Exception):
    """The PDF could not be rendered; nothing was stored and the report is unchanged."""


class ReportIsFinal(Exception):
    """A final report never changes: editing it makes the next version."""

    def __init__(self, report: Report) -> None:
        super().__init__(
            f"Version {report.version} is final and never changes; edit it to make version "
            f"{report.version + 1}."
        )
        self.report = report


class StaleReport(Exception):
    """Someone saved the draft since this form was loaded; nothing was written."""

    def __init__(self, current: Report) -> None:
        super().__init__("The report changed since this page was loaded.")
        self.current = current


class ReportNotShareable(Exception):
    """Only the PDFs of the latest final version of a report are shared; the message says why
    this one is not."""


class InvalidReportEdits(Exception):
    """Some edits cannot be stored; `errors` names each field (as the editor names them) and
    what is wrong with it. Nothing was stored."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))
        self.errors = dict(errors)


class ShareLinkUnavailable(Exception):
    """The link is unknown, expired or revoked."""


def previous_report_assessment(assessment: Assessment) -> Assessment | None:
    """The assessment behind this project's latest earlier final report, to say what changed."""
    earlier = (
        Report.objects.final()
        .filter(
            assessment__project_id=assessment.project_id,
            assessment__number__lt=assessment.number,
        )
        .select_related("assessment")
        .order_by("-assessment__number")
        .first()
    )
    return earlier.assessment if earlier else None


def report_context_for(
    assessment: Assessment, variant: str, by: User | None, edits: ReportEdits | None = None
) -> dict[str, object]:
    """What the report template needs for this assessment, prepared by `by`, with the edits."""
    return report_context(
        assessment=assessment,
        variant=variant,
        organization=assessment.project.client.organization,
        prepared_by=person_name(by, with_title=True) if by else "the team",
        previous=previous_report_assessment(assessment),
        edits=edits,
    )


def report_preview_context(report: Report, variant: str, by: User | None) -> dict[str, object]:
    """A version as its PDF reads: a final one as finalised, a draft as `by` would finalise it."""
    prepared_by = report.finalised_by if report.is_final else by
    return report_context_for(report.assessment, variant, prepared_by, edits=report.edits())


def _organization(report: Report) -> Organization:
    return report.assessment.project.client.organization


def _audit(report: Report, by: User | None, action: str, detail: str = "") -> None:
    audit_record(
        organization=_organization(report), actor=by, action=action, target=report, detail=detail
    )


@transaction.atomic
def report_draft(*, assessment: Assessment, by: User) -> Report:
    """The assessment's open draft report, or a new version to edit.

    A new version starts from the latest final one's content (so editing after finalising makes
    version n + 1), or from nothing but the client contact's name. Raises `ProjectArchived` if
    the project is archived and there is no draft yet.
    """
    # Lock the assessment so two colleagues starting at once get one draft between them.
    locked = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("project__client__organization")
        .get(pk=assessment.pk)
    )
    if locked.is_draft:
        raise ValueError(f"{locked} is not submitted: it has no report")
    if draft := Report.objects.filter(assessment=locked, status=Report.Status.DRAFT).first():
        return draft
    if locked.project.is_archived:
        raise ProjectArchived
    latest = Report.objects.filter(assessment=locked).order_by("-version").first()
    report = Report.objects.create(
        assessment=locked,
        version=latest.version + 1 if latest else 1,
        recipient=latest.recipient if latest else locked.project.client.contact_name,
        created_by=by,
        updated_by=by,
    )
    if latest:
        report.cover_note = latest.cover_note
        report.section_notes = dict(latest.section_notes)
        report.hidden_sections = list(latest.hidden_sections)
        report.override_approach = latest.override_approach
        report.override_rationale = latest.override_rationale
        report.save()
        NextStep.objects.bulk_create(
            NextStep(
                report=report,
                position=step.position,
                step=step.step,
                owner=step.owner,
                effort=step.effort,
                due=step.due,
            )
            for step in latest.next_steps.all()
        )
    detail = f"version {report.version}" + (f", from version {latest.version}" if latest else "")
    _audit(report, by, AuditEvent.Action.CREATED, detail)
    return report


@dataclass(frozen=True)
class _Edits:
    """The edits as they are stored."""

    recipient: str
    cover_note: str
    notes: dict[str, str]
    hidden: list[str]
    override_approach: str
    override_rationale: str
    next_steps: list[NextStepItem]


def _field(model: type[Model], name: str) -> Field[Any, Any]:
    field = model._meta.get_field(name)
    if not isinstance(field, Field):
        raise TypeError(f"{model.__name__}.{name} is not a concrete field")
    return field


class _Checker:
    """Cleans the edits by the model fields' own rules (length, characters, choices) and the
    report's, collecting one message per field rather than stopping at the first."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.errors: dict[str, str] = {}

    def clean(self, key: str, field: Field[Any, Any], value: object) -> Any:
        if isinstance(value, str):
            # Trimmed and in composed form, as the app's forms give text.
            value = unicodedata.normalize("NFC", value.strip())
            # A TextField's length is a form's rule only: say it here for every caller.
            if field.max_length is not None and len(value) > field.max_length:
                self.errors.setdefault(
                    key,
                    f"Keep this to {field.max_length:,} characters or fewer "
                    f"(it has {len(value):,}).",
                )
                return None
        try:
            return field.clean(value, None)
        except ValidationError as error:
            self.errors.setdefault(key, " ".join(error.messages))
            return None

    def text(self, key: str, model: type[Model], name: str, value: object) -> str:
        return self.clean(key, _field(model, name), value) or ""

    def notes(self, notes: Mapping[str, str]) -> dict[str, str]:
        checked = {}
        for name, note in notes.items():
            if name not in set(Section):
                self.errors["notes"] = f"The report has no section called “{str(name)[:40]}”."
            # A comment is held to a cover note's rules.
            elif text := self.text(f"note_{name}", Report, "cover_note", note):
                checked[Section(name).value] = text
        return checked

    def hidden(self, hidden: Iterable[str]) -> list[str]:
        names = {str(name) for name in hidden}
        if Section.SUMMARY in names:
            self.errors["hidden"] = "The summary cannot be hidden: it is the report's core."
        elif unknown := names - set(HIDEABLE_SECTIONS):
            self.errors["hidden"] = f"The report has no section called “{min(unknown)[:40]}”."
        return [section.value for section in HIDEABLE_SECTIONS if section in names]

    def override(self, approach: str, rationale: str) -> tuple[str, str]:
        """An approach other than the engine's, with its reason; or neither."""
        approach = self.text("override_approach", Report, "override_approach", approach)
        rationale = self.text("override_rationale", Report, "override_rationale", rationale)
        primary = recommended_approach(self.report.assessment)
        if approach and approach == primary:
            self.errors["override_approach"] = (
                f"{APPROACH_LABELS[primary]} is already the recommendation: choose "
                "another approach to override it, or leave this empty."
            )
        elif approach and not rationale:
            self.errors.setdefault(
                "override_rationale",
                "Say why you recommend this approach instead: the client reads it in the report.",
            )
        elif rationale and not approach:
            self.errors.setdefault(
                "override_approach",
                "Choose the approach you recommend instead, or clear the reason for it.",
            )
        return approach, rationale

    def next_steps(self, items: Sequence[NextStepItem]) -> list[NextStepItem]:
        if len(items) > MAX_NEXT_STEPS:
            self.errors["next_steps"] = f"A plan has at most {MAX_NEXT_STEPS} next steps."
        checked = []
        for index, item in enumerate(items[:MAX_NEXT_STEPS]):
            key = f"next_steps.{index}."
            step = self.text(key + "step", NextStep, "step", item.step)
            if not step:
                self.errors[key + "step"] = "Say what the step is."
            checked.append(
                NextStepItem(
                    step=step,
                    owner=self.text(key + "owner", NextStep, "owner", item.owner),
                    effort=self.text(key + "effort", NextStep, "effort", item.effort),
                    due=self.clean(key + "due", _field(NextStep, "due"), item.due),
                )
            )
        return checked


def _checked_edits(
    *,
    report: Report,
    recipient: str,
    cover_note: str,
    notes: Mapping[str, str],
    hidden: Iterable[str],
    override_approach: str,
    override_rationale: str,
    next_steps: Sequence[NextStepItem],
) -> _Edits:
    """The edits as stored, or `InvalidReportEdits` naming every field that is wrong."""
    check = _Checker(report)
    approach, rationale = check.override(override_approach, override_rationale)
    edits = _Edits(
        recipient=check.text("recipient", Report, "recipient", recipient),
        cover_note=check.text("cover_note", Report, "cover_note", cover_note),
        notes=check.notes(notes),
        hidden=check.hidden(hidden),
        override_approach=approach,
        override_rationale=rationale,
        next_steps=check.next_steps(next_steps),
    )
    if check.errors:
        raise InvalidReportEdits(check.errors)
    return edits


def _locked_draft(report: Report) -> Report:
    current = (
        Report.objects.select_for_update(of=("self",))
        .select_related("assessment__project__client__organization")
        .get(pk=report.pk)
    )
    if current.is_final:
        raise ReportIsFinal(current)
    if current.assessment.project.is_archived:
        raise ProjectArchived
    return current


def _override_detail(report: Report, approach: str, rationale: str) -> str:
    if not approach:
        primary = recommended_approach(report.assessment)
        return f"removed: back to {APPROACH_LABELS[primary]}"
    quoted = Truncator(" ".join(rationale.split())).chars(AUDIT_QUOTE_LENGTH)
    return f"{APPROACH_LABELS[Approach(approach)]}: “{quoted}”"


def _step_fields(item: NextStepItem) -> dict[str, Any]:
    return {"step": item.step, "owner": item.owner, "effort": item.effort, "due": item.due}


@transaction.atomic
def report_update(
    *,
    report: Report,
    by: User,
    recipient: str,
    cover_note: str,
    notes: Mapping[str, str],
    hidden: Iterable[str],
    override_approach: str,
    override_rationale: str,
    next_steps: Sequence[NextStepItem],
    expected_revision: int | None = None,
) -> Report:
    """Store the consultant's edits of a draft: all of them, or none.

    `notes` maps section values to commentary (empty ones are dropped), `hidden` names the
    sections to leave out, `override_approach` an approach value or "" for the engine's.
    Raises `InvalidReportEdits` naming every wrong field, `ReportIsFinal` for a final version
    and `ProjectArchived` for an archived project; `StaleReport` when `expected_revision` (the
    revision the editor loaded) is not the stored one, as someone saved in between. Setting,
    changing or removing the override is noted in the audit trail on its own, with the reason;
    a save that changes nothing writes nothing.
    """
    current = _locked_draft(report)
    if expected_revision is not None and current.revision != expected_revision:
        raise StaleReport(current)
    edits = _checked_edits(
        report=current,
        recipient=recipient,
        cover_note=cover_note,
        notes=notes,
        hidden=hidden,
        override_approach=override_approach,
        override_rationale=override_rationale,
        next_steps=next_steps,
    )
    before = current.edits()
    changed = [
        label
        for label, was, now in [
            ("recipient", before.recipient, edits.recipient),
            ("cover note", before.cover_note, edits.cover_note),
            ("commentary", before.notes, edits.notes),
            ("hidden sections", before.hidden, frozenset(edits.hidden)),
            ("next steps", before.next_steps, tuple(edits.next_steps)),
        ]
        if was != now
    ]
    override_changed = (current.override_approach, current.override_rationale) != (
        edits.override_approach,
        edits.override_rationale,
    )
    if not changed and not override_changed:
        return current  # a save with nothing new (say, before a preview) writes nothing
    current.recipient = edits.recipient
    current.cover_note = edits.cover_note
    current.section_notes = edits.notes
    current.hidden_sections = edits.hidden
    current.override_approach = edits.override_approach
    current.override_rationale = edits.override_rationale
    current.updated_by = by
    current.revision += 1
    current.save()
    current.next_steps.all().delete()
    NextStep.objects.bulk_create(
        NextStep(report=current, position=position, **_step_fields(item))
        for position, item in enumerate(edits.next_steps, start=1)
    )
    if changed:
        _audit(current, by, AuditEvent.Action.EDITED, ", ".join(changed))
    if override_changed:
        detail = _override_detail(current, edits.override_approach, edits.override_rationale)
        _audit(current, by, AuditEvent.Action.OVERRIDDEN, detail)
    return current


@dataclass(frozen=True, slots=True)
class _Rendered:
    """One file of a version: a variant in a format, rendered and not yet stored."""

    variant: str
    format: str
    content: bytes
    checksum: str
    page_count: int | None  # Word lays out its own pages


def _render(report: Report, variant: str, by: User) -> list[_Rendered]:
    """The variant as a PDF and as a Word file, from one context, so they say the same."""
    context = report_context_for(report.assessment, variant, by, edits=report.edits())
    try:
        pdf = render_report_pdf(context)
        docx = render_report_docx(context)
    except Exception as error:
        logger.exception("Rendering the %s of report %s failed", variant, report.pk)
        raise ReportRenderError(str(error)) from error
    if pdf.refused_urls:
        logger.warning("Report rendering refused %d URL(s)", len(pdf.refused_urls))
    return [
        _Rendered(variant, ReportFile.Format.PDF, pdf.pdf, pdf.checksum, pdf.page_count),
        _Rendered(variant, ReportFile.Format.DOCX, docx.docx, docx.checksum, None),
    ]


@transaction.atomic
def report_finalise(*, report: Report, by: User) -> Report:
    """Render both variants as PDF and Word files, store them and freeze the version for good.

    All or nothing: raises `ReportRenderError` if a rendering fails, `ReportIsFinal` if the
    version already is, `ProjectArchived` if the project is archived; then nothing changes.
    """
    current = _locked_draft(report)
    current.status = Report.Status.FINAL
    current.finalised_at = timezone.now()
    current.finalised_by = by
    rendered = [made for variant in Variant for made in _render(current, variant, by)]
    files = []
    try:
        for made in rendered:
            stored = ReportFile(
                report=current,
                variant=made.variant,
                format=made.format,
                checksum=made.checksum,
                size=len(made.content),
                page_count=made.page_count,
                template_version=REPORT_TEMPLATE_VERSION,
            )
            name = f"{made.checksum[:16]}.{made.format}"
            stored.file.save(name, ContentFile(made.content), save=False)
            files.append(stored)
        with transaction.atomic():
            current.save()
            for stored in files:
                stored.save()
            pages = ", ".join(
                f"{stored.get_variant_display().lower()} {stored.page_count} "
                f"page{'s' if stored.page_count != 1 else ''}"
                for stored in files
                if stored.page_count is not None
            )
            _audit(current, by, AuditEvent.Action.FINALISED, f"version {current.version}: {pages}")
    except BaseException:
        for stored in files:
            stored.file.delete(save=False)
        raise
    return current


@transaction.atomic
def share_link_create(*, report: Report, variant: str, days: int, by: User) -> ShareLink:
    """A link to one variant of a final version that works without a login for `days` days
    (1 to 90). Raises `ReportNotShareable`, saying why, for a draft, a version a later one
    replaced, or a document the version has no PDF of."""
    if not 1 <= days <= MAX_SHARE_DAYS:
        raise ValueError(f"days must be from 1 to {MAX_SHARE_DAYS}")
    if variant not in Variant.values:
        raise ValueError(f"no report variant {variant!r}")
    if not report.is_final or report.superseded_by is not None:
        raise ReportNotShareable("Only the latest final version of a report can be shared.")
    if not report.files.filter(variant=variant, format=ReportFile.Format.PDF).exists():
        # A version from before reports had versions may hold only the document made then.
        raise ReportNotShareable(
            f"This version has no PDF of the {Variant(variant).label.lower()}: edit it into a "
            "new version to make both."
        )
    link = ShareLink.objects.create(
        report=report,
        variant=variant,
        expires_at=timezone.now() + timedelta(days=days),
        created_by=by,
    )
    label = Variant(variant).label.lower()
    _audit(report, by, AuditEvent.Action.SHARED, f"link {link.pk}, {label}, {days} days")
    return link


@transaction.atomic
def share_link_revoke(*, link: ShareLink, by: User) -> None:
    """Stop the link from opening its report; revoking it again keeps the first time."""
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    _audit(link.report, by, AuditEvent.Action.REVOKED, f"link {link.pk}")


def share_visitor(*, address: str, user_agent: str) -> str:
    """A short pseudonym for whoever opens a link: a keyed hash of their address and browser,
    so views can be told apart without storing the address (nor letting it be guessed back)."""
    key = f"{address}|{user_agent}"
    return salted_hmac("reports.share-visitor", key, algorithm="sha256").hexdigest()[:12]


@transaction.atomic
def share_link_open(*, token: str, visitor: str) -> ShareLink:
    """Check a shared link and count the view. Raises `ShareLinkUnavailable`.

    Every view is counted, a superseded link's too (the caller shows what replaced it); the
    audit trail notes at most one view per link, visitor and hour, so a refreshing reader (or a
    script) cannot flood it.
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
    link = ShareLink.objects.select_related(
        "report__assessment__project__client__organization", "created_by"
    ).get(pk=pk)
    organization = _organization(link.report)
    detail = f"link {link.pk}, visitor {visitor}"
    seen_within_the_hour = organization.audit_events.filter(
        action=AuditEvent.Action.VIEWED,
        target_id=link.report_id,
        detail__startswith=detail,
        created_at__gt=now - SHARE_VIEW_AUDIT_INTERVAL,
    ).exists()
    if not seen_within_the_hour:
        if link.superseded:
            detail += ", replaced by a newer version"
        _audit(link.report, None, AuditEvent.Action.VIEWED, detail)
    return link
