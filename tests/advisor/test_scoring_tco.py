"""Total cost of ownership, priced on named catalogue entries, and the dated figures behind it.

The arithmetic is checked on a small made-up catalogue, so it does not move when a provider
changes a price; a few tests use the real catalogue for what a client would see.
"""

from dataclasses import replace
from datetime import date
from types import MappingProxyType

import pytest

from advisor.scoring import (
    ASSUMPTION_SPECS,
    Approach,
    default_assumptions,
    recommend,
    recommend_from_input,
    total_cost_of_ownership,
)
from advisor.scoring.answers import TunedModelHosting
from advisor.scoring.catalogue import (
    Catalogue,
    InferenceModel,
    Serving,
    Source,
    Tier,
    TuningMethod,
    TuningOffer,
    load_catalogue,
)
from advisor.scoring.examples import example_answers, sample_answers, sample_input
from advisor.scoring.prices import RATE_CARD_SOURCE, RATES_AS_OF
from advisor.scoring.tco import (
    HOURS_PER_MONTH,
    PricingConstraints,
    approach_costs,
    months_until,
)
from advisor.scoring.thresholds import ADAPTER_TRAINING_EXAMPLES, FULL_FINE_TUNE_EXAMPLES

FIGURES = default_assumptions()
TODAY = date(2026, 12, 1)
SOURCE = Source("https://prices.example/page", date(2026, 11, 29))


def model(
    key: str, tier: Tier, price_in: float, price_out: float, **changes: object
) -> InferenceModel:
    made = InferenceModel(
        key=key,
        provider=key.split("/")[0].title(),
        model=key.split("/")[1],
        label=key.split("/")[1].title(),
        tier=tier,
        input_per_mtok=price_in,
        cached_input_per_mtok=price_in / 10,
        output_per_mtok=price_out,
        batch_discount=0.5,
        min_cached_prompt_tokens=1_024,
        in_client_cloud=True,
        retires_on=None,
        successor=None,
        prices_from=None,
        price_source=SOURCE,
        sources=MappingProxyType({}),
    )
    return replace(made, **changes)  # type: ignore[arg-type]


def offer(key: str, method: TuningMethod, serving: Serving, **changes: object) -> TuningOffer:
    made = TuningOffer(
        key=key,
        provider=key.split("/")[0].title(),
        label=key,
        base_model="an 8B model",
        method=method,
        serving=serving,
        training_per_mtok=1.0,
        tuned_input_per_mtok=None,
        tuned_output_per_mtok=None,
        gpu="a GPU",
        gpu_hour=2.0,
        tokens_per_second_per_gpu=1_000.0,
        in_client_cloud=serving is Serving.SELF_HOSTED,
        available_until=None,
        retires_on=None,
        successor=None,
        price_source=SOURCE,
        sources=MappingProxyType({}),
    )
    return replace(made, **changes)  # type: ignore[arg-type]


SMALL = model("acme/small", Tier.SMALL, 1.0, 4.0)
LARGE = model("acme/large", Tier.LARGE, 10.0, 40.0)
THIRD_PARTY = model("elsewhere/tiny", Tier.SMALL, 0.5, 2.0, in_client_cloud=False)
LORA = offer("host/lora", TuningMethod.LORA, Serving.DEDICATED)
FULL = offer("host/full", TuningMethod.FULL, Serving.DEDICATED, training_per_mtok=3.0)
OWN_LORA = offer("own/lora", TuningMethod.LORA, Serving.SELF_HOSTED, gpu_hour=1.0)
CATALOGUE = Catalogue(
    checked_on=TODAY,
    inference=MappingProxyType({m.key: m for m in (SMALL, LARGE, THIRD_PARTY)}),
    tuning=MappingProxyType({o.key: o for o in (LORA, FULL, OWN_LORA)}),
    unavailable=MappingProxyType({}),
)


def costs(
    catalogue: Catalogue = CATALOGUE,
    constraints: PricingConstraints | None = None,
    **answers: object,
):
    return approach_costs(
        sample_answers(**answers), constraints=constraints, today=TODAY, catalogue=catalogue
    )


