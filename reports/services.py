"""Editing, finalising, storing and sharing client reports."""

import logging
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from email.utils import formataddr, parseaddr
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Field, Model, QuerySet
from django.tasks.backends.dummy import DummyBackend
from django.tasks.backends.immediate import ImmediateBackend
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import Truncator
from django_tasks_db.backend import DatabaseBackend

from advisor.evidence import recommended_approach
from advisor.models import Assessment
from advisor.scoring import APPROACH_LABELS, Approach
from advisor.services import ProjectArchived
from projects.models import AuditEvent, Organization, person_name
from projects.services import audit_record, single_line
from reports.content import (
    HIDEABLE_SECTIONS,
    NextStepItem,
    ReportEdits,
    Section,
    report_context,
    report_next_step,
)
from reports.docx import render_report_docx
from reports.models import (
    ACCEPTED_NAME_MAX_LENGTH,
    MAX_NEXT_STEPS,
    SHARE_SALT,
    Acceptance,
    NextStep,
    Report,
    ReportFile,
    ShareLink,
    Variant,
)
from reports.pdf import REPORT_TEMPLATE_VERSION, render_report_pdf

logger = logging.getLogger(__name__)

# Task backends whose queue commits with the transaction that enqueues (or that run nothing
# elsewhere): see `_enqueue_render`.
IN_TRANSACTION_QUEUES = (DatabaseBackend, ImmediateBackend, DummyBackend)

MAX_SHARE_DAYS = 90
# The audit trail notes one view per link and visitor in this time; the link counts them all.
SHARE_VIEW_AUDIT_INTERVAL = timedelta(hours=1)
# What a consultant may write in an email with a share link.
SHARE_EMAIL_SUBJECT_MAX_LENGTH = 200
SHARE_EMAIL_MESSAGE_MAX_LENGTH = 5000
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


class ReportFinalising(ReportIsFinal):
    """A finalising version no longer changes: its documents are being made."""

    def __init__(self, report: Report) -> None:
        Exception.__init__(
            self,
            f"Version {report.version} is being finalised and no longer changes. Once its "
            f"documents are ready, edit it to make version {report.version + 1}.",
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
    """The link is unknown, expired or revoked. `link` is the link when the token is genuine
    (so its page can carry the agency's branding), None for a forged or garbled one."""

    def __init__(self, link: ShareLink | None = None) -> None:
        super().__init__("This link no longer opens the report.")
        self.link = link


class InvalidShareEmail(Exception):
    """The email cannot be sent as written; `errors` names each field. Nothing was sent."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))
        self.errors = dict(errors)


class ShareEmailNotSent(Exception):
    """The mail server did not take the email; nothing was noted as sent."""


class AcceptanceRefused(Exception):
    """The next step cannot be accepted through this link; the message says why, to the client."""


class InvalidAcceptance(Exception):
    """The acceptance form is not filled in as it must be; `errors` names each field."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))
        self.errors = dict(errors)


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
    prepared_by = by if report.is_draft else report.finalised_by
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
    latest = Report.objects.filter(assessment=locked).order_by("-version").first()
    if latest is not None and latest.is_finalising:
        # The next version starts from this one's content once it is final.
        raise ReportFinalising(latest)
    if locked.project.is_archived:
        raise ProjectArchived
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


def _locked_report(report: Report) -> Report:
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related("assessment__project__client__organization", "finalised_by")
        .get(pk=report.pk)
    )


def _locked_draft(report: Report) -> Report:
    current = _locked_report(report)
    if current.is_finalising:
        raise ReportFinalising(current)
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


def _render(report: Report, variant: str, by: User | None) -> list[_Rendered]:
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


# A failed rendering is tried again after these many seconds, then given up ("failed").
RENDER_RETRY_DELAYS = (10, 60)
RENDER_ATTEMPTS = len(RENDER_RETRY_DELAYS) + 1


def _enqueue_render(report: Report, *, delay_seconds: int = 0) -> None:
    """Queue the rendering of the report's documents (by its primary key only).

    A queue in this database (or the tests' immediate one) takes the job in the transaction
    that marks the report queued: both are stored, or neither. A queue elsewhere (Redis) hears
    of it once that transaction has committed, or its worker might look too early.
    """
    from reports.tasks import render_report  # the task calls back into this module

    task = render_report
    backend = task.get_backend()
    if delay_seconds and backend.supports_defer:
        task = task.using(run_after=timezone.now() + timedelta(seconds=delay_seconds))
    if isinstance(backend, IN_TRANSACTION_QUEUES):
        task.enqueue(report.pk)
    else:
        transaction.on_commit(partial(task.enqueue, report.pk))


