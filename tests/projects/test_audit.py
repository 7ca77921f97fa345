import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from advisor.questionnaire import STEPS
from projects.models import AuditEvent, Membership
from tests.advisor.wizard import fill_all_steps
from tests.personas import Agency
from tests.reports.editor import editor_post

AUDIT = reverse("projects:audit_log")


@pytest.mark.django_db
def test_the_trail_records_who_did_what(
    alice: HttpClient, acme: Agency, globex: Agency, settings, tmp_path
) -> None:
    from advisor.scoring.examples import sample_input
    from reports.models import Report

    settings.MEDIA_ROOT = tmp_path
    alice.post(reverse("projects:client_create"), {"name": "Bloom"})
    alice.post(reverse("advisor:new", args=[acme.project.pk]))
    assessment = acme.project.assessments.get()
    fill_all_steps(alice, assessment, sample_input())
    alice.post(assessment.url("submit"))
    alice.get(assessment.url("export"))
    draft = alice.post(assessment.url("report_draft"))["Location"]
    alice.post(draft, editor_post(action="finalise", cover_note="Dear client"))
    report = Report.objects.get()
    alice.get(reverse("reports:download", args=[report.pk, "executive"]))
    alice.post(reverse("reports:share", args=[report.pk]), {"variant": "full", "days": 3})
    link = report.share_links.get()
    HttpClient().get(link.get_absolute_url())
    alice.post(reverse("reports:revoke", args=[link.pk]))

    events = list(AuditEvent.objects.filter(organization=acme.organization).order_by("pk"))
    actions = [(e.action, e.target_type) for e in events]
    assert ("created", "client") in actions
    assert ("created", "assessment") in actions
    assert actions.count(("changed", "assessment")) == len(STEPS)  # one per step saved
    for expected in [
        ("submitted", "assessment"),
        ("exported", "assessment"),
        ("created", "report"),
        ("edited", "report"),
        ("finalised", "report"),
        ("downloaded", "report"),
        ("shared", "report"),
        ("viewed", "report"),
        ("revoked", "report"),
    ]:
        assert expected in actions, expected
    viewed = next(e for e in events if e.action == "viewed")
    assert viewed.actor is None
    # What a link's visitor does, and the email it sends, has nobody of the agency behind it.
    unattended = {"viewed", "notified"}
    assert all(e.actor == acme.admin.user for e in events if e.action not in unattended)
    assert not AuditEvent.objects.filter(organization=globex.organization).exists()

    page = alice.get(AUDIT).content.decode()
    assert "Submitted assessment" in page
    assert "alice@acme.example" in page
    assert "someone with a share link" in page


@pytest.mark.django_db
def test_only_admins_see_the_trail_and_only_their_own(
    acme: Agency, globex: Agency, carol: Membership
) -> None:
    globex.http().post(reverse("projects:client_create"), {"name": "Secret Globex client"})
    assert acme.http(carol).get(AUDIT).status_code == 403
    page = acme.http().get(AUDIT).content.decode()
    assert "Secret Globex client" not in page
