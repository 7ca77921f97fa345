"""What people read in an agency's currency: the wizard's budgets, the result page, the
comparison and the client report, all from the currency frozen with the result."""

import re
from datetime import date

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from advisor import services
from advisor.models import Assessment
from reports.pdf import render_html
from reports.services import report_context_for
from tests.personas import Agency, submit
from tests.pinned import page_text


def plan_in(agency: Agency, currency: str, per_usd: float | None, **figures: float) -> None:
    services.organization_update_rates(
        organization=agency.organization,
        by=agency.admin.user,
        currency=currency,
        currency_per_usd=per_usd,
        figures=figures,
        today=date(2026, 12, 1),
    )


def dollar_amounts(text: str) -> list[str]:
    return re.findall(r".{0,30}\$[\d,.]+.{0,30}", text)


@pytest.mark.django_db
def test_the_result_page_shows_the_results_currency(alice: HttpClient, acme: Agency) -> None:
    plan_in(acme, "GBP", 0.8, labour_rate_per_hour=95)
    assessment = submit(acme)

    page = alice.get(assessment.url("result")).content.decode()

    assert "Total cost of ownership in pounds sterling" in page
    assert "were converted at 0.8 GBP per US dollar, the rate set on 1 December 2026." in page
    assert "£25,000" in page  # the build budget, in the answers
    assert re.search(r'class="text-end">£[\d,]+</td>', page)  # the cost table
    assert ">£0</text>" in page  # the chart's axis
    assert "Acme&#x27;s rate card, 2026-12-01" in page  # the figure the agency set
    assert "£95 an hour" in page  # the hourly rate the agency set, in plain words
    assert not dollar_amounts(page_text(page))


@pytest.mark.django_db
def test_a_result_keeps_its_currency_when_the_agency_changes_its_own(
    alice: HttpClient, acme: Agency
) -> None:
    assessment = submit(acme)
    plan_in(acme, "EUR", 0.92)

    page = alice.get(assessment.url("result")).content.decode()

    assert "Total cost of ownership in US dollars" in page
    assert "€" not in page_text(page)
    assert "converted at" not in page


@pytest.mark.django_db
def test_the_report_is_in_the_results_currency(acme: Agency) -> None:
    plan_in(acme, "CHF", 0.88)
    assessment = submit(acme)

    for variant in ("executive", "full"):
        context = report_context_for(assessment, variant, acme.admin.user)
        text = page_text(render_html({**context, "for_pdf": True, "bundled_static": "static/"}))
        assert re.search(r"[\d,]+ CHF", text)
        assert "converted at 0.88 CHF per US dollar" in text
        assert not dollar_amounts(text)
    assert "Cumulative cost in Swiss francs" in text


@pytest.mark.django_db
def test_the_comparison_does_not_subtract_two_currencies(alice: HttpClient, acme: Agency) -> None:
    older = submit(acme)
    plan_in(acme, "GBP", 0.8)
    newer = submit(acme)
    url = reverse("advisor:compare", args=[acme.project.pk])

    page = alice.get(url, {"a": older.pk, "b": newer.pk})
    rows = page.context["score_rows"]

    assert all(row["cost_after_text"].startswith("£") for row in rows)
    assert all(row["cost_delta_text"].startswith("was $") for row in rows)
    assert {"label": "Currency", "before": "USD", "after": "GBP"} in page.context["outcome"]
    budgets = {row["label"]: row for row in page.context["changed_answers"]}
    assert budgets["One-off budget to build it"] == {
        "label": "One-off budget to build it",
        "before": "$25,000",
        "after": "£25,000",
    }


@pytest.mark.django_db
def test_in_one_currency_the_comparison_shows_the_change(alice: HttpClient, acme: Agency) -> None:
    plan_in(acme, "EUR", 0.9)
    submit(acme)
    plan_in(acme, "EUR", 0.9, labour_rate_per_hour=200)
    submit(acme)

    page = alice.get(reverse("advisor:compare", args=[acme.project.pk]))

    deltas = [row["cost_delta_text"] for row in page.context["score_rows"]]
    assert all(re.fullmatch(r"\+€[\d,]+", delta) for delta in deltas), deltas
    assert not page.context["changed_answers"]


@pytest.mark.django_db
def test_the_wizard_asks_budgets_in_the_agencys_currency(alice: HttpClient, acme: Agency) -> None:
    plan_in(acme, "GBP", 0.8)
    draft = services.assessment_start(project=acme.project, by=acme.admin.user)

    page = alice.get(draft.step_url("budget")).content.decode()

    assert "One-off budget to build it (GBP)" in page
    assert "Monthly budget to run and maintain it (GBP)" in page
    assert '<span class="input-group-text">£</span>' in page
    assert "$" not in page_text(page)
    refused = alice.post(
        draft.step_url("budget"), {"version": draft.version, "build_budget": "-5"}
    ).content.decode()
    assert "Enter an amount of £0 or more." in refused
    draft.refresh_from_db()
    alice.post(
        draft.step_url("budget"),
        {"version": draft.version, "build_budget": "£12,500", "monthly_budget": "900"},
    )
    assert Assessment.objects.get(pk=draft.pk).answers["build_budget"] == 12_500


@pytest.mark.django_db
def test_a_code_after_the_amount_in_the_wizard(alice: HttpClient, acme: Agency) -> None:
    plan_in(acme, "CHF", 0.88)
    draft = services.assessment_start(project=acme.project, by=acme.admin.user)

    page = alice.get(draft.step_url("budget")).content.decode()

    assert '<span class="input-group-text">CHF</span>' in page
    assert '<span class="input-group-text">CHF per month</span>' in page
