"""The answers contract: what is accepted, what is refused, and how refusals read."""

import math

import pytest

from advisor.scoring import (
    ANSWER_FIELDS,
    ANSWERS_VERSION,
    ASSUMPTION_SPECS,
    Answers,
    ExampleSource,
    FieldKind,
    Gap,
    InvalidAnswers,
    PromptingBuilt,
    PromptingStatus,
    ShortfallMetric,
    TaskType,
    TunedModelHosting,
    TunedModelScope,
    choice_label,
    field_choices,
    parse_answers,
)
from advisor.scoring.answers import MAX_EXAMPLE_COUNT, MAX_MONTHLY_REQUESTS, MAX_TOKENS
from advisor.scoring.catalogue import load_catalogue
from advisor.scoring.examples import EXAMPLE_PROJECTS, SAMPLE_INPUT, sample_input


def errors_for(data: object) -> dict[str, str]:
    with pytest.raises(InvalidAnswers) as refused:
        parse_answers(data)
    return refused.value.errors


def test_valid_answers_are_parsed_into_typed_values() -> None:
    answers, overrides = parse_answers(
        sample_input(example_sources=["synthetic", "client_records"])
    )

    assert answers.task_type is TaskType.CLASSIFICATION
    assert answers.example_sources == (ExampleSource.CLIENT_RECORDS, ExampleSource.SYNTHETIC)
    assert answers.latency_target_ms is None
    assert answers.build_budget == 25_000.0
    assert overrides == {}


@pytest.mark.parametrize("name", list(EXAMPLE_PROJECTS))
def test_every_example_project_is_valid(name: str) -> None:
    answers, _ = parse_answers(EXAMPLE_PROJECTS[name])

    assert parse_answers(answers.to_dict()) == (answers, {})


def test_answers_to_dict_gives_back_the_contract_with_every_optional_answer() -> None:
    answers, _ = parse_answers(SAMPLE_INPUT)

    assert answers.to_dict() == {**SAMPLE_INPUT, **OPTIONAL_DEFAULTS}
    assert parse_answers(answers.to_dict())[0] == answers


OPTIONAL_DEFAULTS = {
    "batch_allowed": False,
    "current_model": "none",
    "data_may_leave_cloud": True,
    "tuned_model_hosting": "no_preference",
    "tuned_model_scope": "shared",
    "prompting_built": [],
    "shortfall_metric": None,
    "shortfall_measured": None,
    "shortfall_target": None,
    "heldout_set_size": None,
    "adapter_fell_short": False,
}


def test_a_file_from_before_the_optional_answers_reads_with_their_defaults() -> None:
    assert not set(OPTIONAL_DEFAULTS) & set(SAMPLE_INPUT)  # SAMPLE_INPUT is such a file
    optional = {name for name, spec in ANSWER_FIELDS.items() if spec.optional}

    answers, _ = parse_answers(SAMPLE_INPUT)

    assert optional == set(OPTIONAL_DEFAULTS)
    assert answers.current_model == "none"
    assert answers.data_may_leave_cloud is True
    assert answers.tuned_model_hosting is TunedModelHosting.NO_PREFERENCE
    assert answers.tuned_model_scope is TunedModelScope.SHARED
    assert answers.prompting_built == ()
    assert answers.shortfall_metric is None
    assert (answers.heldout_set_size, answers.adapter_fell_short) == (None, False)


def test_the_new_answers_are_parsed_into_typed_values() -> None:
    answers, _ = parse_answers(
        sample_input(
            prompting_status="falls_short",
            gaps=["format"],
            batch_allowed=True,
            current_model="openai/gpt-4o",
            data_may_leave_cloud=False,
            tuned_model_hosting="own_cloud",
            tuned_model_scope="per_client",
            prompting_built=["rag", "few_shot"],
            shortfall_metric="format_compliance",
            shortfall_measured=85,
            shortfall_target=99.5,
            heldout_set_size=0,
            adapter_fell_short=True,
        )
    )

    assert answers.batch_allowed is True
    assert answers.current_model == "openai/gpt-4o"
    assert answers.data_may_leave_cloud is False
    assert answers.tuned_model_hosting is TunedModelHosting.OWN_CLOUD
    assert answers.tuned_model_scope is TunedModelScope.PER_CLIENT
    assert answers.prompting_built == (PromptingBuilt.FEW_SHOT, PromptingBuilt.RAG)
    assert answers.shortfall_metric is ShortfallMetric.FORMAT_COMPLIANCE
    assert (answers.shortfall_measured, answers.shortfall_target) == (85.0, 99.5)
    assert answers.heldout_set_size == 0
    assert answers.adapter_fell_short is True
    assert parse_answers(answers.to_dict())[0] == answers