@transaction.atomic
def report_finalise(*, report: Report, by: User) -> Report:
    """Freeze the draft and queue the rendering of its documents: a worker renders both
    variants as PDF and Word files and stores them, and only then is the version final.

    Finalising a version that is already finalising changes nothing and queues nothing (one
    job per version). Raises `ReportIsFinal` if the version already is, `ProjectArchived` if
    the project is archived; then nothing changes.
    """
    current = _locked_report(report)
    if current.is_finalising:
        return current
    if current.is_final:
        raise ReportIsFinal(current)
    if current.assessment.project.is_archived:
        raise ProjectArchived
    current.status = Report.Status.FINALISING
    current.finalised_by = by
    current.render_state = Report.RenderState.QUEUED
    current.render_attempts = 0
    current.render_queued_at = timezone.now()
    current.save()
    _audit(current, by, AuditEvent.Action.FINALISING, f"version {current.version}")
    _enqueue_render(current)
    current.refresh_from_db()  # final already if the queue ran the job at once
    return current


@transaction.atomic
def report_render_retry(*, report: Report, by: User) -> Report:
    """Queue the documents of a finalising version again after its renderings failed (or its
    worker died mid-way). A version queued or rendering already is left to it; a draft or a
    final version raises `ValueError`, as it has nothing to retry."""
    current = _locked_report(report)
    if not current.is_finalising:
        raise ValueError(f"{current} is not finalising: there is nothing to retry")
    if current.render_state != Report.RenderState.FAILED and not current.render_stalled:
        return current
    current.render_state = Report.RenderState.QUEUED
    current.render_attempts = 0
    current.render_queued_at = timezone.now()
    current.save()
    _audit(current, by, AuditEvent.Action.RETRIED, f"version {current.version}")
    _enqueue_render(current)
    current.refresh_from_db()
    return current


def report_render(*, report_pk: int) -> str:
    """Render and store a finalising version's documents, then make it final; what a worker
    runs. Says what it did: "final", "retrying", "failed", or "skipped" when the version is
    not waiting for its documents (another job has it, or it is final already).

    Runs outside any transaction: the rendering holds no lock. The version is claimed first
    (queued → rendering, so a second job for it does nothing); the files are stored, then the
    version made final and the files recorded in one transaction. A failure is retried after
    `RENDER_RETRY_DELAYS`, then the version says "failed" and waits for someone's retry.
    """
    now = timezone.now()
    claimed = Report.objects.filter(
        pk=report_pk,
        status=Report.Status.FINALISING,
        render_state=Report.RenderState.QUEUED,
    ).update(
        render_state=Report.RenderState.RENDERING,
        render_attempts=F("render_attempts") + 1,
        render_started_at=now,
    )
    if not claimed:
        return "skipped"
    report = Report.objects.select_related(
        "assessment__project__client__organization", "finalised_by"
    ).get(pk=report_pk)
    # The documents read as the final version they are about to be, dated today.
    report.status = Report.Status.FINAL
    report.finalised_at = now
    files: list[ReportFile] = []
    try:
        by = report.finalised_by
        rendered = [made for variant in Variant for made in _render(report, variant, by)]
        files = [_stored_file(report, made) for made in rendered]
        with transaction.atomic():
            current = _locked_report(report)
            if not (current.is_finalising and current.render_state == Report.RenderState.RENDERING):
                raise _NoLongerRendering
            current.status = Report.Status.FINAL
            current.finalised_at = now
            current.render_state = ""
            current.save()
            for stored in files:
                stored.report = current
                stored.save()
            pages = ", ".join(
                f"{stored.get_variant_display().lower()} {stored.page_count} "
                f"page{'s' if stored.page_count != 1 else ''}"
                for stored in files
                if stored.page_count is not None
            )
            _audit(current, by, AuditEvent.Action.FINALISED, f"version {current.version}: {pages}")
    except _NoLongerRendering:
        _delete_files(files)
        return "skipped"
    except Exception:
        logger.exception("Making the documents of report %s failed", report_pk)
        _delete_files(files)
        return _render_failed(report_pk)
    except BaseException:
        _delete_files(files)
        raise
    return "final"


class _NoLongerRendering(Exception):
    """The version was retried or changed while this job rendered it: its result is dropped."""


def _stored_file(report: Report, made: _Rendered) -> ReportFile:
    """The file saved to the media storage, its record not yet saved."""
    stored = ReportFile(
        report=report,
        variant=made.variant,
        format=made.format,
        checksum=made.checksum,
        size=len(made.content),
        page_count=made.page_count,
        template_version=REPORT_TEMPLATE_VERSION,
    )
    stored.file.save(f"{made.checksum[:16]}.{made.format}", ContentFile(made.content), save=False)
    return stored


