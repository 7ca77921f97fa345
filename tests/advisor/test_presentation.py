"""Showing stored answers: whatever an assessment holds, the display path never raises."""

import math

from hypothesis import given
from hypothesis import strategies as st

from advisor.models import Assessment
from advisor.presentation import answer_rows, display_answer, format_answer
from advisor.questionnaire import STEPS
from advisor.scoring import ANSWER_FIELDS

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
