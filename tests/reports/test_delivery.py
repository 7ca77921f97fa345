"""Delivering a final report: the agency's page behind a share link, its branded refusals, the
link emailed to the client, the email to the preparer on the first view, and the client's
acceptance of the next step."""

import io
import re
from datetime import timedelta
from html import unescape
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail, signing
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from advisor.models import Assessment
from projects.logos import logo_reencode
from projects.models import AuditEvent, Organization, Profile
from reports import services
from reports.models import SHARE_SALT, Acceptance, NextStep, Report, ShareLink
from reports.services import report_draft, report_finalise, share_link_create
from tests.personas import Agency
from tests.reports.conftest import PdfStandIn

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script> & <b>bold</b>'
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"


def text(response) -> str:
    return unescape(" ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()))


def visitor() -> HttpClient:
    return HttpClient(REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT=BROWSER)


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


@pytest.fixture
def agency(acme: Agency) -> Agency:
    Organization.objects.filter(pk=acme.organization.pk).update(
        brand_color="#7a1f5c",
        contact_line="hello@acme.example · +44 20 7946 0000",
        website="https://acme.example",
    )
    acme.organization.refresh_from_db()
    user = acme.admin.user
    user.first_name, user.last_name = "Alice", "Archer"
    user.save()
    Profile.objects.create(user=user, job_title="Lead consultant")
    acme.client.contact_name, acme.client.contact_email = "Dana Client", "dana@client.example"
    acme.client.save()
    return acme


@pytest.fixture
def final(agency: Agency, acme_result: Assessment, stand_in_pdf: PdfStandIn) -> Report:
    draft = report_draft(assessment=acme_result, by=agency.admin.user)
    Report.objects.filter(pk=draft.pk).update(
        cover_note="Dear Dana,\nhere is our advice.", recipient="Dana Client"
    )
    NextStep.objects.create(report=draft, position=1, step="Collect 500 approved posts")
    draft.refresh_from_db()
    return report_finalise(report=draft, by=agency.admin.user)


@pytest.fixture
def link(final: Report, agency: Agency) -> ShareLink:
    return share_link_create(report=final, variant="executive", days=7, by=agency.admin.user)


def supersede(report: Report, agency: Agency) -> Report:
    return report_finalise(
        report=report_draft(assessment=report.assessment, by=agency.admin.user),
        by=agency.admin.user,
    )


def accept_url(link: ShareLink) -> str:
    return reverse("reports:shared_accept", args=[link.token])


# The page behind the link.


def test_the_share_page_is_the_agencys_with_the_report_and_its_documents(
    link: ShareLink, agency: Agency
) -> None:
    response = visitor().get(link.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    page = text(response)
    assert "Advisor" not in html
    assert re.search(r"<title>Executive summary: Acme chatbot · Acme</title>", html)
    assert "--org-brand: #7a1f5c" in html
    assert "Prepared for Acme Retail, for the attention of Dana Client" in page
    assert f"Executive summary · version 1 · {link.report.finalised_at:%-d %B %Y}" in page
    assert "Dear Dana,\nhere is our advice." in html  # the line break kept, shown pre-wrapped
    assert reverse("reports:shared_view", args=[link.token]) in html
    assert reverse("reports:shared_download", args=[link.token, "pdf"]) in html
    assert reverse("reports:shared_download", args=[link.token, "docx"]) in html
    assert "hello@acme.example · +44 20 7946 0000" in page
    assert "Your contact: Alice Archer, Lead consultant · alice@acme.example" in page
    assert 'href="https://acme.example"' in html
    assert "The next step we recommend Collect 500 approved posts." in page


def test_the_word_file_downloads_but_only_the_pdf_opens_in_the_browser(link: ShareLink) -> None:
    word = visitor().get(reverse("reports:shared_download", args=[link.token, "docx"]))
    assert word.status_code == 200
    assert word["Content-Disposition"].startswith("attachment")
    assert word["Content-Type"].endswith("wordprocessingml.document")
    assert (
        visitor().get(reverse("reports:shared_download", args=[link.token, "html"])).status_code
        == 404
    )


def test_a_hostile_cover_note_and_client_name_are_shown_as_text(
    link: ShareLink, agency: Agency
) -> None:
    Report.objects.filter(pk=link.report_id).update(cover_note=HOSTILE, recipient=HOSTILE)
    agency.client.name = HOSTILE
    agency.client.save()
    html = visitor().get(link.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html


@pytest.mark.parametrize("how", ["revoked", "expired", "superseded"])
def test_refusal_pages_carry_the_agencys_branding_and_no_tool_name(
    link: ShareLink, agency: Agency, how: str
) -> None:
    if how == "revoked":
        ShareLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    elif how == "expired":
        ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())
    else:
        supersede(link.report, agency)
    for url in [
        link.get_absolute_url(),
        reverse("reports:shared_view", args=[link.token]),
        reverse("reports:shared_download", args=[link.token, "pdf"]),
    ]:
        response = visitor().get(url)
        assert response.status_code == 410
        html = response.content.decode()
        assert "Advisor" not in html
        assert "--org-brand: #7a1f5c" in html
        assert "· Acme</title>" in html
        assert "alice@acme.example" in html
        assert "hello@acme.example" in html


def test_a_forged_token_gets_a_plain_page_naming_nobody(link: ShareLink) -> None:
    response = visitor().get(reverse("reports:shared", args=[link.token[:-2] + "xx"]))
    assert response.status_code == 410
    html = response.content.decode()
    assert "Advisor" not in html
    assert "Acme" not in html
    assert "<title>Link unavailable</title>" in html


# The email to the preparer on the first view.


def test_the_first_view_emails_the_preparer_once_and_is_noted(
    link: ShareLink, agency: Agency
) -> None:
    assert link.first_viewed_at is None
    for _ in range(2):
        visitor().get(link.get_absolute_url())
    HttpClient(REMOTE_ADDR="203.0.113.9").get(link.get_absolute_url())

    (email,) = mail.outbox
    assert email.to == ["alice@acme.example"]
    assert email.subject == "Acme Retail opened the executive summary you shared"
    assert f"http://testserver{link.report.get_absolute_url()}" in email.body
    assert "Hello Alice Archer," in email.body
    link.refresh_from_db()
    assert link.first_viewed_at is not None
    assert link.view_count == 3
    (noted,) = events(AuditEvent.Action.NOTIFIED)
    assert noted.detail == f"link {link.pk}: emailed alice@acme.example"
    assert noted.actor is None
    # The report page says when it was first opened.
    page = agency.http().get(link.report.get_absolute_url())
    assert "First opened" in text(page)


def test_a_failing_first_view_email_never_breaks_the_page(
    link: ShareLink, caplog: pytest.LogCaptureFixture
) -> None:
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("mail is down")):
        response = visitor().get(link.get_absolute_url())
    assert response.status_code == 200
    assert "View the report" in text(response)
    assert "could not be sent" in caplog.text
    (noted,) = events(AuditEvent.Action.NOTIFIED)
    assert noted.detail == f"link {link.pk}: the email to alice@acme.example could not be sent"
    visitor().get(link.get_absolute_url())
    assert mail.outbox == []  # once per link, even when that once failed


# Emailing the link to the client.


def test_the_email_form_is_prefilled_with_the_client_contact(
    link: ShareLink, agency: Agency
) -> None:
    page = agency.http().get(link.report.get_absolute_url()).content.decode()
    assert "Email a link to the client contact" in page
    assert 'value="dana@client.example"' in page
    assert 'value="Dana Client"' in page
    assert "Dear Dana Client," in page
    assert 'data-copy-from="share-url-' in page
    assert "js/copy-link" in page


def test_emailing_the_link_sends_it_as_written_and_notes_it(
    link: ShareLink, agency: Agency
) -> None:
    response = agency.http().post(
        reverse("reports:email", args=[link.report_id]),
        {
            "link": link.pk,
            "name": "Dana Client",
            "to": "dana@client.example",
            "subject": "Our report",
            "message": f"Dear Dana,\r\n{HOSTILE}",
        },
    )
    assert response.status_code == 302
    (email,) = mail.outbox
    assert email.to == ["Dana Client <dana@client.example>"]
    assert email.from_email == f"Acme <{settings.DEFAULT_FROM_EMAIL}>"  # the agency, by name
    assert email.reply_to == ["alice@acme.example"]
    assert email.subject == "Our report"
    assert email.body.startswith(f"Dear Dana,\n{HOSTILE}\n")  # plain text, as typed
    emailed = re.search(r"http://testserver/s/([^/\s]+)/\n", email.body)
    assert emailed is not None
    assert signing.loads(emailed[1], salt=SHARE_SALT) == link.pk
    assert email.content_subtype == "plain"
    (noted,) = events(AuditEvent.Action.EMAILED)
    assert noted.detail == f"link {link.pk}, executive summary, to dana@client.example"
    assert noted.actor == agency.admin.user


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"to": "dana@"}, "Their email: Enter the client's email address"),
        ({"to": ""}, "Their email: Enter the client's email address"),
        ({"subject": ""}, "Subject: Give the email a subject."),
        ({"subject": "Hi\r\nBcc: x@evil.example"}, "Subject:"),
        ({"link": "999999"}, "Link to send: Choose one of this version"),
        ({"message": "x" * 5001}, "Message: Ensure this value has at most 5000 characters"),
    ],
)
def test_a_bad_email_is_refused_naming_the_field_and_keeping_the_text(
    link: ShareLink, agency: Agency, changes: dict[str, str], message: str
) -> None:
    post = {
        "link": link.pk,
        "name": "Dana",
        "to": "dana@client.example",
        "subject": "Our report",
        "message": "Kept message",
        **changes,
    }
    response = agency.http().post(reverse("reports:email", args=[link.report_id]), post)
    assert response.status_code == 400
    assert message in text(response)
    if "message" not in changes:
        assert "Kept message" in response.content.decode()
    assert mail.outbox == []
    assert events(AuditEvent.Action.EMAILED) == []


