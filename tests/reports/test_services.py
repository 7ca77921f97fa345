"""Report drafts, edits, finalising and share links enforce their rules, and note their audit
events, whoever calls them."""

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from advisor.models import Assessment
from advisor.scoring import Approach
from advisor.services import ProjectArchived
from projects.models import AuditEvent
from projects.services import project_archive
from reports.content import NextStepItem, Override, ReportEdits, Section
from reports.models import RENDER_STALLED_AFTER, NextStep, Report, ReportFile, ShareLink
from reports.pdf import REPORT_TEMPLATE_VERSION
from reports.services import (
    RENDER_ATTEMPTS,
    InvalidReportEdits,
    ReportFinalising,
    ReportIsFinal,
    ReportNotShareable,
    StaleReport,
    report_draft,
    report_finalise,
    report_render_retry,
    report_update,
    share_link_create,
    share_link_revoke,
)
from reports.tasks import render_report
from tests.personas import Agency
from tests.reports.conftest import PdfStandIn

pytestmark = pytest.mark.django_db

EDITS: dict[str, Any] = {
    "recipient": "Dana Client",
    "cover_note": "Dear Dana,\n\nHere is our advice.",
    "notes": {"costs": "Prices checked last week.", "why": "We agree with the scoring."},
    "hidden": ["appendix", "what_if"],
    "override_approach": "adapter",
    "override_rationale": "Your brand voice is stable and you have 900 approved posts.",
    "next_steps": [
        NextStepItem(step="Collect 500 posts", owner="Dana", effort="2 days", due=date(2027, 2, 1)),
        NextStepItem(step="Pilot on a subset"),
    ],
}


def edit(report: Report, by, **changes: Any) -> Report:
    return report_update(report=report, by=by, **{**EDITS, **changes})


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, target_type="report").order_by("pk"))


def test_the_first_draft_is_version_1_addressed_to_the_client_contact(
    acme: Agency, acme_result: Assessment
) -> None:
    by = acme.admin.user
    acme.client.contact_name = "Dana Client"
    acme.client.save()

    draft = report_draft(assessment=acme_result, by=by)

    assert (draft.version, draft.status, draft.recipient) == (1, "draft", "Dana Client")
    assert draft.edits() == ReportEdits(
        recipient="Dana Client", version=1, dated=timezone.localdate()
    )
    # Asking again opens the same draft: colleagues share it.
    assert report_draft(assessment=acme_result, by=by) == draft
    (created,) = events(AuditEvent.Action.CREATED)
    assert (created.target_type, created.target_id, created.detail) == (
        "report",
        draft.pk,
        "version 1",
    )