def _delete_files(files: Iterable[ReportFile]) -> None:
    for stored in files:
        stored.file.delete(save=False)


@transaction.atomic
def _render_failed(report_pk: int) -> str:
    current = _locked_report(Report(pk=report_pk))
    if not (current.is_finalising and current.render_state == Report.RenderState.RENDERING):
        return "skipped"
    if current.render_attempts < RENDER_ATTEMPTS:
        current.render_state = Report.RenderState.QUEUED
        current.save()
        _enqueue_render(current, delay_seconds=RENDER_RETRY_DELAYS[current.render_attempts - 1])
        return "retrying"
    current.render_state = Report.RenderState.FAILED
    current.save()
    attempts = f"{current.render_attempts} attempt{'s' if current.render_attempts != 1 else ''}"
    _audit(current, None, AuditEvent.Action.FAILED, f"version {current.version}, {attempts}")
    return "failed"


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


def _share_link_pk(token: str) -> int:
    try:
        pk = signing.loads(token, salt=SHARE_SALT)
    except signing.BadSignature as error:
        raise ShareLinkUnavailable from error
    if not isinstance(pk, int):
        raise ShareLinkUnavailable
    return pk


def _share_links() -> QuerySet[ShareLink]:
    return ShareLink.objects.select_related(
        "report__assessment__project__client__organization", "created_by__profile"
    )


def share_link_find(token: str) -> ShareLink:
    """The link a token names, if it still opens its report; views are not counted.
    Raises `ShareLinkUnavailable` (with the link, if the token is genuine)."""
    pk = _share_link_pk(token)
    link = _share_links().filter(pk=pk).first()
    if link is None or not link.is_active:
        raise ShareLinkUnavailable(link)
    return link


@transaction.atomic
def share_link_open(*, token: str, visitor: str, base_url: str) -> ShareLink:
    """Check a shared link and count the view. Raises `ShareLinkUnavailable`.

    Every view is counted, a superseded link's too (the caller shows what replaced it); the
    audit trail notes at most one view per link, visitor and hour, so a refreshing reader (or a
    script) cannot flood it. The first view of a link emails the colleague who created it
    (`base_url` leads them back to the report); a failing email is logged and noted, never
    shown to the visitor.
    """
    pk = _share_link_pk(token)
    now = timezone.now()
    # The update locks the link's row until commit, so two views at once note one audit row.
    updated = ShareLink.objects.filter(pk=pk, revoked_at__isnull=True, expires_at__gt=now).update(
        view_count=F("view_count") + 1, last_viewed_at=now
    )
    if not updated:
        raise ShareLinkUnavailable(_share_links().filter(pk=pk).first())
    first_view = ShareLink.objects.filter(pk=pk, first_viewed_at__isnull=True).update(
        first_viewed_at=now
    )
    link = _share_links().get(pk=pk)
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
    if first_view:
        _first_view_notify(link, base_url)
    return link


def _first_view_notify(link: ShareLink, base_url: str) -> None:
    """Tell the link's creator that the client opened it; a failure is logged, not raised."""
    preparer = link.created_by
    if preparer is None or not preparer.email:
        _audit(link.report, None, AuditEvent.Action.NOTIFIED, f"link {link.pk}: nobody to tell")
        return
    project = link.report.assessment.project
    context = {
        "preparer": single_line(person_name(preparer)),
        "client": single_line(project.client.name),
        "project": single_line(project.name),
        "document": Variant(link.variant).label.lower(),
        "version": link.report.version,
        "viewed_at": link.first_viewed_at,
        "superseded": link.superseded,
        "url": base_url.rstrip("/") + link.report.get_absolute_url(),
    }
    message = EmailMessage(
        subject=f"{context['client']} opened the {context['document']} you shared",
        body=render_to_string("reports/email/first_view.txt", context),
        to=[preparer.email],
    )
    try:
        message.send()
    except Exception:
        # The client's page must open whatever the mail server says.
        logger.exception("The first-view email for share link %s could not be sent", link.pk)
        detail = f"link {link.pk}: the email to {preparer.email} could not be sent"
    else:
        detail = f"link {link.pk}: emailed {preparer.email}"
    _audit(link.report, None, AuditEvent.Action.NOTIFIED, detail)