def test_prompting_approaches_and_a_held_out_set_apply_once_prompting_was_tried() -> None:
    answers, _ = parse_answers(
        sample_input(
            prompting_status="meets_bar", prompting_built=["system_prompt"], heldout_set_size=120
        )
    )

    assert answers.prompting_built == (PromptingBuilt.SYSTEM_PROMPT,)
    assert answers.heldout_set_size == 120


@pytest.mark.parametrize(
    ("metric", "measured", "target"),
    [
        ("latency_p95", 2_400, 800),
        ("cost_per_request", 0.012, 0.004),
        ("other", 3.5, 4),
        (None, 40, 60),  # no metric named: the numbers are kept, unit unknown
        ("accuracy", 0, 100),
    ],
)
def test_a_shortfall_is_read_in_the_units_of_its_metric(
    metric: str | None, measured: float, target: float
) -> None:
    answers, _ = parse_answers(
        sample_input(
            prompting_status="falls_short",
            shortfall_metric=metric,
            shortfall_measured=measured,
            shortfall_target=target,
        )
    )

    assert (answers.shortfall_measured, answers.shortfall_target) == (measured, target)


def test_the_answers_version_is_read_when_given_and_not_needed() -> None:
    assert ANSWERS_VERSION == "2026.12"
    with_version, _ = parse_answers(sample_input(answers_version=ANSWERS_VERSION))

    assert with_version == parse_answers(SAMPLE_INPUT)[0]
    assert "answers_version" not in with_version.to_dict()


@pytest.mark.parametrize("version", ["2027.01", "", None, 2026.12, ["2026.12"]])
def test_an_answers_version_this_advisor_does_not_read_is_refused(version: object) -> None:
    errors = errors_for(sample_input(answers_version=version))

    assert list(errors) == ["answers_version"]
    assert errors["answers_version"].startswith('must be "2026.12", the version this Advisor reads')


