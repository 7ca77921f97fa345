"""Alice at Acme gets 404 for every object URL of Globex's, across the whole URL space."""

import pytest
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from advisor import blind, services
from advisor.models import BlindComparison
from advisor.scoring.examples import EXAMPLE_PROJECTS, sample_input
from projects.models import Invitation
from projects.services import invitation_send
from reports.pdf import RenderedReport
from reports.services import report_draft, report_finalise, share_link_create
from tests.advisor.piloting import pilot_with_results
from tests.personas import Agency

# URLs that name no object (lists, forms, switches) or that are public by design: a share link,
# an invitation's emailed link (its unguessable token is the key, for someone with no account).
NO_OBJECT = {
    "reports:shared",
    "reports:shared_view",
    "reports:shared_download",
    "reports:shared_accept",
    "projects:invitation_open",
    "blind:start",
    "blind:pair",
}


def named_patterns(
    patterns: list, namespace: str = "", outer: tuple[str, ...] = ()
) -> list[tuple[str, list[str]]]:
    """(name, path parameters) of every URL pattern with parameters, its includes' too."""
    found = []
    for pattern in patterns:
        params = (*outer, *getattr(pattern.pattern, "converters", {}))
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += named_patterns(pattern.url_patterns, inner, params)
        elif isinstance(pattern, URLPattern) and params:
            found.append((f"{namespace}{pattern.name}", list(params)))
    return found


@pytest.fixture
def globex_objects(globex: Agency, settings, tmp_path, monkeypatch) -> dict[str, object]:
    settings.MEDIA_ROOT = tmp_path
    stand_in = RenderedReport(pdf=b"%PDF-1.7 stand-in", page_count=1, refused_urls=())
    monkeypatch.setattr("reports.services.render_report_pdf", lambda context: stand_in)
    user = globex.admin.user
    assessment = services.assessment_submit(
        assessment=services.assessment_start(
            project=globex.project, by=user, answers=sample_input()
        ),
        by=user,
    )
    report = report_finalise(report=report_draft(assessment=assessment, by=user), by=user)
    link = share_link_create(report=report, variant="executive", days=5, by=user)
    piloted = services.assessment_submit(
        assessment=services.assessment_start(
            project=globex.project, by=user, answers=dict(EXAMPLE_PROJECTS["clinical_coding"])
        ),
        by=user,
    )
    pilot = pilot_with_results(piloted, user)
    comparison = blind.blind_comparison_create(pilot=pilot, by=user, days=5)
    invitation = invitation_send(
        organization=globex.organization,
        email="dave@globex.example",
        role="admin",
        invited_by=user,
        base_url="http://testserver/",
    )
    return {
        "client": globex.client,
        "project": globex.project,
        "member": globex.admin,
        "assessment": assessment,
        "report": report,
        "link": link,
        "invitation": invitation,
        "blind": comparison,
    }


def kwargs_for(name: str, params: list[str], objects: dict) -> dict[str, object]:
    """Fill a URL's parameters with Globex's objects, by what the URL is about."""
    app, view = name.split(":")
    subject = {
        ("projects", "client"): "client",
        ("projects", "project"): "project",
        ("projects", "member"): "member",
        ("projects", "invitation"): "invitation",
        ("reports", "revoke"): "link",
        ("reports", "detail"): "report",
        ("reports", "download"): "report",
        ("reports", "preview"): "report",
        ("reports", "share"): "report",
        ("reports", "status"): "report",
        ("reports", "retry"): "report",
        ("blind", "revoke"): "blind",
    }
    kind = next(
        (v for (a, prefix), v in subject.items() if a == app and view.startswith(prefix)),
        "assessment",
    )
    values = {
        "pk": objects[kind].pk,
        "project_pk": objects["project"].pk,
        "step": "use-case",
        "variant": "full",
        "fmt": "docx",
    }
    return {param: values[param] for param in params}


@pytest.mark.django_db
def test_every_object_url_of_another_organization_is_404(
    alice: HttpClient, acme: Agency, globex_objects: dict
) -> None:
    patterns = [
        (name, params)
        for name, params in named_patterns(get_resolver().url_patterns)
        if not name.startswith("admin:") and name not in NO_OBJECT and "uidb64" not in params
    ]
    assert len(patterns) >= 25, "the walk should find the app's object URLs"
    checked = []
    for name, params in patterns:
        url = reverse(name, kwargs=kwargs_for(name, params, globex_objects))
        response = alice.get(url)
        if response.status_code == 405:
            response = alice.post(
                url, {"days": 3, "variant": "full", "role": "member", "version": 1}
            )
        assert response.status_code == 404, f"{name} {url} answered {response.status_code}"
        checked.append(name)
    assert {
        "reports:download",
        "reports:preview",
        "reports:detail",
        "reports:status",
        "reports:retry",
        "advisor:report",
        "advisor:report_draft",
        "advisor:export",
        "advisor:report_preview",
        "advisor:step",
        "projects:invitation_accept",
        "projects:invitation_decline",
        "projects:invitation_resend",
        "projects:invitation_revoke",
        "advisor:blind_create",
        "blind:revoke",
    } <= set(checked)
    # And nothing of Globex's changed.
    link = globex_objects["link"]
    link.refresh_from_db()
    assert link.revoked_at is None
    comparison = globex_objects["blind"]
    comparison.refresh_from_db()
    assert comparison.revoked_at is None
    assert BlindComparison.objects.count() == 1
    assert globex_objects["assessment"].reports.count() == 1
    invitation = Invitation.objects.get(pk=globex_objects["invitation"].pk)
    assert invitation.status == Invitation.Status.PENDING
    assert invitation.token_hash == globex_objects["invitation"].token_hash
    assert not acme.organization.invitations.exists()
    assert (
        not globex_objects["member"]
        .organization.memberships.filter(user__email="alice@acme.example")
        .exists()
    )