def test_only_one_draft_at_a_time_even_past_the_service(
    acme: Agency, acme_result: Assessment
) -> None:
    report_draft(assessment=acme_result, by=acme.admin.user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(assessment=acme_result, version=2)


def test_a_draft_assessment_has_no_report(acme: Agency) -> None:
    from advisor.services import assessment_start

    draft = assessment_start(project=acme.project, by=acme.admin.user)
    with pytest.raises(ValueError, match="not submitted"):
        report_draft(assessment=draft, by=acme.admin.user)
    assert not Report.objects.exists()


def test_edits_are_stored_and_read_back_as_the_report_content_takes_them(
    acme: Agency, acme_result: Assessment
) -> None:
    draft = report_draft(assessment=acme_result, by=acme.admin.user)

    edit(draft, acme.admin.user)

    draft.refresh_from_db()
    assert draft.edits() == ReportEdits(
        recipient="Dana Client",
        cover_note="Dear Dana,\n\nHere is our advice.",
        notes={
            Section.COSTS: "Prices checked last week.",
            Section.WHY: "We agree with the scoring.",
        },
        hidden=frozenset({Section.APPENDIX, Section.WHAT_IF}),
        override=Override(
            Approach.ADAPTER, "Your brand voice is stable and you have 900 approved posts."
        ),
        next_steps=tuple(EDITS["next_steps"]),
        version=1,
        final=False,
        dated=timezone.localdate(),
    )
    assert list(draft.next_steps.values_list("position", flat=True)) == [1, 2]
    # Saving fewer steps removes the others; empty commentary is no commentary.
    draft = edit(draft, acme.admin.user, next_steps=EDITS["next_steps"][1:], notes={"costs": "  "})
    assert draft.edits().notes == {}
    assert [s.step for s in draft.edits().next_steps] == ["Pilot on a subset"]
    assert NextStep.objects.count() == 1


def test_text_is_trimmed_and_composed_like_every_form_of_the_app(
    acme: Agency, acme_result: Assessment
) -> None:
    draft = report_draft(assessment=acme_result, by=acme.admin.user)
    edit(
        draft,
        acme.admin.user,
        recipient="  Zoe\u0308  ",
        override_approach="",
        override_rationale="",
    )
    draft.refresh_from_db()
    assert draft.recipient == "Zoë"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"notes": {"epilogue": "Hi"}}, "notes"),
        ({"notes": {"costs": "x" * 2001}}, "note_costs"),
        ({"notes": {"why": "a\u202eb"}}, "note_why"),
        ({"hidden": ["summary"]}, "hidden"),
        ({"hidden": ["poster"]}, "hidden"),
        ({"override_approach": "system_prompt"}, "override_approach"),  # the engine's own
        ({"override_approach": "vibes"}, "override_approach"),
        ({"override_rationale": ""}, "override_rationale"),
        ({"override_approach": ""}, "override_approach"),  # a reason for no override
        ({"recipient": "Dana\nBcc: x@y.example"}, "recipient"),
        ({"recipient": "D" * 121}, "recipient"),
        ({"cover_note": "x" * 2001}, "cover_note"),
        ({"next_steps": [NextStepItem(step=" ", owner="Dana")]}, "next_steps.0.step"),
        ({"next_steps": [NextStepItem(step="Go", effort="e" * 61)]}, "next_steps.0.effort"),
        ({"next_steps": [NextStepItem(step=f"Step {n}") for n in range(21)]}, "next_steps"),
    ],
)
def test_bad_edits_are_refused_naming_the_field_and_nothing_changes(
    acme: Agency, acme_result: Assessment, changes: dict[str, Any], field: str
) -> None:
    draft = report_draft(assessment=acme_result, by=acme.admin.user)
    edit(draft, acme.admin.user)
    before = (list(Report.objects.values()), list(NextStep.objects.values()))
    audit_before = AuditEvent.objects.count()

    with pytest.raises(InvalidReportEdits) as refused:
        edit(draft, acme.admin.user, **{"cover_note": "Changed", **changes})

    assert field in refused.value.errors, refused.value.errors
    assert (list(Report.objects.values()), list(NextStep.objects.values())) == before
    assert AuditEvent.objects.count() == audit_before


def test_every_wrong_field_is_named_at_once(acme: Agency, acme_result: Assessment) -> None:
    draft = report_draft(assessment=acme_result, by=acme.admin.user)
    with pytest.raises(InvalidReportEdits) as refused:
        edit(draft, acme.admin.user, recipient="a\tb", hidden=["summary"], override_rationale="")
    assert set(refused.value.errors) == {"recipient", "hidden", "override_rationale"}


def test_an_override_is_noted_on_its_own_with_its_reason_when_set_changed_or_removed(
    acme: Agency, acme_result: Assessment
) -> None:
    by = acme.admin.user
    draft = report_draft(assessment=acme_result, by=by)

    edit(draft, by, override_rationale="Stable voice. " * 20)
    edit(draft, by, override_rationale="Stable voice. " * 20, cover_note="Shorter")  # unchanged
    edit(draft, by, override_approach="full_fine_tune", override_rationale="Volume is huge.")
    edit(draft, by, override_approach="", override_rationale="")

    details = [e.detail for e in events(AuditEvent.Action.OVERRIDDEN)]
    assert details[0].startswith("Adapter fine-tuning: “Stable voice. Stable voice.")
    assert details[0].endswith("…”")
    assert len(details[0]) < 200
    assert details[1:] == [
        "Full fine-tuning: “Volume is huge.”",
        "removed: back to System-prompt engineering",
    ]
    edited = events(AuditEvent.Action.EDITED)
    assert [e.detail for e in edited] == [
        "recipient, cover note, commentary, hidden sections, next steps",
        "cover note",
        "cover note",  # back from "Shorter"; the last save changed the override alone
    ]
    assert {e.actor for e in edited} == {by}


def test_a_save_that_changes_nothing_writes_nothing(acme: Agency, acme_result: Assessment) -> None:
    draft = edit(report_draft(assessment=acme_result, by=acme.admin.user), acme.admin.user)
    before = (list(Report.objects.values()), AuditEvent.objects.count())

    edit(draft, acme.admin.user, recipient=" Dana Client ", expected_revision=draft.revision)

    assert (list(Report.objects.values()), AuditEvent.objects.count()) == before


