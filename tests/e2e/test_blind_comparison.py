"""A blind comparison through real browsers: the consultant makes a link from the pilot page; the
client, in a browser with no account, judges each pair shown as A and B; the consultant then
sees the preference rate with its interval, and the client's comment."""

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from advisor import blind, pilots, services
from advisor.models import BlindVote, Pilot
from advisor.scoring.examples import EXAMPLE_PROJECTS
from projects.models import Membership
from tests.advisor.piloting import pilot_with_results
from tests.e2e.browser import assert_accessible, heading, log_in, status_message
from tests.factories import ClientFactory, ProjectFactory

pytestmark = pytest.mark.e2e


def imported_pilot(admin: Membership) -> Pilot:
    client = ClientFactory(organization=admin.organization, name="Harbor Health")
    project = ProjectFactory(client=client, name="Invoice extraction", created_by=admin.user)
    by = admin.user
    assessment = services.assessment_submit(
        assessment=services.assessment_start(
            project=project, by=by, answers=dict(EXAMPLE_PROJECTS["clinical_coding"])
        ),
        by=by,
    )
    pilot = pilot_with_results(assessment, by, drawn="Every tenth invoice of 2026.")
    return pilots.pilot_pick_comparison(
        pilot=pilot, case_ids=blind.differing_pairs(pilot)[:3], by=by
    )


def test_the_client_judges_pairs_blind_and_the_consultant_sees_the_rate(
    page: Page, admin: Membership, anonymous_context: BrowserContext
) -> None:
    pilot = imported_pilot(admin)
    assessment = pilot.assessment
    log_in(page, admin.user.email)
    page.goto(assessment.url("pilot"))
    links = page.get_by_role("region", name="Blind comparison link for the client")
    links.get_by_label(re.compile(r"^Only the cases picked")).check()
    links.get_by_label("Open for (days)").fill("7")
    links.get_by_role("button", name="Make a blind comparison link").click()
    expect(status_message(page)).to_contain_text("Blind comparison link with 3 pairs created")
    assert_accessible(page)
    url = page.get_by_label("Address of the link").input_value()
    assert "/compare/" in url

    client = anonymous_context.new_page()
    client.goto(url)
    expect(heading(client)).to_have_text("Which answer is better? Pair 1 of 3")
    expect(client.get_by_role("banner")).to_contain_text(admin.organization.name)
    assert "Advisor" not in client.content()
    assert_accessible(client)
    # Saving without a choice names the field and keeps the comment.
    client.get_by_label("Comment (optional)").fill("B reads <cleaner>.")
    client.get_by_role("button", name="Save and continue").click()
    expect(client.get_by_role("alert")).to_contain_text("Choose A, B or about equal.")
    expect(client.get_by_label("Comment (optional)")).to_have_value("B reads <cleaner>.")
    assert_accessible(client)
    client.get_by_label("B is better").check()
    client.get_by_role("button", name="Save and continue").click()
    expect(heading(client)).to_have_text("Which answer is better? Pair 2 of 3")
    client.get_by_label("A is better").check()
    client.get_by_role("button", name="Save and continue").click()
    client.get_by_label("They are about equal").check()
    client.get_by_role("button", name="Save and continue").click()
    expect(heading(client)).to_have_text("Thank you: you have judged all 3 pairs")
    assert_accessible(client)
    # Going back to a pair shows the answer given; changing it replaces it.
    client.get_by_role("link", name="Pair 1").click()
    expect(client.get_by_role("status")).to_contain_text("Your answer so far: B is better")
    expect(client.get_by_label("B is better")).to_be_checked()
    client.get_by_label("B is better").check()
    client.get_by_role("button", name="Save and continue").click()
    assert BlindVote.objects.count() == 3

    page.goto(assessment.url("pilot"))
    tally = page.get_by_role("region", name="The client's blind comparison")
    votes = list(BlindVote.objects.all())
    wins = sum(v.preferred == "candidate" for v in votes) + 0.5
    expect(tally).to_contain_text(f"{round(wins / 3 * 100)} % preference for the fine-tuned model")
    expect(tally).to_contain_text("3 votes on 3 pairs from 1 visitor")
    expect(tally).to_contain_text("B reads <cleaner>.")
    assert_accessible(page)
    page.goto(assessment.url("result"))
    # The result page shows the tally too (axe checked it above, on the pilot page).
    expect(page.get_by_role("region", name="The client's blind comparison")).to_be_visible()

    page.goto(assessment.url("pilot"))
    page.get_by_role("button", name="Revoke").click()
    expect(status_message(page)).to_contain_text("revoked")
    response = client.goto(url)
    assert response is not None
    assert response.status == 410
    expect(heading(client)).to_have_text("This comparison is no longer open")
    assert_accessible(client)