def test_the_contract_and_the_dataclass_list_the_same_answers() -> None:
    assert [*ANSWER_FIELDS, "unknown"] == list(Answers.__dataclass_fields__)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        pytest.param(
            {"domain_specificity": "expert"},
            "domain_specificity",
            'must be one of: general, specialized, niche (got "expert")',
            id="unknown value",
        ),
        pytest.param(
            {"example_count": "60"},
            "example_count",
            "must be a whole number from 0 to 10,000,000",
            id="wrong type",
        ),
        pytest.param(
            {"example_count": -1},
            "example_count",
            "must be a whole number from 0 to 10,000,000",
            id="below range",
        ),
        pytest.param(
            {"example_count": MAX_EXAMPLE_COUNT + 1},
            "example_count",
            "from 0 to 10,000,000",
            id="absurdly large",
        ),
        pytest.param(
            {"example_count": 60.5}, "example_count", "whole number", id="fraction for an integer"
        ),
        pytest.param(
            {"similar_clients": True},
            "similar_clients",
            "must be a whole number from 1 to",
            id="bool is not an integer",
        ),
        pytest.param(
            {"similar_clients": 0}, "similar_clients", "from 1 to", id="at least one client"
        ),
        pytest.param(
            {"build_budget": math.nan}, "build_budget", "must be a number", id="not a number"
        ),
        pytest.param(
            {"monthly_budget": math.inf}, "monthly_budget", "must be a number", id="infinity"
        ),
        pytest.param(
            {"monthly_budget": -5}, "monthly_budget", "from 0 to 1,000,000,000", id="negative"
        ),
        pytest.param({"weeks_to_launch": 0}, "weeks_to_launch", "from 1 to 520", id="launch now"),
        pytest.param(
            {"monthly_requests": MAX_MONTHLY_REQUESTS + 1},
            "monthly_requests",
            "10,000,000,000",
            id="too many requests",
        ),
        pytest.param(
            {"prompt_tokens": MAX_TOKENS + 1}, "prompt_tokens", "2,000,000", id="huge prompt"
        ),
        pytest.param(
            {"latency_target_ms": 0},
            "latency_target_ms",
            "must be a whole number from 1 to 600,000, or null",
            id="zero latency",
        ),
        pytest.param(
            {"major_change_expected": "yes"},
            "major_change_expected",
            "must be true or false",
            id="string for a boolean",
        ),
        pytest.param(
            {"maintenance_funded": 1},
            "maintenance_funded",
            "must be true or false",
            id="number for a boolean",
        ),
        pytest.param(
            {"example_sources": "manual"},
            "example_sources",
            "must be a list of distinct values from: client_records, manual, synthetic",
            id="string for a list",
        ),
        pytest.param(
            {"example_sources": ["manual", "scraped"]},
            "example_sources",
            '(got "scraped")',
            id="unknown list value",
        ),
        pytest.param(
            {"example_sources": ["manual", "manual"]},
            "example_sources",
            '"manual" is listed twice',
            id="duplicate in a list",
        ),
        pytest.param(
            {"gaps": ["skill"]},
            "gaps",
            "must be empty unless prompting_status is falls_short",
            id="gaps without a shortfall",
        ),
        pytest.param(
            {"batch_allowed": "sometimes"}, "batch_allowed", "must be true or false", id="batch"
        ),
        pytest.param(
            {"current_model": "gpt-4o"},
            "current_model",
            "must be one of: none, anthropic/claude-haiku-5-5, ",
            id="a model named without its provider",
        ),
        pytest.param(
            {"current_model": None},
            "current_model",
            "(got null)",
            id="null for the current model",
        ),
        pytest.param(
            {"data_may_leave_cloud": None},
            "data_may_leave_cloud",
            "must be true or false",
            id="null for an optional boolean",
        ),
        pytest.param(
            {"tuned_model_hosting": "on_premises"},
            "tuned_model_hosting",
            "must be one of: provider, own_cloud, no_preference (got",
            id="unknown hosting",
        ),
        pytest.param(
            {"tuned_model_scope": None},
            "tuned_model_scope",
            "must be one of: shared, per_client (got null)",
            id="null scope",
        ),
        pytest.param(
            {"prompting_status": "meets_bar", "prompting_built": ["fine_tuning"]},
            "prompting_built",
            "must be a list of distinct values from: few_shot, system_prompt, rag",
            id="unknown approach built",
        ),
        pytest.param(
            {"prompting_built": ["few_shot"]},
            "prompting_built",
            "must be empty unless prompting_status is meets_bar or falls_short",
            id="approaches built but prompting not tried",
        ),
        pytest.param(
            {"heldout_set_size": 50},
            "heldout_set_size",
            "must be null unless prompting_status is meets_bar or falls_short",
            id="held-out set but prompting not tried",
        ),
        pytest.param(
            {"prompting_status": "meets_bar", "heldout_set_size": -1},
            "heldout_set_size",
            "must be a whole number from 0 to 10,000,000, or null",
            id="negative held-out set",
        ),
        pytest.param(
            {"prompting_status": "meets_bar", "shortfall_metric": "accuracy"},
            "shortfall_metric",
            "must be null unless prompting_status is falls_short",
            id="a shortfall metric but prompting meets the bar",
        ),
        pytest.param(
            {"prompting_status": "falls_short", "shortfall_metric": "speed"},
            "shortfall_metric",
            "must be one of: format_compliance, accuracy, consistency, latency_p95, "
            "cost_per_request, other, or null",
            id="unknown metric",
        ),
        pytest.param(
            {"adapter_fell_short": True},
            "adapter_fell_short",
            "must be false unless prompting_status is falls_short",
            id="adapter fell short but prompting not tried",
        ),
        pytest.param(
            {"prompting_status": "falls_short", "shortfall_measured": 85},
            "shortfall_measured",
            "needs shortfall_target as well: give the measured value and the target, or neither",
            id="measured without target",
        ),
        pytest.param(
            {"prompting_status": "falls_short", "shortfall_target": 99},
            "shortfall_target",
            "needs shortfall_measured as well",
            id="target without measured",
        ),
        pytest.param(
            {"prompting_status": "falls_short", "shortfall_measured": 90, "shortfall_target": 90},
            "shortfall_target",
            "must differ from shortfall_measured",
            id="target reached",
        ),
        pytest.param(
            {
                "prompting_status": "falls_short",
                "shortfall_metric": "format_compliance",
                "shortfall_measured": 85,
                "shortfall_target": 100.5,
            },
            "shortfall_target",
            "must be a percentage from 0 to 100 when shortfall_metric is format_compliance "
            "(got 100.5)",
            id="percent over 100",
        ),
        pytest.param(
            {"prompting_status": "falls_short", "shortfall_measured": -2, "shortfall_target": 5},
            "shortfall_measured",
            "must be a number from 0 to 1,000,000,000, or null",
            id="negative measure",
        ),
        pytest.param(
            {
                "prompting_status": "falls_short",
                "shortfall_measured": "85%",
                "shortfall_target": 99,
            },
            "shortfall_measured",
            "must be a number",
            id="text for a measure",
        ),
    ],
)
def test_invalid_answers_are_refused_naming_the_field(
    change: dict[str, object], field: str, message: str
) -> None:
    errors = errors_for(sample_input(**change))

    assert list(errors) == [field]
    assert message in errors[field]