def test_finalising_renders_both_documents_with_the_edits_and_freezes_the_version(
    acme: Agency, acme_result: Assessment, stand_in_pdf: PdfStandIn
) -> None:
    by = acme.admin.user
    by.first_name, by.last_name = "Alice", "Archer"
    by.save()
    draft = edit(report_draft(assessment=acme_result, by=by), by)

    final = report_finalise(report=draft, by=by)

    final.refresh_from_db()
    assert (final.status, final.finalised_by) == ("final", by)
    assert timezone.now() - final.finalised_at < timedelta(minutes=1)
    assert [c["variant"] for c in stand_in_pdf.contexts] == ["executive", "full"]
    for context in stand_in_pdf.contexts:
        assert context["edits"] == final.edits()
        assert context["edits"].final
        assert context["edits"].dated == timezone.localdate(final.finalised_at)
        assert context["edits"].override == Override(Approach.ADAPTER, EDITS["override_rationale"])
        assert context["prepared_by"] == "Alice Archer"
    files = {f.variant: f for f in final.files.all()}
    assert set(files) == {"executive", "full"}
    for stored in files.values():
        content = stored.file.open("rb").read()
        assert content.startswith(b"%PDF-1.7 stand-in")
        assert (stored.format, stored.size, stored.page_count) == ("pdf", len(content), 2)
        assert stored.template_version == REPORT_TEMPLATE_VERSION
    (noted,) = events(AuditEvent.Action.FINALISED)
    assert noted.detail == "version 1: executive summary 2 pages, full report 2 pages"


def test_a_final_version_never_changes(
    acme: Agency, acme_result: Assessment, stand_in_pdf: PdfStandIn
) -> None:
    by = acme.admin.user
    final = report_finalise(report=edit(report_draft(assessment=acme_result, by=by), by), by=by)
    before = (list(Report.objects.values()), list(ReportFile.objects.values()))

    with pytest.raises(ReportIsFinal, match="Version 1 is final"):
        edit(final, by, cover_note="Sneaky change")
    with pytest.raises(ReportIsFinal):
        report_finalise(report=final, by=by)

    assert (list(Report.objects.values()), list(ReportFile.objects.values())) == before
    assert len(stand_in_pdf.contexts) == 2


def test_editing_after_final_makes_the_next_version_from_the_final_content(
    acme: Agency, acme_result: Assessment, stand_in_pdf: PdfStandIn
) -> None:
    by = acme.admin.user
    first = report_finalise(report=edit(report_draft(assessment=acme_result, by=by), by), by=by)
    first_files = list(ReportFile.objects.values())

    second = report_draft(assessment=acme_result, by=by)

    assert (second.version, second.status) == (2, "draft")
    copied = second.edits()
    assert copied == ReportEdits(**{**vars_of(first.edits()), "version": 2, "final": False})
    assert events(AuditEvent.Action.CREATED)[-1].detail == "version 2, from version 1"
    edit(second, by, cover_note="Dear Dana, an update.")
    second = report_finalise(report=second, by=by)
    first.refresh_from_db()
    assert first.cover_note == EDITS["cover_note"]
    assert list(ReportFile.objects.filter(report=first).values()) == first_files
    assert list(acme_result.reports.values_list("version", "status")) == [
        (2, "final"),
        (1, "final"),
    ]
    assert first.superseded_by == second
    assert second.superseded_by is None


def vars_of(edits: ReportEdits) -> dict[str, Any]:
    return {name: getattr(edits, name) for name in ReportEdits.__dataclass_fields__}