def test_a_mail_server_failure_keeps_the_message_and_notes_nothing(
    link: ShareLink, agency: Agency
) -> None:
    post = {"link": link.pk, "to": "dana@client.example", "subject": "S", "message": "Kept it"}
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("refused")):
        response = agency.http().post(reverse("reports:email", args=[link.report_id]), post)
    assert response.status_code == 503
    assert "The email could not be sent" in text(response)
    assert "Kept it" in response.content.decode()
    assert events(AuditEvent.Action.EMAILED) == []


def test_only_links_that_open_the_report_can_be_emailed(link: ShareLink, agency: Agency) -> None:
    ShareLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    link.refresh_from_db()
    with pytest.raises(services.ReportNotShareable):
        services.share_link_email(
            link=link,
            by=agency.admin.user,
            to="a@b.example",
            name="",
            subject="S",
            message="",
            base_url="http://testserver/",
        )
    post = {"link": link.pk, "to": "dana@client.example", "subject": "S", "message": ""}
    response = agency.http().post(reverse("reports:email", args=[link.report_id]), post)
    assert response.status_code == 400
    assert mail.outbox == []


def test_another_agency_cannot_email_acmes_link(link: ShareLink, globex: Agency) -> None:
    post = {"link": link.pk, "to": "x@globex.example", "subject": "S", "message": ""}
    response = globex.http().post(reverse("reports:email", args=[link.report_id]), post)
    assert response.status_code == 404
    assert mail.outbox == []


