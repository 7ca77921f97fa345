import pytest

from advisor import questionnaire
from advisor.forms import DONT_KNOW, YES_NO, StepForm
from advisor.scoring import ANSWER_FIELDS, UNKNOWABLE_FIELDS, parse_answers
from advisor.scoring.examples import sample_input


def test_every_answer_of_the_contract_is_asked_exactly_once() -> None:
    asked = [field for step in questionnaire.STEPS for field in step.fields]
    assert sorted(asked) == sorted(ANSWER_FIELDS)


def test_every_question_explains_itself() -> None:
    for question in questionnaire.QUESTIONS.values():
        assert question.label.strip(), question.field
        assert len(question.help) > 30, question.field


@pytest.mark.parametrize("field", UNKNOWABLE_FIELDS)
def test_every_dont_know_has_a_valid_assumed_value(field: str) -> None:
    assumed = questionnaire.QUESTIONS[field].assumed_if_unknown
    assert assumed is not None
    parse_answers(sample_input(**{field: assumed}, unknown=[field], prompting_status="meets_bar"))


def test_questions_about_prompting_apply_once_it_was_tried_and_about_gaps_once_it_fell_short() -> (
    None
):
    step = questionnaire.STEPS_BY_SLUG["prompting"]
    assert questionnaire.applicable_fields(step, {"prompting_status": "not_tried"}) == (
        "prompting_status",
    )
    assert questionnaire.applicable_fields(step, {"prompting_status": "meets_bar"}) == (
        "prompting_status",
        "prompting_built",
        "heldout_set_size",
    )
    assert questionnaire.applicable_fields(step, {"prompting_status": "falls_short"}) == (
        "prompting_status",
        "prompting_built",
        "heldout_set_size",
        "gaps",
        "structured_output_tried",
        "shortfall_metric",
        "shortfall_measured",
        "shortfall_target",
        "adapter_fell_short",
    )


def test_the_new_step_asks_about_models_and_hosting_before_prompting() -> None:
    slugs = [step.slug for step in questionnaire.STEPS]
    assert slugs == ["use-case", "data", "change", "budget", "volume", "models", "prompting"]
    assert questionnaire.STEPS_BY_SLUG["models"].fields == (
        "current_model",
        "data_may_leave_cloud",
        "tuned_model_hosting",
        "tuned_model_scope",
    )
    assert questionnaire.STEPS_BY_SLUG["volume"].fields[-1] == "batch_allowed"


def test_an_optional_answer_is_offered_with_its_contract_default() -> None:
    for field, spec in ANSWER_FIELDS.items():
        if spec.optional:
            default = questionnaire.QUESTIONS[field].default
            assert default == (
                list(spec.default) if isinstance(spec.default, tuple) else spec.default
            ), field


def test_every_question_that_may_be_left_empty_says_what_empty_means() -> None:
    for field, spec in ANSWER_FIELDS.items():
        assert bool(questionnaire.QUESTIONS[field].blank) == spec.nullable, field


def test_the_shortfall_values_are_in_the_unit_of_their_metric() -> None:
    def unit(metric: object) -> str:
        return questionnaire.unit_of("shortfall_target", {"shortfall_metric": metric})

    assert unit("format_compliance") == "percent"
    assert unit("latency_p95") == "milliseconds"
    assert unit("cost_per_request") == "USD per request"
    assert unit("other") == unit(None) == unit(["odd"]) == ""
    assert questionnaire.unit_of("heldout_set_size", {}) == "cases"


def test_engine_input_neutralises_questions_that_do_not_apply() -> None:
    stored = sample_input(prompting_status="meets_bar", gaps=["skill"], unknown=["input_tokens"])
    data = questionnaire.engine_input(stored)
    assert data["gaps"] == []
    assert data["unknown"] == ["input_tokens"]
    parse_answers(data)


def test_engine_input_drops_what_a_changed_prompting_status_no_longer_asks() -> None:
    stored = sample_input(
        prompting_status="not_tried",
        prompting_built=["rag"],
        heldout_set_size=0,
        shortfall_metric="accuracy",
        shortfall_measured=70,
        shortfall_target=90,
        adapter_fell_short=True,
        unknown=["heldout_set_size", "input_tokens"],
    )
    data = questionnaire.engine_input(stored)

    assert data["prompting_built"] == []
    assert data["heldout_set_size"] is None
    assert (
        data["shortfall_metric"] is data["shortfall_measured"] is data["shortfall_target"] is None
    )
    assert data["adapter_fell_short"] is False
    assert data["unknown"] == ["input_tokens"]
    parse_answers(data)


def test_engine_input_gives_a_draft_from_before_the_optional_answers_their_defaults() -> None:
    data = questionnaire.engine_input(sample_input())

    assert parse_answers(data)[0].to_dict() == data


def test_an_export_names_the_version_of_the_answers() -> None:
    exported = questionnaire.export_data(sample_input())

    assert exported["answers_version"] == "2026.12"
    assert parse_answers(exported)[0] == parse_answers(sample_input())[0]


@pytest.mark.parametrize(
    ("text", "tokens"), [("", 0), ("   ", 0), ("abcd", 1), ("abcde", 2), ("x" * 4000, 1000)]
)
def test_token_estimate_is_about_four_characters_a_token(text: str, tokens: int) -> None:
    assert questionnaire.estimate_tokens(text) == tokens


def test_the_wizards_dont_know_can_never_be_a_real_answer() -> None:
    for spec in ANSWER_FIELDS.values():
        assert DONT_KNOW not in spec.choices, spec.name
    assert DONT_KNOW not in dict(YES_NO)


def test_a_real_answer_spelled_unknown_is_kept_not_read_as_dont_know() -> None:
    step = questionnaire.STEPS_BY_SLUG["data"]
    posted = {"version": "1", "example_count": "40", "data_coverage": "unknown"}
    form = StepForm(posted, step=step)

    assert form.is_valid(), form.errors
    assert form.unknown_answers() == ()
    assert form.answers()["data_coverage"] == "unknown"


def test_dont_know_is_offered_and_accepted_only_where_a_question_allows_it() -> None:
    step = questionnaire.STEPS_BY_SLUG["change"]
    posted = {
        "version": "1",
        "change_frequency": DONT_KNOW,
        "major_change_expected": DONT_KNOW,
        "similar_clients": "2",
        "base_model_stability": "stable",
    }
    form = StepForm(posted, step=step)
    assert form.is_valid(), form.errors
    assert form.unknown_answers() == ("change_frequency", "major_change_expected")

    data_step = questionnaire.STEPS_BY_SLUG["use-case"]
    refused = StepForm({"version": "1", "task_type": DONT_KNOW}, step=data_step)
    assert not refused.is_valid()
    assert "task_type" in refused.errors


def test_the_questions_and_their_choices_spell_specialised_one_way() -> None:
    from pathlib import Path

    from django.conf import settings

    from advisor.scoring.labels import field_choices

    texts = [
        text
        for step in questionnaire.STEPS
        for question in step.questions
        for text in (question.label, question.help, question.unit, question.blank)
    ]
    texts += [
        label
        for field, answer in ANSWER_FIELDS.items()
        if answer.choices
        for _, label in field_choices(field)
    ]
    texts += [page.read_text() for page in Path(settings.BASE_DIR, "templates").rglob("*.html")]
    assert any("specialised" in text.lower() for text in texts)
    assert not [text for text in texts if "specialized" in text.lower()]
