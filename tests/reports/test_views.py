"""The client report's pages: from the result page to a draft, its editor, previews, the final
version's PDFs and share links, and the next version."""

import hashlib
import re
from unittest import mock

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from advisor.models import Assessment
from advisor.services import assessment_start
from projects.models import AuditEvent
from projects.services import project_archive
from reports.content import HIDEABLE_SECTIONS, SECTION_TITLES, Section
from reports.models import Report, ReportFile, ShareLink
from reports.services import report_draft, report_finalise
from reports.tasks import render_report
from tests.personas import Agency, submit
from tests.reports.conftest import PdfStandIn
from tests.reports.editor import editor_post

pytestmark = pytest.mark.django_db


GOOD = {
    "recipient": "Dana Client",
    "cover_note": "Dear Dana,\nhere is our advice.",
    "note_costs": "Prices checked on Monday.",
    "hide_appendix": "on",
    "override_approach": "adapter",
    "override_rationale": "Your voice is stable and you have 900 approved posts.",
}
STEP = {"step": "Collect 500 posts", "owner": "Dana", "effort": "2 days", "due": "2027-02-01"}


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def draft(acme: Agency, acme_result: Assessment) -> Report:
    return report_draft(assessment=acme_result, by=acme.admin.user)


def test_the_result_page_leads_to_a_first_draft_with_an_editor_for_every_section(
    alice: HttpClient, acme_result: Assessment
) -> None:
    result = alice.get(acme_result.url("result")).content.decode()
    assert acme_result.url("report") in result
    start = alice.get(acme_result.url("report"))
    assert "Write the client report" in start.content.decode()

    response = alice.post(acme_result.url("report_draft"))

    report = Report.objects.get()
    assert response["Location"] == report.get_absolute_url()
    page = alice.get(report.get_absolute_url())
    html = page.content.decode()
    assert "Client report, version 1" in text(page)
    # Without a pilot, no evidence section to comment on or hide.
    titles = [SECTION_TITLES[section] for section in Section if section is not Section.EVIDENCE]
    positions = [html.index(f">{title}</legend>") for title in titles]
    assert positions == sorted(positions), "the sections in the report's order"
    assert html.count("Hide this section") == len(HIDEABLE_SECTIONS) - 1 == len(Section) - 2
    assert SECTION_TITLES[Section.EVIDENCE] not in html
    assert 'name="hide_summary"' not in html
    assert 'value="Sam Contact"' in html  # the client contact, prefilled
    assert "No override: keep System-prompt engineering" in html
    assert '<option value="system_prompt"' not in html
    # Back on the result page, the report is a draft, and the button opens it.
    assert alice.get(acme_result.url("report"))["Location"] == report.get_absolute_url()
    assert "Continue the draft" in alice.get(acme_result.url("result")).content.decode()


def test_saving_stores_the_edits_and_shows_them_again(alice: HttpClient, draft: Report) -> None:
    response = alice.post(draft.get_absolute_url(), editor_post(steps=(STEP,), **GOOD))

    assert response["Location"] == draft.get_absolute_url()
    draft.refresh_from_db()
    assert (draft.recipient, draft.cover_note) == ("Dana Client", "Dear Dana,\nhere is our advice.")
    assert (draft.section_notes, draft.hidden_sections) == (
        {"costs": "Prices checked on Monday."},
        ["appendix"],
    )
    assert (draft.override_approach, draft.status) == ("adapter", "draft")
    assert [(s.step, s.owner, s.effort, str(s.due)) for s in draft.next_steps.all()] == [
        tuple(STEP.values())
    ]
    page = alice.get(draft.get_absolute_url())
    assert "Draft of version 1 saved." in page.content.decode()
    html = page.content.decode()
    for shown in ["Dear Dana,\nhere is our advice.", "Prices checked on Monday.", "2027-02-01"]:
        assert shown in html
    assert re.search(r'name="hide_appendix"[^>]*checked', html)
    # Removing the step and clearing the override.
    rows = {f"steps-0-{name}": value for name, value in STEP.items()}
    alice.post(
        draft.get_absolute_url(),
        editor_post(initial=1, **{**rows, "steps-0-DELETE": "on", "recipient": "Dana"}),
    )
    draft.refresh_from_db()
    assert (draft.next_steps.count(), draft.override_approach, draft.recipient) == (0, "", "Dana")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"override_rationale": ""}, "Say why you recommend this approach instead"),
        ({"override_approach": "system_prompt"}, "Select a valid choice"),
        ({"recipient": "Dana\u202e"}, "invisible control character"),
        ({"cover_note": "x" * 2001}, "at most 2000 characters"),
        ({"steps-0-owner": "Dana"}, "Say what the step is."),
        ({"steps-0-step": "Go", "steps-0-due": "31/02/2027"}, "Enter a date, such as 2027-03-31"),
        ({"steps-TOTAL_FORMS": "23"}, "A plan has at most 20 next steps."),
        ({"steps-TOTAL_FORMS": "x"}, "could not be read: please reload the page"),
    ],
)
def test_bad_input_names_the_field_keeps_what_was_typed_and_saves_nothing(
    alice: HttpClient, draft: Report, changes: dict[str, str], message: str
) -> None:
    alice.post(draft.get_absolute_url(), editor_post(**GOOD))
    before = list(Report.objects.values())

    data = editor_post(**{**GOOD, "cover_note": "A new cover note", **changes})
    response = alice.post(draft.get_absolute_url(), data)

    assert response.status_code == 200
    assert "The draft was not saved" in text(response)
    assert message in text(response)
    if "cover_note" not in changes:
        assert "A new cover note" in response.content.decode()
    assert list(Report.objects.values()) == before


