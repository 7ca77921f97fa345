"""Total cost of ownership and the dated figures behind it."""

from dataclasses import replace

import pytest

from advisor.scoring import (
    ASSUMPTION_SPECS,
    Approach,
    default_assumptions,
    recommend,
    recommend_from_input,
    total_cost_of_ownership,
)
from advisor.scoring.examples import example_answers, sample_answers, sample_input
from advisor.scoring.prices import (
    EMBEDDING_MODEL,
    PROMPTING_MODEL,
    RATE_CARD_SOURCE,
    RATES_AS_OF,
    TUNED_MODEL,
    model_price,
)
from advisor.scoring.tco import approach_costs

FIGURES = default_assumptions()


def test_inference_prices_come_from_genai_prices_dated_and_named() -> None:
    listed = {a.name: a for a in FIGURES.listed()}

    prompting = listed["prompting_input_per_mtok"]
    assert prompting.source.startswith("genai-prices ")
    assert (prompting.provider, prompting.model) == ("OpenAI", "gpt-4o")
    assert prompting.as_of == "2026-11-01"
    assert listed["tuned_input_per_mtok"].model == "ft:gpt-4o-mini"
    # A tuned small model is cheaper per token than the large general one.
    assert FIGURES.tuned_input_per_mtok < FIGURES.prompting_input_per_mtok
    assert FIGURES.tuned_output_per_mtok < FIGURES.prompting_output_per_mtok


def test_the_price_lookup_is_done_once_per_process() -> None:
    for model in (PROMPTING_MODEL, TUNED_MODEL, EMBEDDING_MODEL):
        assert model_price(model) is model_price(model)
    assert default_assumptions() is FIGURES


def test_every_figure_is_listed_with_its_date_and_source() -> None:
    listed = FIGURES.listed()

    assert [a.name for a in listed] == list(ASSUMPTION_SPECS)
    rate_card = [a for a in listed if a.source == RATE_CARD_SOURCE]
    assert rate_card
    assert all(a.as_of == RATES_AS_OF for a in rate_card)
    assert all(a.source and a.as_of for a in listed)


def test_inference_is_requests_times_tokens_times_price() -> None:
    answers = sample_answers(
        monthly_requests=100_000, input_tokens=500, output_tokens=300, prompt_tokens=2_000
    )
    costs = approach_costs(answers)
    a = FIGURES

    # The system prompt is paid on every request at the large model's price.
    expected_prompting = (
        100_000 * (2_500 * a.prompting_input_per_mtok + 300 * a.prompting_output_per_mtok) / 1e6
    )
    assert costs[Approach.SYSTEM_PROMPT].inference == pytest.approx(expected_prompting)
    # A tuned model keeps only a small share of the prompt, at the smaller model's price.
    tuned_input = 500 + 2_000 * a.tuned_prompt_share
    expected_tuned = (
        100_000 * (tuned_input * a.tuned_input_per_mtok + 300 * a.tuned_output_per_mtok) / 1e6
    )
    assert costs[Approach.ADAPTER].inference == pytest.approx(expected_tuned)
    # Retrieval adds retrieved passages to the prompt and pays for search and embeddings.
    assert costs[Approach.RAG].inference > costs[Approach.SYSTEM_PROMPT].inference
    assert costs[Approach.RAG].retrieval > a.vector_store_per_month
    # Only a fully tuned model needs its own hosting.
    assert costs[Approach.FULL_FINE_TUNE].hosting == a.full_fine_tune_hosting_per_month
    assert costs[Approach.SYSTEM_PROMPT].hosting == 0


def test_upkeep_is_changes_a_year_times_the_cost_of_a_change() -> None:
    answers = sample_answers(change_frequency="quarterly", base_model_stability="self_hosted")
    costs = approach_costs(answers)
    a = FIGURES

    prompt_edit = a.hours_per_prompt_change * a.labour_rate_per_hour
    assert costs[Approach.SYSTEM_PROMPT].upkeep == pytest.approx(4 * prompt_edit / 12)
    retrain = a.retraining_hours_per_cycle * a.labour_rate_per_hour + a.adapter_training_run_cost
    assert costs[Approach.ADAPTER].upkeep == pytest.approx(4 * retrain / 12)