def test_a_rendering_that_keeps_failing_is_retried_then_says_failed_and_stores_nothing(
    acme: Agency, acme_result: Assessment, stand_in_pdf: PdfStandIn, monkeypatch, tmp_path: Path
) -> None:
    by = acme.admin.user
    draft = edit(report_draft(assessment=acme_result, by=by), by)
    calls: list[str] = []

    def second_fails(context: dict[str, Any]):
        calls.append(context["variant"])
        if context["variant"] == "full":
            raise OSError("pango crashed")
        return stand_in_pdf(context)

    monkeypatch.setattr("reports.services.render_report_pdf", second_fails)
    failed = report_finalise(report=draft, by=by)

    # Each attempt rendered the executive summary, then failed on the full report.
    assert calls == ["executive", "full"] * RENDER_ATTEMPTS
    assert (failed.status, failed.render_state, failed.render_attempts) == (
        "finalising",
        "failed",
        RENDER_ATTEMPTS,
    )
    assert failed.documents_state == "failed"
    assert (failed.cover_note, failed.finalised_at) == (EDITS["cover_note"], None)
    assert not ReportFile.objects.exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
    assert not events(AuditEvent.Action.FINALISED)
    assert [e.detail for e in events(AuditEvent.Action.FAILED)] == [
        f"version 1, {RENDER_ATTEMPTS} attempts"
    ]
    # It takes no edits meanwhile, nor a share link, nor a next version.
    with pytest.raises(ReportFinalising, match="is being finalised"):
        edit(failed, by, cover_note="Changed")
    with pytest.raises(ReportNotShareable):
        share_link_create(report=failed, variant="full", days=7, by=by)
    with pytest.raises(ReportFinalising):
        report_draft(assessment=acme_result, by=by)

    # Once rendering works again, the retry makes it final with its four files.
    monkeypatch.setattr("reports.services.render_report_pdf", stand_in_pdf)
    final = report_render_retry(report=failed, by=by)

    assert (final.status, final.render_state) == ("final", "")
    assert final.finalised_at is not None
    assert final.files.count() == 4
    assert [e.actor for e in events(AuditEvent.Action.RETRIED)] == [by]
    assert [e.actor for e in events(AuditEvent.Action.FINALISED)] == [by]


def test_finalising_twice_is_one_job_and_a_stale_job_does_nothing(
    acme: Agency, acme_result: Assessment, stand_in_pdf: PdfStandIn, settings
) -> None:
    # A queue that only keeps the jobs: the version waits, as it would for a busy worker.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    from django.tasks import default_task_backend

    by = acme.admin.user
    draft = report_draft(assessment=acme_result, by=by)
    queued = report_finalise(report=draft, by=by)
    again = report_finalise(report=draft, by=by)

    assert (again.status, again.render_state, again.documents_state) == (
        "finalising",
        "queued",
        "queued",
    )
    assert [r.args for r in default_task_backend.results] == [[queued.pk]]
    assert [e.detail for e in events(AuditEvent.Action.FINALISING)] == ["version 1"]
    # Not failed: a retry leaves a queued version to its job.
    assert report_render_retry(report=queued, by=by).render_attempts == 0
    assert len(default_task_backend.results) == 1

    # The worker runs it; a second run of the same job (or a duplicate) finds nothing to do.
    assert render_report.call(queued.pk) == "final"
    assert render_report.call(queued.pk) == "skipped"
    queued.refresh_from_db()
    assert queued.is_final
    assert queued.files.count() == 4
    assert len(stand_in_pdf.contexts) == 2
    with pytest.raises(ValueError, match="nothing to retry"):
        report_render_retry(report=queued, by=by)