# The client's acceptance of the next step.


def test_the_client_accepts_the_next_step_once_and_everyone_sees_it(
    link: ShareLink, agency: Agency
) -> None:
    client = visitor()
    client.get(link.get_absolute_url())
    response = client.post(accept_url(link), {"name": "Dana Client", "confirmed": "on"})
    assert response.status_code == 302
    assert response["Location"] == link.get_absolute_url()

    acceptance = Acceptance.objects.get()
    assert (acceptance.link, acceptance.report) == (link, link.report)
    assert (acceptance.name, acceptance.step) == ("Dana Client", "Collect 500 approved posts.")
    (noted,) = events(AuditEvent.Action.ACCEPTED)
    assert noted.target_id == link.report_id
    assert noted.detail.startswith(f"link {link.pk}, visitor ")
    assert noted.detail.endswith(": “Dana Client” accepted the next step")
    when = f"{acceptance.accepted_at:%-d %B %Y} at {acceptance.accepted_at:%H:%M} UTC"
    assert f"Accepted by Dana Client on {when}" in text(client.get(link.get_absolute_url()))
    report_page = text(agency.http().get(link.report.get_absolute_url()))
    assert "Accepted by Dana Client on" in report_page
    assert "“Collect 500 approved posts.”" in report_page

    again = client.post(accept_url(link), {"name": "Mallory", "confirmed": "on"})
    assert again.status_code == 409  # the page, which shows the first acceptance
    assert Acceptance.objects.get().name == "Dana Client"
    with pytest.raises(services.AcceptanceRefused):
        services.share_link_accept(link=link, name="Mallory", confirmed=True, visitor="x")


def test_without_a_plan_the_client_accepts_the_recommendations_next_step(
    acme: Agency, acme_result: Assessment, stand_in_pdf: PdfStandIn
) -> None:
    report = report_finalise(
        report=report_draft(assessment=acme_result, by=acme.admin.user), by=acme.admin.user
    )
    link = share_link_create(report=report, variant="full", days=3, by=acme.admin.user)
    step = services.acceptance_step(report)
    assert step == stand_in_pdf.contexts[-1]["next_step"]  # as the report printed it
    assert step in text(visitor().get(link.get_absolute_url()))
    visitor().post(accept_url(link), {"name": "Sam", "confirmed": "on"})
    assert Acceptance.objects.get().step == step


