"""An agency plans in its own currency: catalogue prices in US dollars convert at its dated
rate, the rate card's amounts are in its currency, and every sentence says so."""

import json
import math
from dataclasses import replace

import pytest

from advisor.scoring import ASSUMPTION_SPECS, Approach, advice, default_assumptions, recommend
from advisor.scoring.answers import PromptingStatus
from advisor.scoring.currency import CURRENCIES, MAX_PER_USD, Currency
from advisor.scoring.examples import EXAMPLE_PROJECTS, example_answers, sample_answers
from advisor.scoring.prices import RATE_CARD_SOURCE
from advisor.scoring.tco import ApproachCost
from advisor.scoring.text import recommendation_as_text
from advisor.scoring.wording import money, money_cents

POUNDS = Currency("GBP", 0.8, "2026-12-01")


@pytest.mark.parametrize(
    ("amount", "currency", "signed", "said"),
    [
        (1200, "USD", False, "$1,200"),
        (1200, "GBP", False, "£1,200"),
        (1200, "EUR", False, "€1,200"),
        (1200, "CHF", False, "1,200 CHF"),
        (1200.5, "JPY", False, "¥1,200"),
        (-300, "GBP", False, "\N{MINUS SIGN}£300"),
        (-300, "CHF", True, "\N{MINUS SIGN}300 CHF"),
        (1200, "AUD", True, "+A$1,200"),
        (0, "GBP", True, "£0"),
    ],
)
def test_amounts_read_in_their_currency(
    amount: float, currency: str, signed: bool, said: str
) -> None:
    assert money(amount, currency, signed=signed) == said


def test_us_dollars_are_the_default() -> None:
    for amount in (0, 0.5, 1.5, 999.99, 12_500, -42, 1e9):
        assert money(amount) == money(amount, "USD")
        assert money_cents(amount) == money_cents(amount, "USD")
    assert money(12_500.4) == "$12,500"
    assert money_cents(12_500.5) == "$12,500.50"
    assert money_cents(12_500.5, "GBP") == "£12,500.50"
    assert money_cents(12_500, "SEK") == "12,500 SEK"


