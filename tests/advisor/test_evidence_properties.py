"""Properties of the pilot's verdict that must hold for any paired results."""

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.scoring.evidence import Verdict, pilot_verdict
from advisor.scoring.pilot_results import EvalResults
from advisor.scoring.results_file import results_from_records

PROPERTY = settings(max_examples=50, deadline=None)
QUICK = 200  # resamples: the properties hold exactly whatever the number


@dataclass(frozen=True)
class Case:
    passed: tuple[bool, bool]  # format compliance under prompting, under the tuned model
    accuracy: tuple[float, float]


cases = st.builds(
    Case,
    passed=st.tuples(st.booleans(), st.booleans()),
    accuracy=st.tuples(*[st.integers(0, 100).map(lambda n: n / 100)] * 2),
)
pilots = st.lists(cases, min_size=1, max_size=60)


def results(
    pilot: list[Case], *, extra: dict[str, tuple[object, object]] | None = None
) -> EvalResults:
    records = []
    for side, approach in enumerate(("prompt", "tuned")):
        for number, case in enumerate(pilot):
            record = {
                "case_id": f"c{number}",
                "approach": approach,
                "format_compliance": case.passed[side],
                "accuracy": case.accuracy[side],
            }
            record |= {name: values[side] for name, values in (extra or {}).items()}
            records.append(record)
    return results_from_records(records)


def verdict(
    data: EvalResults, *, baseline: str = "prompt", candidate: str = "tuned", **options: int
):  # type: ignore[no-untyped-def]
    return pilot_verdict(
        data,
        baseline=baseline,
        candidate=candidate,
        fell_short=["format_compliance", "accuracy"],
        resamples=options.get("resamples", QUICK),
    )


@PROPERTY
@given(pilots)
def test_swapping_baseline_and_candidate_mirrors_every_difference_and_interval(
    pilot: list[Case],
) -> None:
    data = results(pilot)
    forward = verdict(data)
    backward = verdict(data, baseline="tuned", candidate="prompt")

    for there, back in zip(forward.metrics, backward.metrics, strict=True):
        assert back.difference == -there.difference
        assert (back.ci_low, back.ci_high) == (-there.ci_high, -there.ci_low)
        assert back.p_value == there.p_value
        assert back.better == there.worse
        assert back.worse == there.better


@PROPERTY
@given(pilots)
def test_identical_results_never_adopt(pilot: list[Case]) -> None:
    same = [Case(passed=(c.passed[0],) * 2, accuracy=(c.accuracy[0],) * 2) for c in pilot]
    outcome = verdict(results(same))

    assert outcome.verdict is not Verdict.ADOPT_FINE_TUNING
    if len(pilot) >= 30:
        assert outcome.verdict is Verdict.KEEP_PROMPTING


@PROPERTY
@given(pilots)
def test_adding_a_regression_never_turns_keep_into_adopt(pilot: list[Case]) -> None:
    before = verdict(results(pilot)).verdict
    # The totals: right on every case with prompting, wrong on every case with the tuned model.
    after = verdict(results(pilot, extra={"exact_total": (True, False)})).verdict

    assert after is not Verdict.ADOPT_FINE_TUNING
    if before is Verdict.KEEP_PROMPTING:
        assert after is Verdict.KEEP_PROMPTING


@settings(max_examples=30, deadline=None)
@given(st.lists(cases, min_size=2, max_size=40))
def test_more_cases_like_those_seen_never_widen_an_interval_much(pilot: list[Case]) -> None:
    # Twice the cases, agreeing with the first ones (each seen again): the intervals should
    # narrow by about 1/sqrt(2); bootstrap noise may move them a little, never widen them much.
    once = verdict(results(pilot), resamples=2_000)
    twice = verdict(results(pilot + pilot), resamples=2_000)

    for small, large in zip(once.metrics, twice.metrics, strict=True):
        assert large.ci_high - large.ci_low <= 1.1 * (small.ci_high - small.ci_low) + 1e-9