def test_prompting_runs_on_the_cheapest_model_the_answers_allow() -> None:
    anywhere = costs(monthly_requests=100_000)
    in_cloud = costs(
        constraints=PricingConstraints(data_may_leave_cloud=False), monthly_requests=100_000
    )
    niche = costs(domain_specificity="niche", monthly_requests=100_000)

    assert anywhere[Approach.SYSTEM_PROMPT].priced_on.key == "elsewhere/tiny"
    assert in_cloud[Approach.SYSTEM_PROMPT].priced_on.key == "acme/small"
    assert niche[Approach.SYSTEM_PROMPT].priced_on.key == "acme/large"
    # One model for all four prompting approaches, so they compare like with like.
    assert {anywhere[p].priced_on.key for p in list(Approach)[:4]} == {"elsewhere/tiny"}


def test_the_fixed_prompt_is_cached_once_traffic_keeps_the_cache_warm() -> None:
    only = replace(CATALOGUE, inference=MappingProxyType({"acme/small": SMALL}))
    busy = costs(
        only, monthly_requests=100_000, prompt_tokens=2_000, input_tokens=500, output_tokens=300
    )

    per_request = 2_000 * 0.1 + 500 * 1.0 + 300 * 4.0
    assert busy[Approach.SYSTEM_PROMPT].inference == pytest.approx(100_000 * per_request / 1e6)
    quiet = costs(
        only, monthly_requests=864, prompt_tokens=2_000, input_tokens=500, output_tokens=300
    )
    warm = 864 / 8_640
    prompt_price = warm * 0.1 + (1 - warm) * 1.0
    expected = 864 * (2_000 * prompt_price + 500 + 300 * 4) / 1e6
    assert quiet[Approach.SYSTEM_PROMPT].inference == pytest.approx(expected)


def test_a_short_prompt_is_not_cached_and_batch_halves_the_bill_when_allowed() -> None:
    only = replace(CATALOGUE, inference=MappingProxyType({"acme/small": SMALL}))
    plain = costs(only, prompt_tokens=500)[Approach.SYSTEM_PROMPT]
    batched = costs(only, PricingConstraints(batch_allowed=True), prompt_tokens=500)

    assert plain.inference == pytest.approx(50_000 * (500 * 1.0 + 400 * 1.0 + 150 * 4.0) / 1e6)
    assert batched[Approach.SYSTEM_PROMPT].inference == pytest.approx(plain.inference / 2)


