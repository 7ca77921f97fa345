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
    parse_answers(sample_input(**{field: assumed}, unknown=[field]))


def test_gap_questions_apply_only_when_prompting_falls_short() -> None:
    step = questionnaire.STEPS_BY_SLUG["prompting"]
    assert questionnaire.applicable_fields(step, {"prompting_status": "not_tried"}) == (
        "prompting_status",
    )
    assert questionnaire.applicable_fields(step, {"prompting_status": "falls_short"}) == (
        "prompting_status",
        "gaps",
        "structured_output_tried",
    )


def test_engine_input_neutralises_questions_that_do_not_apply() -> None:
    stored = sample_input(prompting_status="meets_bar", gaps=["skill"], unknown=["input_tokens"])
    data = questionnaire.engine_input(stored)
    assert data["gaps"] == []
    assert data["unknown"] == ["input_tokens"]
    parse_answers(data)


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