def test_a_rendering_whose_worker_died_may_be_retried_later(
    acme: Agency, acme_result: Assessment, stand_in_pdf: PdfStandIn, settings
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    by = acme.admin.user
    report = report_finalise(report=report_draft(assessment=acme_result, by=by), by=by)
    # A worker claimed it, then died mid-way: the version stays "rendering".
    Report.objects.filter(pk=report.pk).update(
        render_state="rendering", render_started_at=timezone.now() - timedelta(minutes=3)
    )
    report.refresh_from_db()
    assert report.documents_state == "rendering"
    assert report_render_retry(report=report, by=by).render_state == "rendering"

    Report.objects.filter(pk=report.pk).update(
        render_started_at=timezone.now() - RENDER_STALLED_AFTER - timedelta(seconds=1)
    )
    report.refresh_from_db()
    assert report.documents_state == "failed"
    retried = report_render_retry(report=report, by=by)
    assert (retried.render_state, retried.render_attempts) == ("queued", 0)
    assert render_report.call(report.pk) == "final"


def test_an_archived_project_gets_no_new_or_changed_report_but_keeps_its_finals(
    acme: Agency, acme_result: Assessment, stand_in_pdf: PdfStandIn
) -> None:
    by = acme.admin.user
    final = report_finalise(report=report_draft(assessment=acme_result, by=by), by=by)
    draft = report_draft(assessment=acme_result, by=by)
    project_archive(project=acme_result.project, by=by)

    with pytest.raises(ProjectArchived):
        edit(draft, by)
    with pytest.raises(ProjectArchived):
        report_finalise(report=draft, by=by)
    Report.objects.filter(pk=draft.pk).delete()
    with pytest.raises(ProjectArchived):
        report_draft(assessment=acme_result, by=by)

    assert list(Report.objects.all()) == [final]
    assert final.files.count() == 4  # both variants, as PDF and Word


def test_only_the_latest_final_version_is_shared_and_a_later_one_supersedes_its_links(
    acme: Agency, acme_result: Assessment, stand_in_pdf: PdfStandIn
) -> None:
    by = acme.admin.user
    draft = report_draft(assessment=acme_result, by=by)
    with pytest.raises(ReportNotShareable):
        share_link_create(report=draft, variant="full", days=7, by=by)
    first = report_finalise(report=draft, by=by)
    link = share_link_create(report=first, variant="executive", days=7, by=by)
    assert link.variant == "executive"
    assert link.pdf() == first.files.get(variant="executive", format="pdf")

    # A draft of version 2 replaces nothing yet; its finalising does.
    second = report_draft(assessment=acme_result, by=by)
    assert not ShareLink.objects.get().superseded
    report_finalise(report=second, by=by)

    assert ShareLink.objects.get().superseded
    assert link.is_active  # expiry and revoking are separate from being replaced
    first.refresh_from_db()
    with pytest.raises(ReportNotShareable):
        share_link_create(report=first, variant="full", days=7, by=by)
    assert ShareLink.objects.count() == 1


def test_sharing_and_revoking_a_link_are_noted_with_the_link(
    acme: Agency, acme_result: Assessment, stand_in_pdf: PdfStandIn
) -> None:
    by = acme.admin.user
    report = report_finalise(report=report_draft(assessment=acme_result, by=by), by=by)

    link = share_link_create(report=report, variant="full", days=3, by=by)
    share_link_revoke(link=link, by=by)

    shared = AuditEvent.objects.filter(
        target_type="report", target_id=report.pk, action__in=["shared", "revoked"]
    ).order_by("pk")
    assert [(e.action, e.actor, e.detail) for e in shared] == [
        ("shared", by, f"link {link.pk}, full report, 3 days"),
        ("revoked", by, f"link {link.pk}"),
    ]
    link.refresh_from_db()
    assert not link.is_active


@pytest.mark.parametrize(("variant", "days"), [("full", 91), ("full", 0), ("poster", 7)])
def test_a_bad_link_is_refused_and_not_noted(
    acme: Agency, acme_result: Assessment, stand_in_pdf: PdfStandIn, variant: str, days: int
) -> None:
    by = acme.admin.user
    report = report_finalise(report=report_draft(assessment=acme_result, by=by), by=by)

    with pytest.raises(ValueError, match=r"from 1 to 90|no report variant"):
        share_link_create(report=report, variant=variant, days=days, by=by)

    assert not report.share_links.exists()
    assert not events(AuditEvent.Action.SHARED)


def test_a_save_based_on_an_older_revision_is_refused_and_changes_nothing(
    acme: Agency, acme_result: Assessment, carol
) -> None:
    draft = report_draft(assessment=acme_result, by=acme.admin.user)
    loaded = draft.revision
    theirs = edit(draft, carol.user, cover_note="Carol's note", expected_revision=loaded)
    assert (theirs.revision, theirs.updated_by) == (loaded + 1, carol.user)

    with pytest.raises(StaleReport) as stale:
        edit(draft, acme.admin.user, cover_note="Alice's note", expected_revision=loaded)

    assert stale.value.current.updated_by == carol.user
    draft.refresh_from_db()
    assert (draft.cover_note, draft.revision) == ("Carol's note", loaded + 1)


def test_a_version_from_before_versions_shares_only_the_documents_it_has(
    acme: Agency, acme_result: Assessment
) -> None:
    migrated = Report.objects.create(
        assessment=acme_result, version=1, status="final", finalised_at=timezone.now()
    )
    ReportFile.objects.create(
        report=migrated,
        variant="full",
        file="reports/old.pdf",
        checksum="0" * 64,
        size=9,
        page_count=9,
        template_version="2026.11.1",
    )

    with pytest.raises(ReportNotShareable, match="no PDF of the executive summary"):
        share_link_create(report=migrated, variant="executive", days=7, by=acme.admin.user)
    assert share_link_create(report=migrated, variant="full", days=7, by=acme.admin.user).pdf()