def test_an_unknown_answer_is_refused() -> None:
    assert errors_for(sample_input(tone="friendly")) == {
        "tone": "is not a known answer; check the spelling"
    }


def test_a_missing_answer_is_refused_saying_what_it_may_hold() -> None:
    data = sample_input()
    del data["data_coverage"]

    assert errors_for(data) == {
        "data_coverage": "is required; it must be one of: unknown, common_cases, full_range"
    }


def test_every_problem_is_reported_at_once() -> None:
    data = sample_input(task_type="poetry", example_count=-3, gaps=["skill"], extra=1)
    del data["weeks_to_launch"]

    assert set(errors_for(data)) == {
        "task_type",
        "example_count",
        "gaps",
        "extra",
        "weeks_to_launch",
    }


def test_the_message_lists_every_problem() -> None:
    with pytest.raises(InvalidAnswers) as refused:
        parse_answers(sample_input(task_type="poetry", example_count=-3))

    assert str(refused.value).startswith("example_count: must be a whole number")
    assert "task_type: must be one of:" in str(refused.value)


@pytest.mark.parametrize("data", [[], "answers", None, 42])
def test_anything_but_an_object_is_refused(data: object) -> None:
    assert list(errors_for(data)) == ["answers"]


def test_gaps_are_accepted_when_prompting_falls_short() -> None:
    answers, _ = parse_answers(
        sample_input(prompting_status="falls_short", gaps=["latency", "knowledge"])
    )

    assert answers.prompting_status is PromptingStatus.FALLS_SHORT
    assert answers.gaps == (Gap.KNOWLEDGE, Gap.LATENCY)


def test_whole_number_budgets_and_fractional_budgets_are_both_numbers() -> None:
    answers, _ = parse_answers(sample_input(build_budget=12_500.75, monthly_budget=0))

    assert (answers.build_budget, answers.monthly_budget) == (12_500.75, 0.0)


def test_assumption_overrides_are_returned_separately() -> None:
    answers, overrides = parse_answers(
        sample_input(assumptions={"labour_rate_per_hour": 150, "tuned_prompt_share": 0.2})
    )

    assert overrides == {"labour_rate_per_hour": 150.0, "tuned_prompt_share": 0.2}
    assert answers == parse_answers(SAMPLE_INPUT)[0]