@pytest.mark.parametrize(
    ("code", "per_usd", "problem"),
    [
        ("XYZ", 1.0, "unknown currency"),
        ("gbp", 0.8, "unknown currency"),
        ("GBP", 0.0, "above 0"),
        ("GBP", -1.0, "above 0"),
        ("GBP", math.nan, "above 0"),
        ("GBP", math.inf, "above 0"),
        ("GBP", MAX_PER_USD * 2, "at most"),
        ("USD", 0.9, "must be 1"),
    ],
)
def test_a_currency_is_known_and_its_rate_sensible(code: str, per_usd: float, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        Currency(code, per_usd, "2026-12-01")


def test_every_listed_currency_has_a_name_and_a_sign() -> None:
    assert "USD" in CURRENCIES
    for code, info in CURRENCIES.items():
        assert len(code) == 3
        assert code.isupper()
        assert info.name
        assert info.sign


def _every_amount(cost: ApproachCost) -> list[float]:
    return [
        cost.build,
        cost.evaluation_setup,
        cost.data_preparation,
        cost.training,
        cost.inference,
        cost.retrieval,
        cost.hosting,
        cost.upkeep,
        cost.change_cost,
        cost.major_change_cost,
        *(event.amount for event in cost.events),
    ]


@pytest.mark.parametrize("project", EXAMPLE_PROJECTS)
def test_the_same_plan_in_another_currency_scales_every_amount_and_changes_no_decision(
    project: str,
) -> None:
    """Defaults and catalogue prices converted, budgets given in pounds: the same advice, every
    amount 0.8 times the dollar one."""
    answers = example_answers(project)
    in_pounds = replace(
        answers,
        build_budget=answers.build_budget * 0.8,
        monthly_budget=answers.monthly_budget * 0.8,
    )
    dollars = recommend(answers)
    pounds = recommend(in_pounds, assumptions=default_assumptions().in_currency(POUNDS))

    for approach in Approach:
        usd_amounts = _every_amount(dollars.scoring.costs[approach])
        gbp_amounts = _every_amount(pounds.scoring.costs[approach])
        assert gbp_amounts == pytest.approx([0.8 * a for a in usd_amounts], rel=1e-9)
        assert pounds.scoring.costs[approach].priced_on == dollars.scoring.costs[approach].priced_on
    assert pounds.scoring.stage == dollars.scoring.stage
    assert pounds.scoring.primary_approach == dollars.scoring.primary_approach
    assert pounds.scoring.scores == dollars.scoring.scores


def _sentences(data: dict[str, object]) -> str:
    return json.dumps(data, ensure_ascii=False)


def test_every_money_sentence_is_in_the_agencys_currency() -> None:
    """A small budget makes the budget factors, the blocker and the what-ifs name amounts."""
    answers = replace(sample_answers(), build_budget=2_000, monthly_budget=100)
    figures = default_assumptions().in_currency(POUNDS)
    result = recommend(answers, assumptions=figures)
    said = _sentences(result.to_dict()) + recommendation_as_text(result)

    assert "£" in said
    assert "$" not in said
    assert "£2,000" in said  # the budget, read in pounds, never converted
    assert "Total cost of ownership over 12 months (GBP)" in said


def test_the_output_names_its_currency_and_the_rate_used() -> None:
    data = recommend(sample_answers(), assumptions=default_assumptions().in_currency(POUNDS))

    assert data.to_dict()["currency"] == "GBP"
    assert data.to_dict()["exchange_rate"] == {"per_usd": 0.8, "as_of": "2026-12-01"}
    dollars = recommend(sample_answers()).to_dict()
    assert (dollars["currency"], dollars["exchange_rate"]) == (
        "USD",
        {"per_usd": 1.0, "as_of": None},
    )


def test_the_agencys_own_rates_replace_the_converted_defaults() -> None:
    figures = (
        default_assumptions()
        .in_currency(POUNDS)
        .with_overrides(
            {"labour_rate_per_hour": 95, "evaluation_setup_tuning": 4_000},
            source="Northwind's rate card",
            as_of="2026-12-02",
        )
    )
    result = recommend(sample_answers(), assumptions=figures)
    system_prompt = result.scoring.costs[Approach.SYSTEM_PROMPT]
    adapter = result.scoring.costs[Approach.ADAPTER]

    assert system_prompt.build == figures.build_hours_system_prompt * 95
    assert adapter.evaluation_setup == 4_000
    # A default amount not set by the agency is the dollar default, converted.
    assert system_prompt.evaluation_setup == pytest.approx(1_500 * 0.8)
    listed = {a.name: a for a in result.tco.assumptions}
    labour = listed["labour_rate_per_hour"]
    assert (labour.value, labour.unit, labour.source, labour.as_of) == (
        95,
        "GBP per hour",
        "Northwind's rate card",
        "2026-12-02",
    )
    store = listed["vector_store_per_month"]
    assert store.unit == "GBP per month"
    assert store.source == (
        f"{RATE_CARD_SOURCE}, converted at 0.8 GBP per US dollar (rate of 2026-12-01)"
    )
    # Figures that are not money keep their unit and source.
    assert listed["pilot_weeks"].unit == "weeks"
    assert listed["pilot_weeks"].source == RATE_CARD_SOURCE


def test_only_amounts_of_money_convert() -> None:
    usual = default_assumptions()
    converted = usual.in_currency(POUNDS)

    for name, spec in ASSUMPTION_SPECS.items():
        expected = getattr(usual, name) * (0.8 if spec.is_money else 1)
        assert getattr(converted, name) == pytest.approx(expected), name
    assert usual.in_currency(Currency()) is usual
    assert converted.in_currency(Currency()).labour_rate_per_hour == pytest.approx(110)


def test_a_worthwhile_saving_is_judged_in_the_agencys_currency(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """$50 a month is the floor for a saving worth a line when the prompt meets the bar; in
    yen that is 7,500 yen, not 50."""
    yen = Currency("JPY", 150.0, "2026-12-01")
    answers = replace(
        example_answers("invoice_extraction"),
        prompting_status=PromptingStatus.MEETS_BAR,
        gaps=(),
        monthly_requests=100_000,
    )
    in_yen = replace(
        answers,
        build_budget=answers.build_budget * 150,
        monthly_budget=answers.monthly_budget * 150,
    )
    figures = default_assumptions().in_currency(yen)

    assert recommend(in_yen, assumptions=figures).levers == ()
    monkeypatch.setattr(advice, "WORTHWHILE_SAVING_USD", 0.0)
    small = recommend(in_yen, assumptions=figures).levers
    # What the floor kept out: a saving of thousands of yen, under $50 a month.
    assert small
    assert all(7_500 > (lever.saving_per_month or 0) > 50 for lever in small[:1])
    dollars = recommend(answers).levers
    assert [lever.code for lever in small] == [lever.code for lever in dollars]
    for dollar, yen_lever in zip(dollars, small, strict=True):
        assert yen_lever.saving_per_month == pytest.approx(150 * (dollar.saving_per_month or 0))