def test_a_tuned_model_on_rented_gpus_pays_for_the_gpus_its_traffic_needs() -> None:
    own = PricingConstraints(tuned_model_hosting=TunedModelHosting.OWN_CLOUD)
    quiet = costs(constraints=own, monthly_requests=1_000)[Approach.ADAPTER]
    busy = costs(
        constraints=own, monthly_requests=50_000_000, input_tokens=1_000, output_tokens=500
    )
    adapter = busy[Approach.ADAPTER]

    assert quiet.inference == 0  # no per-token price on top of the GPUs
    # One GPU at least, always on, plus the hours the client's team spends running it.
    assert quiet.hosting == pytest.approx(1 * 1.0 * HOURS_PER_MONTH + 8 * 110)
    tokens_per_second = 50_000_000 * (1_000 + 500 + 1_200 * 0.1) / (HOURS_PER_MONTH * 3600) * 3
    gpus = -(-tokens_per_second // 1_000)
    assert gpus > 1
    assert adapter.hosting == pytest.approx(gpus * 1.0 * HOURS_PER_MONTH + 8 * 110)


def test_tuning_runs_where_the_answers_allow() -> None:
    provider = costs(constraints=PricingConstraints(tuned_model_hosting=TunedModelHosting.PROVIDER))
    own = costs(constraints=PricingConstraints(tuned_model_hosting=TunedModelHosting.OWN_CLOUD))

    assert provider[Approach.ADAPTER].priced_on.key == "host/lora"
    assert own[Approach.ADAPTER].priced_on.key == "own/lora"
    assert provider[Approach.FULL_FINE_TUNE].priced_on.key == "host/full"
    # No full tuning runs in the client's own cloud here: the nearest offer is priced.
    assert own[Approach.FULL_FINE_TUNE].priced_on.key == "host/full"


def test_a_model_retiring_during_the_plan_is_passed_over_for_one_that_stays() -> None:
    retiring = replace(THIRD_PARTY, retires_on=date(2027, 1, 14))
    catalogue = replace(
        CATALOGUE, inference=MappingProxyType({"elsewhere/tiny": retiring, "acme/small": SMALL})
    )

    assert costs(catalogue)[Approach.SYSTEM_PROMPT].priced_on.key == "acme/small"


def test_moving_off_the_model_used_today_is_priced() -> None:
    using_large = PricingConstraints(current_model="acme/large")
    prompt = costs(constraints=using_large)[Approach.SYSTEM_PROMPT]

    [move] = [event for event in prompt.events if event.code == "model_change"]
    assert move.month == 1
    assert move.amount == FIGURES.model_migration_hours * FIGURES.labour_rate_per_hour
    assert "Large" in move.text


def test_an_offer_closing_before_a_pilot_could_start_is_not_chosen() -> None:
    closing = replace(OWN_LORA, available_until=date(2026, 12, 20))
    catalogue = replace(
        CATALOGUE, tuning=MappingProxyType({o.key: o for o in (LORA, FULL, closing)})
    )
    chosen = costs(catalogue)[Approach.ADAPTER]

    assert chosen.priced_on.key == "host/lora"


def test_a_model_retiring_during_the_plan_costs_a_migration_in_its_month() -> None:
    retiring = replace(SMALL, retires_on=date(2027, 5, 10), successor="acme/large")
    large = replace(LARGE, retires_on=date(2027, 9, 1))
    catalogue = replace(
        CATALOGUE, inference=MappingProxyType({"acme/small": retiring, "acme/large": large})
    )
    prompt = costs(catalogue)[Approach.SYSTEM_PROMPT]
    month = months_until(TODAY, date(2027, 5, 10))

    assert month == 6
    [event] = prompt.events
    assert (event.code, event.month) == ("model_retires", 6)
    assert event.amount == FIGURES.model_migration_hours * FIGURES.labour_rate_per_hour
    assert prompt.cumulative(6) - prompt.cumulative(5) == pytest.approx(
        prompt.monthly + event.amount
    )
    assert prompt.priced_on.retires_on == date(2027, 5, 10)
    assert prompt.cumulative_by_month(12) == [prompt.cumulative(m) for m in range(1, 13)]


def test_upkeep_is_changes_a_year_times_the_cost_of_a_change() -> None:
    found = costs(change_frequency="quarterly", base_model_stability="self_hosted")
    a = FIGURES

    prompt_edit = a.hours_per_prompt_change * a.labour_rate_per_hour
    assert found[Approach.SYSTEM_PROMPT].upkeep == pytest.approx(4 * prompt_edit / 12)
    adapter = found[Approach.ADAPTER]
    assert adapter.upkeep == pytest.approx(4 * adapter.change_cost / 12)
    assert adapter.change_cost > prompt_edit


def test_changes_faster_than_retraining_are_prompt_edits_for_a_tuned_model_too() -> None:
    monthly = costs(change_frequency="monthly", base_model_stability="self_hosted")
    weekly = costs(change_frequency="weekly", base_model_stability="self_hosted")
    a = FIGURES
    assert a.requirement_changes_per_year_monthly == a.max_retraining_cycles_per_year

    # A tuned model is retrained at most monthly and its prompt takes the other weekly
    # changes, so weekly change adds the same prompt edits to every approach: it never
    # makes tuning look cheaper than prompting.
    more_edits = a.requirement_changes_per_year_weekly - a.requirement_changes_per_year_monthly
    added = more_edits * a.hours_per_prompt_change * a.labour_rate_per_hour / 12
    for approach in Approach:
        assert weekly[approach].upkeep - monthly[approach].upkeep == pytest.approx(added)


def test_a_changing_base_model_adds_retraining_to_tuned_upkeep_only() -> None:
    stable = costs(base_model_stability="self_hosted")
    moving = costs(base_model_stability="frequent_updates")

    assert moving[Approach.ADAPTER].upkeep > stable[Approach.ADAPTER].upkeep
    assert moving[Approach.SYSTEM_PROMPT].upkeep == stable[Approach.SYSTEM_PROMPT].upkeep


def test_a_rebrand_costs_a_prompt_rewrite_or_new_data_and_a_full_cycle() -> None:
    found = costs(major_change_expected=True, domain_specificity="specialized")
    a = FIGURES
    month = round(a.major_change_month)

    prompt = found[Approach.SYSTEM_PROMPT]
    assert prompt.major_change_cost == a.prompt_rewrite_hours * a.labour_rate_per_hour
    adapter = found[Approach.ADAPTER]
    new_data = ADAPTER_TRAINING_EXAMPLES * a.major_change_new_data_share
    assert adapter.major_change_cost == pytest.approx(
        adapter.change_cost + new_data * a.example_creation_cost_specialized
    )
    jump = adapter.cumulative(month) - adapter.cumulative(month - 1)
    assert jump == pytest.approx(adapter.monthly + adapter.major_change_cost)


def test_missing_examples_cost_more_in_a_specialised_field_and_full_tuning_needs_3000() -> None:
    general = costs(example_count=50, domain_specificity="general")
    niche = costs(example_count=50, domain_specificity="niche")
    many = costs(example_count=5_000)

    assert niche[Approach.ADAPTER].data_preparation > general[Approach.ADAPTER].data_preparation
    a = FIGURES
    assert (
        many[Approach.ADAPTER].data_preparation
        == ADAPTER_TRAINING_EXAMPLES * a.example_curation_cost
    )
    assert many[Approach.FULL_FINE_TUNE].data_preparation == (
        FULL_FINE_TUNE_EXAMPLES * a.example_curation_cost
    )


def test_training_is_runs_times_examples_times_tokens_times_price() -> None:
    adapter = costs(
        constraints=PricingConstraints(tuned_model_hosting=TunedModelHosting.PROVIDER),
        input_tokens=400,
        output_tokens=150,
        prompt_tokens=1_200,
    )[Approach.ADAPTER]
    a = FIGURES
    tokens = ADAPTER_TRAINING_EXAMPLES * (400 + 150 + 1_200 * a.tuned_prompt_share)
    run = tokens * a.training_epochs * LORA.training_per_mtok / 1e6
    assert adapter.training == pytest.approx(a.training_runs_per_build * run)


def test_totals_cover_the_horizon() -> None:
    found = costs(monthly_requests=3_000_000)

    for horizon in (12, 24, 36):
        tco = total_cost_of_ownership(found, horizon_months=horizon)
        for approach, total in tco.approaches.items():
            assert total.total == pytest.approx(total.cost.cumulative(horizon)), approach
        assert tco.horizon_months == horizon


def test_the_real_catalogue_prices_every_approach_with_its_source_and_dates() -> None:
    catalogue = load_catalogue()
    data = recommend(example_answers("invoice_extraction"), horizon_months=36).to_dict()

    for approach, total in data["tco"]["approaches"].items():
        priced = total["priced_on"]
        assert priced["source"].startswith("https://"), approach
        assert priced["verified_on"] <= catalogue.checked_on.isoformat()
        assert priced["model"], approach
    prompting = data["tco"]["approaches"]["system_prompt"]["priced_on"]
    assert prompting["retires_on"] is None or prompting["retires_on"] > data["starts_on"]


@pytest.mark.parametrize("horizon", [0, 121])
def test_the_horizon_is_bounded(horizon: int) -> None:
    with pytest.raises(ValueError, match="horizon_months"):
        total_cost_of_ownership(costs(), horizon_months=horizon)
    with pytest.raises(ValueError, match="horizon_months"):
        recommend(sample_answers(), horizon_months=horizon)


def test_every_figure_is_listed_with_its_date_and_source() -> None:
    listed = FIGURES.listed()

    assert [a.name for a in listed] == list(ASSUMPTION_SPECS)
    assert all(a.source == RATE_CARD_SOURCE and a.as_of == RATES_AS_OF for a in listed)
    assert all(a.unit and a.description for a in listed)


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
    assert (labour.value, labour.source, labour.as_of) == (200, "Set in the answers file", None)


def test_a_retired_figure_in_an_old_file_is_refused_with_the_reason() -> None:
    from advisor.scoring import InvalidAnswers

    with pytest.raises(InvalidAnswers) as refused:
        recommend_from_input(sample_input(assumptions={"prompting_input_per_mtok": 2.5}))
    assert "model catalogue" in refused.value.errors["assumptions.prompting_input_per_mtok"]


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
    data = recommend(answers).to_dict()["tco"]["approaches"]

    for approach in data.values():
        for key in ("one_off", "monthly", "total"):
            assert round(approach[key], 2) == approach[key]
