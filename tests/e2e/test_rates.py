"""An admin sets the agency's currency and its own rate through a real browser; the wizard
then asks budgets in that currency."""

import pytest
from playwright.sync_api import Page, expect

from projects.models import Membership
from tests.e2e.browser import assert_accessible, heading, log_in, status_message
from tests.factories import ClientFactory, ProjectFactory

pytestmark = pytest.mark.e2e


def test_an_admin_plans_in_pounds_and_the_wizard_asks_budgets_in_pounds(
    page: Page, admin: Membership
) -> None:
    client = ClientFactory(organization=admin.organization, name="Fjord Travel")
    project = ProjectFactory(client=client, name="Brochure writer", created_by=admin.user)
    log_in(page, admin.user.email)

    page.get_by_role("link", name="Organization").click()
    page.get_by_role("link", name="Rates and currency").click()
    expect(page.get_by_label("Blended hourly rate of the team")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Currency").select_option("GBP")
    page.get_by_label("Blended hourly rate of the team").fill("95")
    page.get_by_role("button", name="Save rates and currency").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "US dollar rate: enter how many pounds sterling one US dollar buys"
    )
    assert_accessible(page)
    expect(page.get_by_label("Blended hourly rate of the team")).to_have_value("95")

    page.get_by_label("US dollar rate").fill("0.79")
    page.get_by_role("button", name="Save rates and currency").click()
    expect(status_message(page)).to_contain_text("Rates and currency saved")
    expect(page.get_by_text("Default 86.9 GBP per hour")).to_be_visible()

    page.goto(project.get_absolute_url())
    page.get_by_role("button", name="Start the assessment").click()
    expect(heading(page)).to_have_text("The use case")
    page.goto(page.url.replace("use-case", "budget"))
    expect(page.get_by_label("One-off budget to build it (GBP)")).to_be_visible()
    assert_accessible(page)