def test_the_preview_buttons_save_then_show_the_draft_with_its_edits(
    alice: HttpClient, draft: Report
) -> None:
    response = alice.post(draft.get_absolute_url(), editor_post(**GOOD, action="preview-executive"))

    assert response["Location"] == reverse("reports:preview", args=[draft.pk, "executive"])
    preview = alice.get(response["Location"])
    assert "Preview of the executive summary, version 1 (draft)" in text(preview)
    edits = preview.context["edits"]
    assert (edits.cover_note, edits.version, edits.final) == (GOOD["cover_note"], 1, False)
    assert edits.hidden == {Section.APPENDIX}
    # The assessment's preview shows the latest version too.
    url = reverse(
        "advisor:report_preview", args=[draft.assessment.project_id, draft.assessment_id, "full"]
    )
    assert alice.get(url).context["edits"] == edits
    assert alice.get(reverse("reports:preview", args=[draft.pk, "poster"])).status_code == 404


def test_the_preview_before_any_report_is_the_unedited_report(
    alice: HttpClient, acme: Agency, acme_result: Assessment
) -> None:
    args = [acme.project.pk, acme_result.pk]
    page = alice.get(reverse("advisor:report_preview", args=[*args, "full"]))
    assert "Our recommendation" in page.content.decode()
    assert page.context["edits"].recipient == "Sam Contact"
    assert not Report.objects.exists()
    assert alice.get(reverse("advisor:report_preview", args=[*args, "poster"])).status_code == 404
    unsubmitted = assessment_start(project=acme.project, by=acme.admin.user)
    for name in ("report", "report_draft"):
        assert alice.post(unsubmitted.url(name)).status_code in {404, 405}
        assert alice.get(unsubmitted.url(name)).status_code in {404, 405}
    preview = reverse("advisor:report_preview", args=[acme.project.pk, unsubmitted.pk, "full"])
    assert alice.get(preview).status_code == 404


def test_finalising_stores_both_pdfs_downloaded_byte_for_byte_and_freezes_the_version(
    alice: HttpClient, draft: Report
) -> None:
    response = alice.post(draft.get_absolute_url(), editor_post(**GOOD, action="finalise"))

    assert response["Location"] == draft.get_absolute_url()
    draft.refresh_from_db()
    assert draft.is_final
    page = alice.get(draft.get_absolute_url())
    assert "Version 1 is final: its documents are stored and never change." in text(page)
    assert "Edit (makes version 2)" in text(page)
    types = {"pdf": "application/pdf", "docx": ReportFile.CONTENT_TYPES[ReportFile.Format.DOCX]}
    names = {"executive": "executive-summary", "full": "full-report"}
    for stored in draft.files.all():
        url = reverse("reports:download_as", args=[draft.pk, stored.variant, stored.format])
        assert url in page.content.decode()
        download = alice.get(url)
        assert download["Content-Type"] == types[stored.format]
        assert download["Content-Disposition"] == (
            "attachment; filename="
            f'"acme-retail-acme-chatbot-{names[stored.variant]}-version-1.{stored.format}"'
        )
        content = body(download)
        assert content.startswith(b"%PDF" if stored.format == "pdf" else b"PK")
        assert hashlib.sha256(content).hexdigest() == stored.checksum
        assert body(alice.get(url)) == content
    assert {(f.variant, f.format) for f in draft.files.all()} == {
        (variant, fmt) for variant in ("executive", "full") for fmt in ("pdf", "docx")
    }
    downloads = AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOADED)
    assert sorted(e.detail for e in downloads) == sorted(
        f"{what} ({fmt})"
        for what in ("executive summary", "full report")
        for fmt in ("PDF", "Word")
        for _ in range(2)
    )
    # The PDF's address without a format still downloads the PDF.
    pdf = draft.files.get(variant="full", format="pdf")
    assert body(alice.get(reverse("reports:download", args=[draft.pk, "full"]))) == (
        pdf.file.open("rb").read()
    )
    assert (
        alice.get(reverse("reports:download_as", args=[draft.pk, "full", "odt"])).status_code == 404
    )

    # The final version takes no more edits, from the editor's form or otherwise.
    before = list(Report.objects.values())
    refused = alice.post(draft.get_absolute_url(), editor_post(cover_note="Changed"), follow=True)
    assert "Version 1 is final and never changes; edit it to make version 2." in text(refused)
    assert list(Report.objects.values()) == before
    project_page = alice.get(draft.assessment.project.get_absolute_url()).content.decode()
    assert draft.get_absolute_url() in project_page


