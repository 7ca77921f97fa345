"""Showing stored answers: whatever an assessment holds, the display path never raises."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from advisor.models import Assessment
from advisor.presentation import answer_rows, display_answer, figure_text, format_answer
from advisor.questionnaire import STEPS
from advisor.scoring import ANSWER_FIELDS, ASSUMPTION_SPECS
from advisor.scoring.labels import ASSUMPTION_LABELS

stored_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**300, max_value=10**400)
    | st.floats()
    | st.sampled_from([math.nan, math.inf, -math.inf])
    | st.text(max_size=80)
    | st.sampled_from([v for spec in ANSWER_FIELDS.values() for v in spec.choices]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)
stored_answers = st.dictionaries(
    st.sampled_from([*ANSWER_FIELDS, "unknown"]), stored_values, max_size=len(ANSWER_FIELDS)
)


@given(st.sampled_from(list(ANSWER_FIELDS)), stored_values)
def test_any_stored_value_of_any_answer_can_be_shown(field: str, value: object) -> None:
    shown = format_answer(field, value)

    assert isinstance(shown, str)
    assert shown
    assert len(shown) < 1000


@given(stored_answers, stored_values)
def test_any_stored_answers_give_answer_rows(answers: dict, unknown: object) -> None:
    assessment = Assessment(answers={**answers, "unknown": unknown}, pending_inputs={})

    sections = answer_rows(assessment)

    assert [step for step, _ in sections] == list(STEPS)
    for field in ANSWER_FIELDS:
        assert display_answer(assessment.answers, field)


def test_a_value_the_contract_does_not_know_is_shown_as_stored() -> None:
    assert format_answer("data_coverage", None) == "Not answered"
    assert format_answer("change_frequency", "hourly") == "“hourly”"
    assert format_answer("gaps", ["cost", "vibes"]) == "Costs too much per request, “vibes”"
    assert format_answer("example_count", 10**400).startswith("“1000")
    assert format_answer("build_budget", math.nan) == "“nan”"


def test_every_planning_figure_has_a_label_in_plain_words() -> None:
    assert set(ASSUMPTION_LABELS) == set(ASSUMPTION_SPECS)
    for label in ASSUMPTION_LABELS.values():
        assert "_" not in label
        assert label[0].isupper()


@pytest.mark.parametrize(
    ("value", "unit", "said"),
    [
        (110, "USD per hour", "$110 an hour"),
        (95, "GBP per hour", "£95 an hour"),
        (0.5, "USD per 1,000 requests", "$0.50 per 1,000 requests"),
        (0.25, "share of the prompt", "25% of the prompt"),
        (6, "month", "month 6"),
        (0.5, "times a year", "once every two years"),
        (12, "times a year", "12 times a year"),
        (1, "hours", "1 hour"),
        (1500, "tokens per request", "1,500 tokens per request"),
    ],
)
def test_a_planning_figure_reads_in_plain_words_with_its_unit(
    value: float, unit: str, said: str
) -> None:
    assert figure_text(value, unit) == said
