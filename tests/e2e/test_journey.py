"""The main journey through a real browser: log in, add a client and a project, answer the
questionnaire, read the recommendation, and send the client a PDF report.

Every page on the way is also checked with axe-core; one test uses the keyboard alone.
"""

import re

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from advisor.questionnaire import STEPS
from advisor.scoring import APPROACH_LABELS, recommend_from_input
from projects.models import Membership
from tests.e2e.browser import assert_accessible, heading, log_in, status_message
from tests.factories import TEST_PASSWORD, ClientFactory, ProjectFactory

pytestmark = pytest.mark.e2e

# What blocks people; "moderate" and "minor" findings are advice, not failures.

# The answers given below through the wizard, as the recommendation engine reads them.
ANSWERS = {
    "task_type": "content_generation",
    "output_format": "free_text",
    "domain_specificity": "general",
    "needs_external_knowledge": "none",
    "style_consistency": "high",
    "reliability_requirement": "high",
    "example_count": 250,
    "example_sources": ["client_records", "manual"],
    "data_coverage": "common_cases",
    "change_frequency": "monthly",
    "major_change_expected": True,
    "similar_clients": 3,
    "base_model_stability": "stable",
    "build_budget": 30_000,
    "monthly_budget": 2_500,
    "maintenance_funded": False,
    "weeks_to_launch": 8,
    "vendor_lock_in_concern": "medium",
    "monthly_requests": 20_000,
    "input_tokens": 300,
    "output_tokens": 400,
    "prompt_tokens": 1_000,  # "Don't know": the question's stated assumption
    "latency_target_ms": None,
    "batch_allowed": False,
    "current_model": "openai/gpt-4o",
    "data_may_leave_cloud": False,
    "tuned_model_hosting": "own_cloud",
    "tuned_model_scope": "shared",
    "prompting_status": "falls_short",
    "prompting_built": ["system_prompt"],
    "heldout_set_size": 120,
    "gaps": ["format"],
    "structured_output_tried": False,
    "shortfall_metric": "format_compliance",
    "shortfall_measured": 85,
    "shortfall_target": 99,
    "adapter_fell_short": False,
    "unknown": ["prompt_tokens"],
}


def question(page: Page, label: str) -> Locator:
    """The fieldset of one multiple-choice question, found by its legend."""
    return page.get_by_role("group", name=label)


def choose(page: Page, label: str, *options: str) -> None:
    group = question(page, label)
    for option in options:
        group.get_by_label(option, exact=True).check()


def save_and_continue(page: Page, next_heading: str) -> None:
    page.get_by_role("button", name="Save and continue").click()
    expect(heading(page)).to_have_text(next_heading)