def _checked_share_email(
    *, to: str, name: str, subject: str, message: str
) -> tuple[str, str, str, str]:
    errors = {}
    to = to.strip()
    try:
        validate_email(to)
    except ValidationError:
        errors["to"] = "Enter the client's email address, such as ingrid@client.example."
    name = single_line(name)[:120]
    subject = single_line(subject)
    if not subject:
        errors["subject"] = "Give the email a subject."
    elif len(subject) > SHARE_EMAIL_SUBJECT_MAX_LENGTH:
        errors["subject"] = (
            f"Keep the subject to {SHARE_EMAIL_SUBJECT_MAX_LENGTH} characters or fewer "
            f"(it has {len(subject):,})."
        )
    if len(message) > SHARE_EMAIL_MESSAGE_MAX_LENGTH:
        errors["message"] = (
            f"Keep the message to {SHARE_EMAIL_MESSAGE_MAX_LENGTH:,} characters or fewer "
            f"(it has {len(message):,})."
        )
    if errors:
        raise InvalidShareEmail(errors)
    return to, name, subject, message


@transaction.atomic
def share_link_email(
    *, link: ShareLink, by: User, to: str, name: str, subject: str, message: str, base_url: str
) -> None:
    """Email an active share link to the client: the consultant's message, then the link and
    until when it works; replies go to the consultant.

    Raises `InvalidShareEmail` naming each wrong field, `ReportNotShareable` for a link that no
    longer opens its report (revoked, expired or replaced), `ShareEmailNotSent` if the mail
    server refuses it; then nothing is noted in the audit trail.
    """
    if not link.is_active or link.superseded:
        raise ReportNotShareable(
            "This link no longer opens the report (revoked, expired or replaced): create a new "
            "one to email."
        )
    to, name, subject, message = _checked_share_email(
        to=to, name=name, subject=subject, message=message
    )
    agency = single_line(_organization(link.report).name)
    context = {
        "message": message.replace("\r\n", "\n").strip(),
        "url": base_url.rstrip("/") + link.get_absolute_url(),
        "expires_at": link.expires_at,
        "organization": agency,
    }
    # The client sees the agency as the sender, from the deployment's address.
    sender = formataddr((agency, parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))
    email = EmailMessage(
        subject=subject,
        body=render_to_string("reports/email/share_link.txt", context),
        from_email=sender,
        to=[formataddr((name, to)) if name else to],
        reply_to=[by.email] if by.email else [],
    )
    label = Variant(link.variant).label.lower()
    _audit(link.report, by, AuditEvent.Action.EMAILED, f"link {link.pk}, {label}, to {to}")
    try:
        email.send()
    except Exception as error:
        logger.exception("The share link email to %s could not be sent", to)
        raise ShareEmailNotSent(str(error)) from error


def acceptance_step(report: Report) -> str:
    """The step a client accepts on the share page: the one the report's summary names."""
    return report_next_step(report.assessment, report.edits())


@transaction.atomic
def share_link_accept(*, link: ShareLink, name: str, confirmed: bool, visitor: str) -> Acceptance:
    """Record that the client accepts the report's next step: their typed name and a tick,
    once per link, only while the link opens the latest version.

    Raises `AcceptanceRefused` (revoked, expired or replaced link, or already accepted) or
    `InvalidAcceptance` naming each wrong field; then nothing is stored.
    """
    locked = _share_links().select_for_update(of=("self",)).get(pk=link.pk)
    if not locked.is_active:
        raise AcceptanceRefused("This link no longer opens the report, so nothing can be accepted.")
    if locked.superseded:
        raise AcceptanceRefused(
            "A newer version replaces this report: please accept the next step on the new one."
        )
    if Acceptance.objects.filter(link=locked).exists():
        raise AcceptanceRefused("The next step has already been accepted through this link.")
    errors = {}
    name = single_line(name)
    if not name:
        errors["name"] = "Type your name to accept the next step."
    elif len(name) > ACCEPTED_NAME_MAX_LENGTH:
        errors["name"] = (
            f"Keep your name to {ACCEPTED_NAME_MAX_LENGTH} characters or fewer "
            f"(it has {len(name):,})."
        )
    if not confirmed:
        errors["confirmed"] = "Tick the box to confirm that you accept the next step."
    if errors:
        raise InvalidAcceptance(errors)
    step = acceptance_step(locked.report)
    try:
        with transaction.atomic():
            acceptance = Acceptance.objects.create(
                link=locked, report=locked.report, name=name, step=step[:400], visitor=visitor
            )
    except IntegrityError as error:
        raise AcceptanceRefused(
            "The next step has already been accepted through this link."
        ) from error
    quoted = Truncator(name).chars(60)
    _audit(
        locked.report,
        None,
        AuditEvent.Action.ACCEPTED,
        f"link {locked.pk}, visitor {visitor}: “{quoted}” accepted the next step",
    )
    return acceptance