def test_edit_after_final_makes_version_2_from_its_content_and_lists_both(
    alice: HttpClient, acme: Agency, draft: Report, stand_in_pdf: PdfStandIn
) -> None:
    alice.post(draft.get_absolute_url(), editor_post(steps=(STEP,), **GOOD, action="finalise"))
    assessment = draft.assessment

    response = alice.post(assessment.url("report_draft"), follow=True)

    second = Report.objects.get(version=2)
    assert response.redirect_chain[-1][0] == second.get_absolute_url()
    assert "Version 2 is a draft, starting from version 1" in text(response)
    html = response.content.decode()
    assert GOOD["cover_note"] in html
    assert STEP["step"] in html
    assert second.edits().next_steps == draft.edits().next_steps
    versions = response.context["versions"]
    assert [(v.version, v.status) for v in versions] == [(2, "draft"), (1, "final")]
    # Version 1's page sends colleagues to the draft rather than starting another.
    first_page = alice.get(draft.get_absolute_url())
    assert "Continue version 2 (a draft)" in text(first_page)
    assert alice.get(assessment.url("report"))["Location"] == second.get_absolute_url()


def test_a_failed_finalise_keeps_the_edits_says_so_and_offers_a_retry(
    alice: HttpClient, draft: Report
) -> None:
    with mock.patch("reports.services.render_report_pdf", side_effect=OSError("pango crashed")):
        response = alice.post(
            draft.get_absolute_url(), editor_post(**GOOD, action="finalise"), follow=True
        )

    page = text(response)
    assert "The documents of this version could not be made, after 3 attempts" in page
    assert "Retry" in page
    assert "Create share link" not in page
    draft.refresh_from_db()
    assert (draft.status, draft.render_state, draft.cover_note) == (
        "finalising",
        "failed",
        GOOD["cover_note"],
    )
    assert not ReportFile.objects.exists()
    status = alice.get(reverse("reports:status", args=[draft.pk]))
    assert status.json() == {"state": "failed", "label": "The documents could not be made."}
    # Edits are refused while it is finalising, and nothing changes.
    refused = alice.post(draft.get_absolute_url(), editor_post(cover_note="Changed"), follow=True)
    assert "Version 1 is being finalised and no longer changes" in text(refused)

    retried = alice.post(reverse("reports:retry", args=[draft.pk]), follow=True)

    assert "The documents of version 1 are queued again." in text(retried)
    draft.refresh_from_db()
    assert draft.is_final
    assert draft.files.count() == 4
    assert "Create share link" in text(retried)
    status = alice.get(reverse("reports:status", args=[draft.pk]))
    assert status.json() == {"state": "ready", "label": "The documents are ready."}


