"""Hostile answers data: huge numbers, long lists, thousands of bad keys. Each is refused with a
message naming the field, in time linear in the input, with a report of bounded size."""

import pytest

from advisor.scoring import ASSUMPTION_SPECS, InvalidAnswers, default_assumptions, parse_answers
from advisor.scoring.examples import sample_input

HUGE = 10**400  # float(HUGE) overflows


def errors_for(data: object) -> dict[str, str]:
    with pytest.raises(InvalidAnswers) as refused:
        parse_answers(data)
    return refused.value.errors


@pytest.mark.parametrize("field", ["example_count", "build_budget", "latency_target_ms"])
@pytest.mark.parametrize("number", [HUGE, -HUGE], ids=["huge", "huge-negative"])
def test_a_number_too_big_for_a_float_is_refused_naming_the_field(field: str, number: int) -> None:
    errors = errors_for(sample_input(**{field: number}))

    assert list(errors) == [field]
    assert "(got " in errors[field]


@pytest.mark.parametrize("number", [HUGE, -HUGE], ids=["huge", "huge-negative"])
def test_an_assumption_too_big_for_a_float_is_refused_naming_it(number: int) -> None:
    errors = errors_for(sample_input(assumptions={"labour_rate_per_hour": number}))

    assert list(errors) == ["assumptions.labour_rate_per_hour"]


def test_overriding_an_assumption_with_a_huge_number_is_refused_naming_it() -> None:
    with pytest.raises(ValueError, match="labour_rate_per_hour"):
        default_assumptions().with_overrides({"labour_rate_per_hour": HUGE})


def test_a_list_longer_than_its_choices_is_refused_at_once() -> None:
    data = sample_input(prompting_status="falls_short", gaps=["cost"] * 36_000)

    errors = errors_for(data)

    assert list(errors) == ["gaps"]
    assert "at most 7 values" in errors["gaps"]
    assert "36,000" in errors["gaps"]


def test_a_long_unknown_list_is_refused_at_once() -> None:
    errors = errors_for(sample_input(unknown=["monthly_requests"] * 36_000))

    assert list(errors) == ["unknown"]
    assert "36,000" in errors["unknown"]


class CountedText(str):
    """A string that counts how often it is compared: the work validation does on it."""

    comparisons = 0

    def __eq__(self, other: object) -> bool:
        CountedText.comparisons += 1
        return str.__eq__(self, other)

    __hash__ = str.__hash__


def comparisons_to_validate(items: int) -> int:
    names = [CountedText(name) for name in ("cost", "format", "skill")]
    data = sample_input(
        prompting_status="falls_short",
        gaps=[CountedText("cost") for _ in range(items)],
        example_sources=[CountedText("manual") for _ in range(items)],
        unknown=[CountedText("monthly_requests") for _ in range(items)],
        assumptions={CountedText(f"{names[i % 3]}_{i}"): 1 for i in range(items)},
        **{CountedText(f"extra_{i}"): 1 for i in range(items)},
    )
    CountedText.comparisons = 0
    with pytest.raises(InvalidAnswers):
        parse_answers(data)
    return CountedText.comparisons


def test_validation_work_grows_linearly_with_the_input() -> None:
    small, large = comparisons_to_validate(500), comparisons_to_validate(2_000)

    assert large <= 4 * small + 100, (small, large)


def test_thousands_of_problems_are_reported_as_the_first_twenty_and_a_count() -> None:
    data = sample_input(assumptions={f"made_up_{i:05}": 1 for i in range(25_000)})

    with pytest.raises(InvalidAnswers) as refused:
        parse_answers(data)

    problems = refused.value.problems()
    assert len(problems) == 21
    assert problems[-1] == ("", "and 24,981 more problems")
    assert str(refused.value).endswith("; and 24,981 more problems")
    assert len(str(refused.value)) < 5_000
    # The allowed names are said once, not once per unknown name.
    assert str(refused.value).count("labour_rate_per_hour") == 1
    assert all(name in str(refused.value) for name in ASSUMPTION_SPECS)


def test_a_very_long_field_name_is_shortened_in_the_report() -> None:
    with pytest.raises(InvalidAnswers) as refused:
        parse_answers(sample_input(**{"x" * 200_000: 1}))

    assert len(str(refused.value)) < 500