@pytest.mark.parametrize(
    ("post", "messages"),
    [
        ({}, ["Your name: Type your name", "Confirmation: Tick the box"]),
        ({"name": "   ", "confirmed": "on"}, ["Your name: Type your name"]),
        ({"name": "Dana"}, ["Confirmation: Tick the box to confirm"]),
        ({"name": "D" * 121, "confirmed": "on"}, ["Your name: Ensure this value has at most 120"]),
        ({"name": "Dana\u202e", "confirmed": "on"}, ["Your name:"]),
    ],
)
def test_an_incomplete_acceptance_is_refused_naming_the_field(
    link: ShareLink, post: dict[str, str], messages: list[str]
) -> None:
    response = visitor().post(accept_url(link), post)
    assert response.status_code == 400
    page = text(response)
    assert "Nothing was recorded yet" in page
    for message in messages:
        assert message in page
    if post.get("name", "").strip():
        assert f'value="{post["name"]}"' in response.content.decode()
    assert not Acceptance.objects.exists()
    assert events(AuditEvent.Action.ACCEPTED) == []


def test_a_hostile_name_is_shown_as_text_to_everyone(link: ShareLink, agency: Agency) -> None:
    name = '<img src=x onerror="alert(1)">'
    assert visitor().post(accept_url(link), {"name": name, "confirmed": "on"}).status_code == 302
    for page in [
        visitor().get(link.get_absolute_url()),
        agency.http().get(link.report.get_absolute_url()),
    ]:
        html = page.content.decode()
        assert "<img src=x" not in html
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


@pytest.mark.parametrize("how", ["revoked", "expired", "superseded", "forged"])
def test_no_acceptance_through_a_link_that_no_longer_opens_the_report(
    link: ShareLink, agency: Agency, how: str
) -> None:
    url = accept_url(link)
    if how == "revoked":
        ShareLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    elif how == "expired":
        ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(1))
    elif how == "superseded":
        supersede(link.report, agency)
    else:
        url = reverse("reports:shared_accept", args=[link.token[:-3] + "abc"])
    response = visitor().post(url, {"name": "Dana", "confirmed": "on"})
    assert response.status_code == 410
    assert not Acceptance.objects.exists()
    if how != "forged":
        link.refresh_from_db()
        with pytest.raises(services.AcceptanceRefused):
            services.share_link_accept(link=link, name="Dana", confirmed=True, visitor="x")


def test_an_acceptance_through_one_agencys_link_touches_only_that_report(
    link: ShareLink, globex: Agency, stand_in_pdf: PdfStandIn
) -> None:
    from tests.personas import submit

    globex_report = report_finalise(
        report=report_draft(assessment=submit(globex), by=globex.admin.user), by=globex.admin.user
    )
    globex_link = share_link_create(
        report=globex_report, variant="full", days=3, by=globex.admin.user
    )
    visitor().post(accept_url(link), {"name": "Dana", "confirmed": "on"})
    assert list(Acceptance.objects.values_list("report", flat=True)) == [link.report_id]
    assert not globex_link.report.acceptances.exists()
    assert "Accepted by" not in text(globex.http().get(globex_report.get_absolute_url()))
    assert not AuditEvent.objects.filter(
        organization=globex.organization, action=AuditEvent.Action.ACCEPTED
    ).exists()


def test_acceptance_works_with_csrf_checks_on_a_page_without_a_login(link: ShareLink) -> None:
    client = HttpClient(enforce_csrf_checks=True)
    page = client.get(link.get_absolute_url())
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]  # type: ignore[index]
    assert client.post(accept_url(link), {"name": "Dana", "confirmed": "on"}).status_code == 403
    assert not Acceptance.objects.exists()
    response = client.post(
        accept_url(link), {"name": "Dana", "confirmed": "on", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert Acceptance.objects.exists()


def test_an_oversized_acceptance_post_is_refused_without_recording(link: ShareLink) -> None:
    response = visitor().post(
        accept_url(link), {"name": "Dana", "confirmed": "on", "x": "y" * 5000}
    )
    assert response.status_code == 413
    assert "The form sent was too large" in text(response)
    assert not Acceptance.objects.exists()


def test_the_agencys_logo_heads_its_share_page(link: ShareLink, agency: Agency) -> None:
    image = io.BytesIO()
    Image.new("RGB", (40, 20), "#7a1f5c").save(image, format="PNG")
    agency.organization.logo.save("logo.png", logo_reencode(image.getvalue()))
    html = visitor().get(link.get_absolute_url()).content.decode()
    assert '<img src="data:image/png;base64,' in html
    assert 'alt="Acme"' in html


@pytest.mark.parametrize(
    ("website", "saved"),
    [
        ("https://acme.example/about", True),
        ("javascript:alert(1)", False),
        ("ftp://x.example", False),
    ],
)
def test_an_admin_sets_the_agencys_website_and_only_a_web_address(
    agency: Agency, website: str, saved: bool
) -> None:
    post = {"name": "Acme", "brand_color": "#7a1f5c", "contact_line": "", "report_footer": ""}
    response = agency.http().post(
        reverse("projects:organization_settings"), {**post, "website": website}
    )
    agency.organization.refresh_from_db()
    assert (agency.organization.website == website) is saved
    if not saved:
        assert response.status_code == 200
        assert "Enter a valid URL." in text(response)
