import re

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from tests.headers import policy
from tests.personas import Agency


@pytest.mark.django_db
def test_pages_forbid_inline_script_and_foreign_sources(alice: HttpClient, acme: Agency) -> None:
    response = alice.get(reverse("projects:dashboard"))
    directives = policy(response)
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    page = response.content.decode()
    # Every script is a file of our own; no inline handlers or style attributes.
    assert re.findall(r"<script(?![^>]*\bsrc=)", page) == []
    assert not re.search(r"\son[a-z]+=", page)
    assert " style=" not in page


@pytest.mark.django_db
def test_the_only_inline_style_carries_the_nonce(alice: HttpClient) -> None:
    from advisor import services
    from advisor.scoring.examples import sample_input
    from projects.models import Project

    project = Project.objects.get()
    assessment = services.assessment_submit(
        assessment=services.assessment_start(
            project=project, by=project.created_by, answers=sample_input()
        ),
        by=project.created_by,
    )
    response = alice.get(
        reverse("advisor:report_preview", args=[project.pk, assessment.pk, "full"])
    )
    nonce = re.search(r"'nonce-([^']+)'", policy(response)["style-src"])[1]
    assert f'<style nonce="{nonce}">' in response.content.decode()
