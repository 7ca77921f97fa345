"""What a stored assessment and its reports say, for every example project, pinned byte for byte
(see tests/pinned.py): the frozen snapshot and the text of both report variants."""

import json
from datetime import date

import pytest

from advisor import services
from advisor.scoring.examples import EXAMPLE_PROJECTS
from reports.pdf import render_html
from reports.services import report_context_for
from tests.factories import ClientFactory, MembershipFactory, ProjectFactory
from tests.pinned import check_golden, page_text


@pytest.mark.django_db
@pytest.mark.parametrize("example", EXAMPLE_PROJECTS)
def test_the_stored_result_and_the_report_text_are_unchanged(example: str) -> None:
    admin = MembershipFactory(
        organization__name="Northwind AI Studio",
        organization__contact_line="hello@northwind.example",
        organization__report_footer="Northwind AI Studio · Independent advice",
        user__email="dana@northwind.example",
        user__first_name="Dana",
        user__last_name="Demo",
    )
    client = ClientFactory(organization=admin.organization, name="Bloom & Co")
    project = ProjectFactory(client=client, name="Brand-voice posts", description="Posts.")
    user = admin.user
    assessment = services.assessment_submit(
        assessment=services.assessment_start(
            project=project, by=user, answers=dict(EXAMPLE_PROJECTS[example])
        ),
        by=user,
        plan_starts=date(2026, 11, 29),
    )
    stored = {"recommendation": assessment.recommendation, "costs": assessment.costs}
    check_golden(f"{example}-stored.json", json.dumps(stored, indent=1, sort_keys=True) + "\n")
    for variant in ("executive", "full"):
        context = {**report_context_for(assessment, variant, user), "date": date(2026, 11, 1)}
        html = render_html({**context, "for_pdf": True, "bundled_static": "static/"})
        check_golden(f"{example}-report-{variant}.txt", page_text(html))