def test_a_changing_base_model_adds_retraining_to_tuned_upkeep_only() -> None:
    stable = approach_costs(sample_answers(base_model_stability="self_hosted"))
    moving = approach_costs(sample_answers(base_model_stability="frequent_updates"))

    assert moving[Approach.ADAPTER].upkeep > stable[Approach.ADAPTER].upkeep
    assert moving[Approach.SYSTEM_PROMPT].upkeep == stable[Approach.SYSTEM_PROMPT].upkeep


def test_an_expected_major_change_costs_one_more_change_in_its_month() -> None:
    answers = sample_answers(major_change_expected=True)
    adapter = approach_costs(answers)[Approach.ADAPTER]
    month = round(FIGURES.major_change_month)

    jump = adapter.cumulative(month) - adapter.cumulative(month - 1)
    assert jump == pytest.approx(adapter.monthly + adapter.change_cost)


def test_more_existing_examples_make_data_preparation_cheaper() -> None:
    few = approach_costs(sample_answers(example_count=50))[Approach.ADAPTER]
    many = approach_costs(sample_answers(example_count=5_000))[Approach.ADAPTER]

    assert many.data_preparation < few.data_preparation
    assert (
        many.data_preparation == FIGURES.adapter_training_examples * FIGURES.example_curation_cost
    )


def test_totals_cover_the_horizon() -> None:
    answers = example_answers("invoice_extraction")

    for horizon in (12, 24, 36):
        tco = total_cost_of_ownership(answers, horizon_months=horizon)
        for approach, total in tco.approaches.items():
            assert total.total == pytest.approx(total.cost.cumulative(horizon)), approach
        assert tco.horizon_months == horizon


def test_a_busy_tuned_model_pays_back_against_the_cheapest_prompt() -> None:
    tco = total_cost_of_ownership(example_answers("invoice_extraction"), horizon_months=24)

    assert tco.approaches[Approach.ADAPTER].break_even_month is not None
    assert tco.approaches[Approach.SYSTEM_PROMPT].break_even_month is None


def test_a_quiet_tuned_model_never_pays_back() -> None:
    tco = total_cost_of_ownership(example_answers("brand_voice"), horizon_months=36)

    assert tco.approaches[Approach.ADAPTER].break_even_month is None
    assert tco.approaches[Approach.FULL_FINE_TUNE].break_even_month is None


@pytest.mark.parametrize("horizon", [0, 121])
def test_the_horizon_is_bounded(horizon: int) -> None:
    with pytest.raises(ValueError, match="horizon_months"):
        total_cost_of_ownership(sample_answers(), horizon_months=horizon)
    with pytest.raises(ValueError, match="horizon_months"):
        recommend(sample_answers(), horizon_months=horizon)


def test_an_override_changes_the_costs_and_is_listed_as_such() -> None:
    data = sample_input(assumptions={"labour_rate_per_hour": 200})
    usual = recommend_from_input(sample_input())
    dearer = recommend_from_input(data)

    assert dearer.tco.approaches[Approach.SYSTEM_PROMPT].cost.build == 32 * 200
    assert (
        dearer.tco.approaches[Approach.SYSTEM_PROMPT].total
        > usual.tco.approaches[Approach.SYSTEM_PROMPT].total
    )
    labour = next(a for a in dearer.tco.assumptions if a.name == "labour_rate_per_hour")
    assert (labour.value, labour.source, labour.as_of) == (200, "override in the input file", None)


def test_overrides_leave_the_defaults_alone() -> None:
    changed = FIGURES.with_overrides({"vector_store_per_month": 0})

    assert changed.vector_store_per_month == 0
    assert FIGURES.vector_store_per_month == 70
    assert changed.with_overrides({}) is changed


def test_an_unknown_override_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown assumptions: nope"):
        FIGURES.with_overrides({"nope": 1})


def test_money_is_rounded_to_cents_in_the_output() -> None:
    answers = replace(sample_answers(), monthly_requests=123_457, input_tokens=333)
    data = recommend(answers).to_dict()["tco"]["approaches"]  # type: ignore[index]

    for approach in data.values():
        for key in ("one_off", "monthly", "total"):
            assert round(approach[key], 2) == approach[key]
