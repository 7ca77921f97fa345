"""A consultant records a pilot, imports its results as CSV, reads the verdict on the result
page and picks cases to show side by side, in a real browser with axe checks."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from advisor import services
from advisor.scoring.examples import EXAMPLE_PROJECTS
from projects.models import Membership
from tests.e2e.browser import assert_accessible, heading, log_in, status_message
from tests.factories import ClientFactory, ProjectFactory

pytestmark = pytest.mark.e2e
EXAMPLES = Path(__file__).parent.parent / "advisor" / "pilot_examples"


def test_a_pilot_is_recorded_imported_judged_and_compared(
    page: Page, admin: Membership, tmp_path: Path
) -> None:
    client = ClientFactory(organization=admin.organization, name="Harbor Health")
    project = ProjectFactory(client=client, name="Clinical coding", created_by=admin.user)
    draft = services.assessment_start(
        project=project, by=admin.user, answers=dict(EXAMPLE_PROJECTS["clinical_coding"])
    )
    assessment = services.assessment_submit(assessment=draft, by=admin.user)
    log_in(page, admin.user.email)

    page.goto(assessment.url("result"))
    expect(page.get_by_text("Next step: Pilot fine-tuning")).to_be_visible()
    page.get_by_role("link", name="Record the pilot").click()
    expect(heading(page)).to_have_text("Pilot of fine-tuning")
    assert_accessible(page)

    page.get_by_label("Held-out test cases").fill("200")
    page.get_by_label("How they were drawn").fill("Every tenth record of 2026, before training.")
    page.get_by_label("Confirmed: none of these cases").check()
    page.get_by_label("Metrics prompting fell short on").fill("format_compliance")
    page.get_by_label("Targets").fill("format_compliance>=0.95")
    page.get_by_role("button", name="Save the pilot").click()
    expect(status_message(page)).to_contain_text("Pilot saved.")

    # A broken file first: every problem is named, nothing is imported.
    broken = tmp_path / "broken.csv"
    broken.write_text("case_id,approach,format_compliance\n1,best-prompt,maybe\n1,tuned,yes\n")
    page.get_by_label("Results file").set_input_files(broken)
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("alert")).to_contain_text("row 2, column format_compliance")
    assert_accessible(page)

    page.get_by_label("Results file").set_input_files(EXAMPLES / "clear_win.csv")
    page.get_by_role("button", name="Import").click()
    expect(status_message(page)).to_contain_text("Results imported: 200 cases.")
    expect(page.get_by_text("Adopt the fine-tuned model", exact=True)).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "pilot.png"), full_page=True)

    picker = page.get_by_role("region", name="Cases to pick from")
    expect(picker.get_by_role("checkbox").first).to_have_accessible_name(
        re.compile(r"^inv-007 · differs · Greyhaven Ltd")
    )
    picker.get_by_role("checkbox").nth(0).check()
    picker.get_by_role("checkbox").nth(1).check()
    page.get_by_role("button", name="Show these side by side").click()

    expect(page.get_by_text("Next step: Adopt the fine-tuned model")).to_be_visible()
    panel = page.locator("#evidence-panel")
    expect(panel).to_contain_text("+5.5 to +15.0 points")
    expect(panel).to_contain_text("< 0.001")
    expect(panel).to_contain_text("at least 95.0 %")
    expect(
        page.get_by_role("heading", name="Side by side: the same input, both approaches")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Example 1 (case inv-007)")).to_be_visible()
    expect(page.get_by_role("heading", name="Example 2 (case inv-009)")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "result.png"), full_page=True)