def test_a_version_waiting_for_a_worker_says_so_and_follows_its_status(
    alice: HttpClient, draft: Report, stand_in_pdf: PdfStandIn, settings
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    response = alice.post(draft.get_absolute_url(), editor_post(**GOOD, action="finalise"))
    page = alice.get(response["Location"])

    assert "Version 1 is being finalised: its documents are being made." in text(page)
    assert "Waiting for a worker to make the documents." in text(page)
    assert "js/report-status.js" in page.content.decode()
    assert "Create share link" not in text(page)
    assert alice.get(reverse("reports:status", args=[draft.pk])).json()["state"] == "queued"
    # Nothing to retry while it waits: the button is not there and a post changes nothing.
    assert "Retry" not in text(page)
    alice.post(reverse("reports:retry", args=[draft.pk]))
    draft.refresh_from_db()
    assert (draft.render_state, draft.render_attempts) == ("queued", 0)

    render_report.call(draft.pk)

    assert alice.get(reverse("reports:status", args=[draft.pk])).json()["state"] == "ready"
    assert "Create share link" in text(alice.get(draft.get_absolute_url()))


def test_another_organization_cannot_see_the_status_or_retry(
    alice: HttpClient, draft: Report, globex: Agency
) -> None:
    bob = globex.http()
    assert bob.get(reverse("reports:status", args=[draft.pk])).status_code == 404
    assert bob.post(reverse("reports:retry", args=[draft.pk])).status_code == 404


def test_a_share_link_opens_its_pdf_until_a_later_version_replaces_it(
    alice: HttpClient, acme: Agency, draft: Report, stand_in_pdf: PdfStandIn
) -> None:
    acme.admin.user.first_name, acme.admin.user.last_name = "Alice", "Archer"
    acme.admin.user.save()
    first = report_finalise(report=draft, by=acme.admin.user)
    response = alice.post(
        reverse("reports:share", args=[first.pk]), {"variant": "executive", "days": 7}
    )
    assert response["Location"] == first.get_absolute_url()
    link = ShareLink.objects.get()
    assert (link.report, link.variant) == (first, "executive")
    visitor = HttpClient()
    shared = visitor.get(link.get_absolute_url())
    assert shared.status_code == 200
    assert "View the report" in text(shared)
    document = visitor.get(reverse("reports:shared_view", args=[link.token]))
    assert (
        body(document) == first.files.get(variant="executive", format="pdf").file.open("rb").read()
    )

    second = report_finalise(
        report=report_draft(assessment=first.assessment, by=acme.admin.user), by=acme.admin.user
    )

    replaced = visitor.get(link.get_absolute_url())
    assert replaced.status_code == 410
    assert replaced["X-Robots-Tag"] == "noindex, nofollow"
    assert "This report has been replaced by a newer version" in text(replaced)
    assert "Please ask Alice Archer at Acme for a link to the new version." in text(replaced)
    link.refresh_from_db()
    assert link.view_count == 2
    page = alice.get(first.get_absolute_url())
    assert "Version 2, finalised" in text(page)
    assert "Create share link" not in text(page)
    assert "Replaced" in text(page)
    refused = alice.post(
        reverse("reports:share", args=[first.pk]), {"variant": "full", "days": 7}, follow=True
    )
    assert "Only the latest final version of a report can be shared." in text(refused)
    assert ShareLink.objects.count() == 1
    # Revoking still works, and then the link is simply unavailable.
    alice.post(reverse("reports:revoke", args=[link.pk]))
    assert "no longer opens the report" in visitor.get(link.get_absolute_url()).content.decode()
    assert second.share_links.count() == 0


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"variant": "full", "days": 0}, "at least 1 day"),
        ({"variant": "full", "days": 91}, "at most 90"),
        ({"variant": "full", "days": "x"}, "Enter a number"),
        ({"variant": "poster", "days": 7}, "Choose which document to share"),
        ({"days": 7}, "Choose which document to share"),
    ],
)
def test_share_links_are_checked(
    alice: HttpClient, acme: Agency, draft: Report, stand_in_pdf: PdfStandIn, post, message: str
) -> None:
    final = report_finalise(report=draft, by=acme.admin.user)
    response = alice.post(reverse("reports:share", args=[final.pk]), post, follow=True)
    assert message in text(response)
    assert not ShareLink.objects.exists()


def test_a_draft_has_nothing_to_download_or_share(alice: HttpClient, draft: Report) -> None:
    assert alice.get(reverse("reports:download", args=[draft.pk, "full"])).status_code == 404
    response = alice.post(reverse("reports:share", args=[draft.pk]), {"variant": "full", "days": 7})
    assert response.status_code == 302
    assert not ShareLink.objects.exists()


def test_an_old_download_link_leads_to_the_report_version(alice: HttpClient, draft: Report) -> None:
    response = alice.get(reverse("reports:download_moved", args=[draft.pk]))
    assert response["Location"] == draft.get_absolute_url()


