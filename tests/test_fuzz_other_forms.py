"""Property-based fuzzing of the forms not covered elsewhere (members, invitations, share links,
emailing a link, the client's acceptance, dashboard filters, login): any text gives a page or a
redirect, never a 500, and a refused post writes nothing.

The wizard and the answers import are fuzzed in tests/advisor/test_fuzz.py; the client, project
and branding forms in tests/projects/test_fuzz.py; the report editor in tests/reports/test_fuzz.py.
"""

import re

import pytest
from django.core import mail
from django.db.models import Model
from django.test import Client as HttpClient
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor import services
from advisor.scoring.examples import sample_input
from projects.models import AuditEvent, Invitation, Membership
from projects.services import invitation_send
from reports.models import Acceptance, ShareLink, Variant
from reports.pdf import RenderedReport
from reports.services import report_draft, report_finalise, share_link_create
from tests.personas import Agency

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

hostile = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "\u202eevil",
            "a\r\nBcc: x@y.example",
            "x" * 10_000,
            "-1",
            "0",
            "1e999",
            "NaN",
            "9" * 400,
            "admin",
            "member",
            "owner",
            "full",
            "executive",
            "new.person@client.example",
            "NEW.PERSON@CLIENT.EXAMPLE",
            "alice@acme.example",
            "<script>alert(1)</script>",
        ]
    ),
)


def rows(*models: type[Model]) -> list[list[dict[str, object]]]:
    return [list(m._default_manager.order_by("pk").values()) for m in models]


def refused_or_done(response, before, after) -> None:
    """Never a 500: a page (form errors, nothing written) or a redirect after the write."""
    assert response.status_code in {200, 302, 400, 403, 404, 405, 410}, response.status_code
    if response.status_code != 302:
        assert after == before


@pytest.mark.django_db
def test_no_member_form_input_gives_a_500_or_a_half_save(alice: HttpClient, acme: Agency, carol):
    @FUZZ
    @given(email=hostile, role=hostile, new_role=hostile)
    def fuzz(email: str, role: str, new_role: str) -> None:
        before = rows(Invitation, Membership)
        response = alice.post(reverse("projects:member_list"), {"email": email, "role": role})
        refused_or_done(response, before, rows(Invitation, Membership))
        before = rows(Membership)
        response = alice.post(
            reverse("projects:member_change_role", args=[carol.pk]), {"role": new_role}
        )
        assert response.status_code == 302
        assert Membership.objects.filter(organization=acme.organization, role="admin").exists()
        if new_role not in Membership.Role.values:
            assert rows(Membership) == before

    fuzz()


@pytest.mark.django_db
def test_no_answer_to_an_invitation_gives_a_500(acme: Agency) -> None:
    invitation_send(
        organization=acme.organization,
        email="new.person@client.example",
        role="member",
        invited_by=acme.admin.user,
        base_url="http://testserver/",
    )
    url = re.search(r"http://testserver(/join/\S+/)", mail.outbox[-1].body)[1]  # type: ignore[index]
    newcomer = HttpClient()

    @FUZZ
    @given(
        first_name=hostile, last_name=hostile, password1=hostile, password2=hostile, answer=hostile
    )
    def fuzz(**typed: str) -> None:
        before = rows(Membership)
        response = newcomer.post(url, typed)
        assert response.status_code in {200, 302, 410}, response.status_code
        if response.status_code == 200:
            assert rows(Membership) == before

    fuzz()
    # A forged token is a calm 404, not an error.
    assert newcomer.get(reverse("projects:invitation_open", args=["x" * 500])).status_code == 404


@pytest.mark.django_db
def test_no_share_link_input_gives_a_500(
    alice: HttpClient, acme: Agency, settings, tmp_path, monkeypatch
) -> None:
    settings.MEDIA_ROOT = tmp_path
    stand_in = RenderedReport(pdf=b"%PDF-1.7 stand-in", page_count=1, refused_urls=())
    monkeypatch.setattr("reports.services.render_report_pdf", lambda context: stand_in)
    user = acme.admin.user
    assessment = services.assessment_submit(
        assessment=services.assessment_start(project=acme.project, by=user, answers=sample_input()),
        by=user,
    )
    report = report_finalise(report=report_draft(assessment=assessment, by=user), by=user)

    @FUZZ
    @given(variant=hostile, days=hostile)
    def fuzz(variant: str, days: str) -> None:
        before = rows(ShareLink)
        response = alice.post(
            reverse("reports:share", args=[report.pk]), {"variant": variant, "days": days}
        )
        assert response.status_code == 302
        if variant not in Variant.values or not (days.strip().isdecimal() and 1 <= int(days) <= 90):
            assert rows(ShareLink) == before

    fuzz()


@pytest.mark.django_db
def test_no_dashboard_filter_or_login_input_gives_a_500(alice: HttpClient) -> None:
    @FUZZ
    @given(q=hostile, status=hostile, client=hostile, sort=hostile, page=hostile)
    def fuzz(**query: str) -> None:
        assert alice.get(reverse("projects:dashboard"), query).status_code == 200
        anonymous = HttpClient()
        response = anonymous.post(
            reverse("login"), {"username": query["q"], "password": query["sort"]}
        )
        assert response.status_code in {200, 302, 403, 429}

    fuzz()


@pytest.fixture
def shared(acme: Agency, settings, tmp_path, monkeypatch) -> ShareLink:
    settings.MEDIA_ROOT = tmp_path
    stand_in = RenderedReport(pdf=b"%PDF-1.7 stand-in", page_count=1, refused_urls=())
    monkeypatch.setattr("reports.services.render_report_pdf", lambda context: stand_in)
    user = acme.admin.user
    assessment = services.assessment_submit(
        assessment=services.assessment_start(project=acme.project, by=user, answers=sample_input()),
        by=user,
    )
    report = report_finalise(report=report_draft(assessment=assessment, by=user), by=user)
    return share_link_create(report=report, variant="executive", days=7, by=user)


@pytest.mark.django_db
def test_no_email_of_a_share_link_gives_a_500_or_a_half_send(
    alice: HttpClient, shared: ShareLink
) -> None:
    url = reverse("reports:email", args=[shared.report_id])

    @FUZZ
    @given(link=hostile, name=hostile, to=hostile, subject=hostile, message=hostile)
    def fuzz(**typed: str) -> None:
        sent = len(mail.outbox)
        before = rows(AuditEvent)
        response = alice.post(url, typed)
        assert response.status_code in {302, 400}, response.status_code
        if response.status_code == 400:
            assert len(mail.outbox) == sent
            assert rows(AuditEvent) == before
        else:
            assert "\n" not in mail.outbox[-1].subject

    fuzz()


@pytest.mark.django_db
def test_no_acceptance_input_gives_a_500_and_only_a_whole_one_is_recorded(
    shared: ShareLink,
) -> None:
    url = reverse("reports:shared_accept", args=[shared.token])
    visitor = HttpClient()

    @FUZZ
    @given(name=hostile, confirmed=hostile)
    def fuzz(name: str, confirmed: str) -> None:
        before = rows(Acceptance)
        response = visitor.post(url, {"name": name, "confirmed": confirmed})
        assert response.status_code in {302, 400, 409, 413}, response.status_code  # 413: over 4 KB
        if response.status_code != 302:
            assert rows(Acceptance) == before
        else:
            recorded = Acceptance.objects.get().name
            assert recorded.strip()
            assert recorded == " ".join(recorded.split())  # on one line, as typed

    fuzz()
    # A forged token is a calm "unavailable" page.
    assert visitor.post(url[:-12] + "x/accept/", {"name": "A"}).status_code == 410