@pytest.mark.parametrize(
    ("assumptions", "field", "message"),
    [
        ({"labor_rate": 100}, "assumptions.labor_rate", "is not a known assumption"),
        ({"labour_rate_per_hour": "150"}, "assumptions.labour_rate_per_hour", "must be a number"),
        ({"labour_rate_per_hour": -1}, "assumptions.labour_rate_per_hour", "from 0 to"),
        ({"labour_rate_per_hour": True}, "assumptions.labour_rate_per_hour", "must be a number"),
        (
            {"tuned_prompt_share": 1.5},
            "assumptions.tuned_prompt_share",
            "from 0 to 1 (share of the prompt)",
        ),
        ({"vector_store_per_month": math.nan}, "assumptions.vector_store_per_month", "number"),
        ([1, 2], "assumptions", "must be an object"),
    ],
)
def test_bad_assumption_overrides_are_refused_naming_them(
    assumptions: object, field: str, message: str
) -> None:
    errors = errors_for(sample_input(assumptions=assumptions))

    # An unknown name also gets the known names listed once, under "assumptions".
    assert field in errors
    assert set(errors) <= {field, "assumptions"}
    assert message in errors[field]


def test_the_wizard_can_build_every_field_from_the_specs() -> None:
    for name, spec in ANSWER_FIELDS.items():
        if spec.kind in (FieldKind.CHOICE, FieldKind.MULTIPLE_CHOICE):
            choices = field_choices(name)
            assert [value for value, _ in choices] == list(spec.choices)
            assert all(label for _, label in choices)
        elif spec.kind in (FieldKind.INTEGER, FieldKind.NUMBER):
            assert spec.minimum is not None
            assert spec.maximum is not None
            assert spec.minimum < spec.maximum


def test_the_dont_know_answer_is_a_value_of_the_contract() -> None:
    assert ("unknown", "Don't know") in field_choices("data_coverage")


def test_every_assumption_has_a_unit_and_a_description() -> None:
    for spec in ASSUMPTION_SPECS.values():
        assert spec.unit
        assert spec.description.endswith(".")


def test_unknown_answers_round_trip_and_lower_confidence() -> None:
    from advisor.scoring import UNKNOWABLE_FIELDS, recommend
    from advisor.scoring.confidence import UNKNOWN_ANSWER_NAMES
    from advisor.scoring.examples import sample_input

    assert set(UNKNOWN_ANSWER_NAMES) == set(UNKNOWABLE_FIELDS)
    known, _ = parse_answers(sample_input())
    one, _ = parse_answers(sample_input(unknown=["monthly_requests"]))
    many, _ = parse_answers(
        sample_input(unknown=["prompt_tokens", "monthly_requests", "change_frequency"])
    )
    assert many.unknown == ("change_frequency", "monthly_requests", "prompt_tokens")
    assert parse_answers(many.to_dict())[0] == many
    assert "unknown" not in known.to_dict()
    levels = ["low", "medium", "high"]
    base = recommend(known).scoring.confidence
    assert levels.index(recommend(one).scoring.confidence) == max(levels.index(base) - 1, 0)
    assert recommend(many).scoring.confidence == "low"
    assert any("the monthly volume" in note for note in recommend(one).scoring.confidence_notes)


@pytest.mark.parametrize(
    "unknown",
    [["task_type"], ["monthly_requests", "monthly_requests"], "monthly_requests", [3]],
)
def test_unknown_accepts_only_a_list_of_distinct_unknowable_answers(unknown: object) -> None:
    from advisor.scoring.examples import sample_input

    with pytest.raises(InvalidAnswers) as raised:
        parse_answers(sample_input(unknown=unknown))
    assert set(raised.value.errors) == {"unknown"}
    assert "monthly_requests" in raised.value.errors["unknown"]


def test_the_current_model_is_a_catalogue_model_another_one_or_none() -> None:
    models = load_catalogue().inference
    spec = ANSWER_FIELDS["current_model"]

    assert spec.choices == ("none", *models, "other")
    for key, model in models.items():
        assert parse_answers(sample_input(current_model=key))[0].current_model == key
        assert model.provider in choice_label("current_model", key)
    assert choice_label("current_model", "openai/gpt-4o") == "GPT-4o (OpenAI)"
    assert choice_label("current_model", "none") == "No model in use yet"
    assert choice_label("current_model", "other") == "Another model"