def test_an_archived_project_keeps_its_report_readable_but_takes_no_edits(
    alice: HttpClient, acme: Agency, draft: Report
) -> None:
    alice.post(draft.get_absolute_url(), editor_post(**GOOD))
    project_archive(project=acme.project, by=acme.admin.user)
    before = list(Report.objects.values())

    response = alice.post(draft.get_absolute_url(), editor_post(**{**GOOD, "cover_note": "New"}))

    assert "This project is archived" in text(response)
    assert "New" in response.content.decode()  # what was typed is still on the page
    assert list(Report.objects.values()) == before
    Report.objects.all().delete()
    follow = alice.post(draft.assessment.url("report_draft"), follow=True)
    assert "This project is archived" in text(follow)
    assert "Write the client report" not in text(alice.get(draft.assessment.url("report")))
    assert not Report.objects.exists()


def test_another_organizations_reports_previews_and_links_are_404(
    alice: HttpClient, acme: Agency, globex: Agency, stand_in_pdf: PdfStandIn
) -> None:
    theirs = submit(globex)
    bob = globex.user if hasattr(globex, "user") else globex.admin.user
    final = report_finalise(report=report_draft(assessment=theirs, by=bob), by=bob)
    draft = report_draft(assessment=theirs, by=bob)
    globex.http().post(reverse("reports:share", args=[final.pk]), {"variant": "full", "days": 7})
    link = ShareLink.objects.get()
    args = [theirs.project_id, theirs.pk]
    before = [list(Report.objects.values()), list(ShareLink.objects.values())]
    for method, url in [
        ("get", reverse("advisor:report", args=args)),
        ("post", reverse("advisor:report_draft", args=args)),
        ("get", reverse("advisor:report_preview", args=[*args, "full"])),
        ("get", reverse("reports:detail", args=[draft.pk])),
        ("post", reverse("reports:detail", args=[draft.pk])),
        ("get", reverse("reports:detail", args=[final.pk])),
        ("get", reverse("reports:preview", args=[final.pk, "full"])),
        ("get", reverse("reports:download", args=[final.pk, "full"])),
        ("get", reverse("reports:download_moved", args=[final.pk])),
        ("post", reverse("reports:share", args=[final.pk])),
        ("post", reverse("reports:revoke", args=[link.pk])),
    ]:
        response = getattr(alice, method)(
            url, {**editor_post(**GOOD), "days": 7, "variant": "full"}
        )
        assert response.status_code == 404, f"{method.upper()} {url}: {response.status_code}"
    assert [list(Report.objects.values()), list(ShareLink.objects.values())] == before


def test_a_new_assessment_report_says_what_changed_since_the_last_final_one(
    alice: HttpClient, acme: Agency, stand_in_pdf: PdfStandIn
) -> None:
    first = submit(acme)
    second = submit(acme, "support_assistant")
    preview = reverse("advisor:report_preview", args=[acme.project.pk, second.pk, "full"])
    report_draft(assessment=first, by=acme.admin.user)
    assert "What changed since the previous report" not in alice.get(preview).content.decode()

    report_finalise(report=first.reports.get(), by=acme.admin.user)

    page = alice.get(preview).content.decode()
    assert "What changed since the previous report" in page
    assert f"Compared with the answers of {first.submitted_at:%-d %B %Y}" in page


def test_a_colleagues_save_in_between_is_not_overwritten_and_nothing_typed_is_lost(
    alice: HttpClient, acme: Agency, carol, draft: Report
) -> None:
    loaded = alice.get(draft.get_absolute_url()).content.decode()
    revision = re.search(r'name="revision" value="(\d+)"', loaded)[1]  # type: ignore[index]
    carol.user.first_name = "Carol"
    carol.user.save()
    theirs = {**GOOD, "cover_note": "Carol's cover note", "revision": revision}
    assert acme.http(carol).post(draft.get_absolute_url(), editor_post(**theirs)).status_code == 302

    mine = {**GOOD, "cover_note": "Alice's cover note", "revision": revision}
    response = alice.post(draft.get_absolute_url(), editor_post(**mine))

    assert response.status_code == 409
    assert "Carol saved this draft at" in text(response)
    assert "Alice&#x27;s cover note" in response.content.decode()
    draft.refresh_from_db()
    assert draft.cover_note == "Carol's cover note"
    # The page now carries Carol's revision: saving again is a deliberate overwrite.
    again = re.search(r'name="revision" value="(\d+)"', response.content.decode())[1]  # type: ignore[index]
    assert (
        alice.post(draft.get_absolute_url(), editor_post(**{**mine, "revision": again})).status_code
        == 302
    )
    draft.refresh_from_db()
    assert draft.cover_note == "Alice's cover note"