def add_client_and_project(page: Page) -> None:
    expect(page.get_by_text("No projects yet")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="New client").click()
    expect(heading(page)).to_have_text("New client")
    assert_accessible(page)
    page.get_by_role("textbox", name=re.compile(r"^Name")).fill("Fjord Travel")
    page.get_by_label("Industry").fill("Travel")
    page.get_by_label("Contact name").fill("Ingrid Berg")
    page.get_by_label("Contact email").fill("ingrid@fjord-travel.example")
    page.get_by_role("button", name="Add client").click()
    expect(heading(page)).to_have_text("Fjord Travel")
    expect(status_message(page)).to_contain_text("Client “Fjord Travel” added.")
    expect(page.get_by_text("No projects for this client yet.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="New project").click()
    expect(heading(page)).to_have_text("New project")
    expect(page.get_by_label("Client")).to_have_value(re.compile(r"\d+"))
    assert_accessible(page)
    page.get_by_role("textbox", name=re.compile(r"^Name")).fill("Brochure writer")
    page.get_by_label("AI use case").fill("Write holiday brochures in the Fjord Travel voice.")
    page.get_by_role("button", name="Create project").click()
    expect(heading(page)).to_contain_text("Brochure writer")
    expect(status_message(page)).to_contain_text("Project “Brochure writer” created.")
    expect(page.get_by_text("No assessment yet.")).to_be_visible()
    assert_accessible(page)


def answer_the_questionnaire(page: Page) -> None:
    page.get_by_role("button", name="Start the assessment").click()

    expect(heading(page)).to_have_text("The use case")
    assert_accessible(page)
    choose(page, "What kind of task is it?", "Content generation")
    choose(page, "How structured must the output be?", "Free text")
    choose(page, "How specialised is the subject matter?", "General")
    choose(page, "Do answers depend on facts from the client's own documents", "No")
    choose(page, "How consistent must the voice and style be?", "High: one voice, every time")
    choose(page, "How bad is an occasional wrong or off-format answer?", "High")
    save_and_continue(page, "The data")

    # A word where a number belongs: the summary names the question, the word is kept.
    assert_accessible(page)
    example_count = page.get_by_label("How many good input/output examples exist today?")
    example_count.fill("lots")
    choose(page, "Where could more examples come from?", "The client's records", "Written by hand")
    choose(page, "Do the examples cover the inputs the system will really see?", "The common cases")
    page.get_by_role("button", name="Save and continue").click()
    summary = page.get_by_role("alert").filter(has_text="Please check this answer")
    expect(heading(page)).to_have_text("The data")
    expect(summary).to_contain_text(
        "How many good input/output examples exist today?: Enter a whole number, such as 1200."
    )
    expect(summary.get_by_role("link")).to_have_text(
        "How many good input/output examples exist today?"
    )
    expect(example_count).to_have_value("lots")
    expect(
        question(page, "Where could more examples come from?").get_by_role("checkbox", checked=True)
    ).to_have_count(2)
    assert_accessible(page)
    example_count.fill("250")
    save_and_continue(page, "How often things change")

    # Back to the data and forward again: the answers of both steps are still there.
    assert_accessible(page)
    choose(page, "How often do the requirements change?", "Monthly")
    choose(page, "Is a big change expected within 12 months?", "Yes")
    page.get_by_label("How many clients would share this solution").fill("3")
    choose(page, "How stable is the model you would build on?", "Stable")
    page.get_by_role("button", name="Back").click()
    expect(heading(page)).to_have_text("The data")
    expect(example_count).to_have_value("250")
    expect(
        question(page, "Do the examples cover the inputs").get_by_label("The common cases")
    ).to_be_checked()
    save_and_continue(page, "How often things change")
    expect(
        question(page, "How often do the requirements change?").get_by_label("Monthly")
    ).to_be_checked()
    expect(page.get_by_label("How many clients would share this solution")).to_have_value("3")
    save_and_continue(page, "Budget and timeline")

    assert_accessible(page)
    page.get_by_label("One-off budget to build it").fill("$30,000")
    page.get_by_label("Monthly budget to run and maintain it").fill("2,500")
    choose(page, "Will the client pay for ongoing retraining and evaluation?", "No")
    page.get_by_label("Weeks until it must be live").fill("8")
    choose(page, "How much does being tied to one model provider worry the client?", "Medium")
    save_and_continue(page, "Volume, size and speed")

    assert_accessible(page)
    page.get_by_label("Requests per month at full use").fill("20,000")
    page.get_by_label("Size of the user's input per request").fill("300")
    page.get_by_label("Size of the answer per request").fill("400")
    page.locator("#question-prompt_tokens").get_by_label("Don't know").check()
    expect(question(page, "Can answers wait a few hours?").get_by_label("No")).to_be_checked()
    save_and_continue(page, "Models and hosting")

    # Optional questions come with their default chosen; the model in use is one of the
    # catalogue's, picked from a list.
    assert_accessible(page)
    current_model = page.get_by_label("Which model does the client use for this today?")
    expect(current_model).to_have_value("none")
    current_model.select_option(label="GPT-4o (OpenAI)")
    leave = "May the client's data be sent to a model provider outside their own cloud?"
    expect(question(page, leave).get_by_label("Yes")).to_be_checked()
    choose(page, leave, "No")
    choose(
        page,
        "If a model were fine-tuned, where could it run?",
        "It must run in the client's own cloud",
    )
    scope = "Would similar clients share one tuned model, or each get their own?"
    expect(
        question(page, scope).get_by_label("One tuned model shared by all similar clients")
    ).to_be_checked()
    save_and_continue(page, "Prompting so far")

    # The gap questions only show once prompting was tried and fell short; what was built and
    # the held-out set as soon as it was tried.
    assert_accessible(page)
    built = question(page, "Which prompting approaches were built and evaluated?")
    heldout = page.get_by_label("How many held-out test cases are there?")
    gaps = question(page, "Where did it fall short?")
    structured_output = question(page, "Were the model provider's structured-output features")
    for hidden in (built, heldout, gaps, structured_output):
        expect(hidden).to_be_hidden()
    status = "Has a serious prompting solution been tried and evaluated?"
    choose(page, status, "Tried, meets the quality bar")
    expect(built).to_be_visible()
    expect(heldout).to_be_visible()
    expect(gaps).to_be_hidden()
    choose(page, status, "Tried, falls short")
    expect(gaps).to_be_visible()
    expect(structured_output).to_be_visible()
    assert_accessible(page)
    choose(page, status, "Not tried yet")
    expect(gaps).to_be_hidden()
    expect(built).to_be_hidden()
    choose(page, status, "Tried, falls short")
    choose(
        page, "Which prompting approaches were built and evaluated?", "System-prompt engineering"
    )
    heldout.fill("120")
    choose(page, "Where did it fall short?", "Breaks the output format")
    choose(page, "Were the model provider's structured-output features tried?", "No")
    # The measured value and the target are in the unit of the metric chosen.
    unit = page.locator("#question-shortfall_measured .input-group-text")
    expect(unit).to_have_text("value")
    choose(page, "Which metric fell short of its target?", "Response time (95th percentile)")
    expect(unit).to_have_text("milliseconds")
    choose(page, "Which metric fell short of its target?", "Format compliance")
    expect(unit).to_have_text("percent")
    page.get_by_label("What the best prompt measured").fill("85%")
    page.get_by_label("The target it had to reach").fill("99")
    choose(page, "Was adapter fine-tuning already tried, and did it fall short too?", "No")
    assert_accessible(page)
    save_and_continue(page, "Review the answers")


def review_and_submit(page: Page) -> None:
    assert_accessible(page)
    for label, shown in [
        ("What kind of task is it?", "Content generation"),
        ("How many good input/output examples exist today?", "250 examples"),
        ("Where could more examples come from?", "The client's records, Written by hand"),
        ("How often do the requirements change?", "Monthly"),
        ("One-off budget to build it", "$30,000"),
        ("Monthly budget to run and maintain it", "$2,500"),
        ("Requests per month at full use", "20,000 requests per month"),
        ("Size of the fixed prompt sent with every request", "Don't know (assumed: 1,000 tokens)"),
        ("Response time target (95th percentile)", "No target"),
        ("Has a serious prompting solution been tried and evaluated?", "Tried, falls short"),
        ("Where did it fall short?", "Breaks the output format"),
        ("Which model does the client use for this today?", "GPT-4o (OpenAI)"),
        ("May the client's data be sent to a model provider outside their own cloud?", "No"),
        ("Which metric fell short of its target?", "Format compliance"),
        ("What the best prompt measured", "85%"),
        ("The target it had to reach", "99%"),
        ("How many held-out test cases are there?", "120 cases"),
    ]:
        answer = page.locator("dt", has_text=label).locator("xpath=following-sibling::dd[1]")
        expect(answer).to_have_text(shown)
    page.get_by_role("button", name="Submit and see the recommendation").click()


def read_the_result(page: Page) -> None:
    expected = recommend_from_input(ANSWERS)
    primary = APPROACH_LABELS[expected.scoring.primary_approach]
    expect(heading(page)).to_have_text(primary)
    expect(page.get_by_text("Recommendation for Fjord Travel")).to_be_visible()
    expect(page.get_by_text(expected.headline)).to_be_visible()
    spectrum = page.get_by_role("region", name="Where the project sits on the spectrum")
    expect(spectrum.get_by_role("img", name="How well each approach fits")).to_be_visible()
    costs = page.get_by_role("table", name=re.compile(r"^Total cost of ownership"))
    expect(costs.get_by_role("row")).to_have_count(1 + len(APPROACH_LABELS))
    for label in APPROACH_LABELS.values():
        expect(costs.get_by_role("rowheader", name=re.compile(re.escape(label)))).to_be_visible()
    expect(costs.locator("tr.table-primary th")).to_have_text(f"{primary} (recommended)")
    expect(costs.locator("tr.table-primary td").first).to_have_text(re.compile(r"^\$[\d,]+$"))
    assert_accessible(page)


def preview_finalise_and_download_the_report(page: Page) -> None:
    page.get_by_role("link", name="Client report", exact=True).click()
    expect(heading(page)).to_have_text("Client report")
    assert_accessible(page)
    page.get_by_role("link", name="Preview full report").click()
    expect(heading(page)).to_have_text("Brochure writer")
    expect(page.get_by_text("Preview of the full report")).to_be_visible()
    expect(page.get_by_role("heading", name="Our recommendation")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Back to the client report").click()

    page.get_by_role("button", name="Write the client report").click()
    expect(heading(page)).to_contain_text("Client report, version 1")
    expect(page.get_by_label("Addressed to")).to_have_value("Ingrid Berg")
    page.get_by_label("Cover note").fill("Dear Ingrid,\nour advice for the brochure writer.")
    page.get_by_role("button", name="Finalise").click()
    expect(status_message(page)).to_contain_text("Version 1 is final")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download full report (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-full-report-version-1.pdf")
    pdf = download.path().read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 10_000, f"the PDF has only {len(pdf)} bytes"


def share_the_report(page: Page, anonymous_context: BrowserContext) -> None:
    page.get_by_role("link", name="Assessment 1").click()
    reports = page.get_by_role("region", name="The report for Fjord Travel")
    expect(reports).to_contain_text("Version 1 is Final")
    expect(reports.get_by_role("listitem").last).to_contain_text(
        re.compile(r"Full report \(version 1\), \d+ pages?")
    )
    reports.get_by_role("link", name="Open the client report").click()
    expect(heading(page)).to_contain_text("Client report, version 1")

    page.get_by_label("Document", exact=True).select_option(label="Full report")
    page.get_by_role("button", name="Create share link").click()
    expect(status_message(page)).to_contain_text("Share link to the full report created")
    share_url = page.get_by_role(
        "textbox", name=re.compile(r"^Share link to the full")
    ).input_value()
    expect(page.get_by_role("row", name=re.compile("Active")).first).to_be_visible()
    assert_accessible(page)

    # Someone without an account opens the link; Chromium might download a PDF page rather
    # than show it, so ask for the link as a plain HTTP request of that fresh browser.
    shared = anonymous_context.request.get(share_url)
    assert shared.status == 200
    assert shared.headers["content-type"] == "application/pdf"
    assert shared.body().startswith(b"%PDF-")

    page.get_by_role("button", name="Revoke").click()
    expect(status_message(page)).to_contain_text("Share link revoked")
    stranger = anonymous_context.new_page()
    response = stranger.goto(share_url)
    assert response is not None
    assert response.status == 410
    expect(heading(stranger)).to_have_text("This link no longer opens the report")
    assert_accessible(stranger)


def test_an_agency_takes_a_project_from_questions_to_a_shared_report(
    page: Page, admin: Membership, anonymous_context: BrowserContext
) -> None:
    log_in(page, admin.user.email)
    add_client_and_project(page)
    answer_the_questionnaire(page)
    review_and_submit(page)
    read_the_result(page)
    preview_finalise_and_download_the_report(page)
    share_the_report(page, anonymous_context)


def focused_field(page: Page) -> str:
    return page.evaluate("document.activeElement.name")


def test_the_keyboard_alone_logs_in_and_answers_a_step(page: Page, admin: Membership) -> None:
    client = ClientFactory(organization=admin.organization, name="Fjord Travel")
    project = ProjectFactory(client=client, name="Brochure writer", created_by=admin.user)

    page.goto("/accounts/login/")
    email = page.get_by_label("Email or username")
    expect(email).to_be_focused()
    page.keyboard.type(admin.user.email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Projects")

    page.goto(project.get_absolute_url())
    page.get_by_role("button", name="Start the assessment").click()
    expect(heading(page)).to_have_text("The use case")
    # Keys pressed before the page has finished loading may land before its focus order exists.
    page.wait_for_load_state("load")

    # The first Tab stop skips the navigation; the next one is the first link in the page.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    # The skip link moves focus to <main> (tabindex=-1) a moment after the key press; wait
    # for it, or the next Tab would start from the link again.
    expect(page.get_by_role("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("main").get_by_role("link", name="Fjord Travel")).to_be_focused()

    for _ in range(20):  # past the breadcrumb and the step links, to the first question
        if focused_field(page) == "task_type":
            break
        page.keyboard.press("Tab")
    expect(
        question(page, "What kind of task is it?").get_by_label("Classification")
    ).to_be_focused()
    # Each question is one Tab stop: Space picks the focused option, an arrow key the next one.
    picks = [
        ("What kind of task is it?", "Space", "Classification"),
        ("How structured must the output be?", "ArrowDown", "Light structure"),
        ("How specialised is the subject matter?", "Space", "General"),
        ("Do answers depend on facts", "Space", "No"),
        ("How consistent must the voice and style be?", "ArrowDown", "Medium"),
        ("How bad is an occasional wrong", "ArrowDown", "High"),
    ]
    for label, key, option in picks:
        page.keyboard.press(key)
        expect(question(page, label).get_by_label(option)).to_be_checked()
        page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save and continue")).to_be_focused()
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("The data")


def test_the_step_bar_fits_one_row_on_a_laptop_screen(page: Page, admin: Membership) -> None:
    client = ClientFactory(organization=admin.organization, name="Fjord Travel")
    project = ProjectFactory(client=client, name="Brochure writer", created_by=admin.user)
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, admin.user.email)
    page.goto(project.get_absolute_url())
    page.get_by_role("button", name="Start the assessment").click()
    expect(heading(page)).to_have_text("The use case")
    page.wait_for_load_state("load")  # the layout is measured once the stylesheets apply

    steps = page.get_by_role("navigation", name="Questionnaire steps").get_by_role("listitem")
    expect(steps).to_have_count(len(STEPS) + 1)  # and the review
    tops = {round(box["y"]) for box in (step.bounding_box() for step in steps.all()) if box}
    assert len(tops) == 1, f"the steps wrap onto {len(tops)} rows"
    for title in page.locator(".wizard-step-title").all():
        box = title.bounding_box()
        assert box
        line = float(title.evaluate("t => parseFloat(getComputedStyle(t).lineHeight)"))
        assert box["height"] <= 2 * line + 1, f"“{title.inner_text()}” takes over two lines"
