"""The pilot's verdict on paired results whose answer can be worked out by hand."""

import json
import random
from collections.abc import Sequence

import pytest

from advisor.scoring.evidence import (
    MIN_CASES,
    Comparison,
    InvalidPilot,
    MetricComparison,
    PilotVerdict,
    Target,
    Verdict,
    default_roles,
    parse_target,
    pilot_verdict,
    pilot_verdict_as_text,
)
from advisor.scoring.pilot_results import EvalResults
from advisor.scoring.results_file import results_from_records

Values = Sequence[float | bool]


def paired(**metrics: tuple[Values, Values]) -> EvalResults:
    """Results of "best-prompt" (the first values of each metric) and "tuned" (the second)."""
    records: list[dict[str, object]] = []
    for approach, side in (("best-prompt", 0), ("tuned", 1)):
        count = len(next(iter(metrics.values()))[side])
        for case in range(count):
            record: dict[str, object] = {"case_id": f"case-{case:04d}", "approach": approach}
            record |= {name: values[side][case] for name, values in metrics.items()}
            records.append(record)
    return results_from_records(records)


def passes(passed: int, total: int) -> list[bool]:
    return [True] * passed + [False] * (total - passed)


def verdict_of(results: EvalResults, **options: object) -> PilotVerdict:
    options.setdefault("fell_short", ["format_compliance"])
    return pilot_verdict(results, baseline="best-prompt", candidate="tuned", **options)  # type: ignore[arg-type]


def metric(verdict: PilotVerdict, name: str) -> MetricComparison:
    return next(c for c in verdict.metrics if c.metric.name == name)


# --- Verdicts ---


def test_a_clear_gain_where_prompting_fell_short_with_nothing_worse_adopts() -> None:
    # 60 cases: prompting passes 45, the tuned model those 45 and 13 more: 13 discordant pairs,
    # all one way, so McNemar's p = 2 / 2**13.
    results = paired(
        format_compliance=(passes(45, 60), passes(58, 60)),
        latency_ms=([800] * 60, [500] * 60),
    )
    verdict = verdict_of(results)

    assert verdict.verdict is Verdict.ADOPT_FINE_TUNING
    assert verdict.more_cases is None
    format_compliance = metric(verdict, "format_compliance")
    assert format_compliance.baseline == 0.75
    assert format_compliance.candidate == pytest.approx(58 / 60)
    assert format_compliance.difference == pytest.approx(13 / 60)
    assert format_compliance.discordant == (0, 13)
    assert format_compliance.p_value == 2 / 2**13
    assert 0 < format_compliance.ci_low < 13 / 60 < format_compliance.ci_high
    assert verdict.reasons[1] == (
        "Format compliance is clearly better: 96.7 % with the fine-tuned model against 75.0 % "
        "with prompting, a difference of +21.7 points (95 % interval "
        f"{format_compliance.ci_low * 100:+.1f} to {format_compliance.ci_high * 100:+.1f} "
        "points; McNemar p < 0.001)."
    )


def test_a_metric_clearly_worse_keeps_prompting_even_with_the_gain() -> None:
    # The totals: prompting gets all 60 right, the tuned model misses 12 of them.
    results = paired(
        format_compliance=(passes(45, 60), passes(58, 60)),
        exact_total=(passes(60, 60), passes(48, 60)),
    )
    verdict = verdict_of(results)

    assert verdict.verdict is Verdict.KEEP_PROMPTING
    exact_total = metric(verdict, "exact_total")
    assert exact_total.worse
    assert exact_total.regression
    assert exact_total.p_value == 2 / 2**12
    assert verdict.reasons[0] == (
        "Keep prompting: on the same 60 held-out cases the fine-tuned model is worse on exact "
        "total."
    )
    assert verdict.reasons[1].startswith(
        "Exact total got worse: 80.0 % with the fine-tuned model against 100.0 % with prompting, "
        "a difference of -20.0 points"
    )


def test_losing_a_target_prompting_met_is_a_regression_even_without_significance() -> None:
    # Safety: prompting passes 58 of 60 (96.7 %, target 95 %), the tuned model 56 (93.3 %). Four
    # discordant pairs split 3 to 1: McNemar's p = 2 * (1 + 4) / 16 = 0.625, nothing significant.
    baseline = passes(58, 60)
    candidate = [True] * 55 + [False, False, False] + [True, False]
    results = paired(
        format_compliance=(passes(45, 60), passes(58, 60)),
        safety=(baseline, candidate),
    )
    verdict = verdict_of(results, targets=[parse_target("safety>=0.95")])

    safety = metric(verdict, "safety")
    assert safety.discordant == (3, 1)
    assert safety.p_value == 0.625
    assert not safety.worse
    assert safety.target_lost
    assert safety.regression
    assert verdict.verdict is Verdict.KEEP_PROMPTING
    assert (
        "Safety met its target of at least 95.0 % with prompting (96.7 %) but misses it with the "
        "fine-tuned model (93.3 %)."
    ) in verdict.reasons


def test_no_difference_on_enough_cases_keeps_prompting() -> None:
    # 400 cases: 20 only the tuned model passes, 20 only prompting: the difference is 0 and the
    # interval about +-1.96 * sqrt(0.1 / 400) = +-3.1 points, ruling out a 5-point gain.
    baseline = passes(300, 400)
    candidate = passes(280, 300) + [True] * 20 + [False] * 80
    verdict = verdict_of(paired(format_compliance=(baseline, candidate)))

    format_compliance = metric(verdict, "format_compliance")
    assert format_compliance.difference == 0
    assert format_compliance.ci_high < 0.05
    assert verdict.verdict is Verdict.KEEP_PROMPTING
    assert verdict.reasons[1].endswith("the interval rules out a gain of 5.0 points or more.")


def test_identical_results_keep_prompting() -> None:
    values = passes(40, 60)
    verdict = verdict_of(paired(format_compliance=(values, values)))

    assert verdict.verdict is Verdict.KEEP_PROMPTING
    assert metric(verdict, "format_compliance").p_value == 1.0


def test_a_gain_too_small_to_show_at_the_planning_size_keeps_prompting() -> None:
    # A score of 0.5 under prompting; the tuned model scores 1 or 0, a little more often 1: a
    # gain of 0.005 with a spread of 0.5, an interval of about +-0.031 at 1,000 cases, which
    # neither shows the gain nor rules out a worthwhile 0.025 (5 % of 0.5).
    candidate = [1.0] * 505 + [0.0] * 495
    verdict = verdict_of(
        paired(answer_quality=([0.5] * 1000, candidate)), fell_short=["answer_quality"]
    )

    quality = metric(verdict, "answer_quality")
    assert quality.ci_low < 0 < quality.worthwhile < quality.ci_high
    assert verdict.verdict is Verdict.KEEP_PROMPTING
    assert verdict.reasons[1].endswith(
        "at 1,000 cases, a gain too small to show is too small to pay for tuning."
    )


def test_a_promising_but_unproven_gain_asks_for_more_cases() -> None:
    # 60 cases, 8 only the tuned model passes and 4 only prompting: +6.7 points, McNemar's
    # p = 2 * (1 + 12 + 66 + 220 + 495) / 4096 = 0.388. At this discordant rate (0.2) and split
    # (2 to 1), McNemar needs about 40 discordant pairs, about 200 cases: some 140 more.
    baseline = passes(40, 48) + [False] * 8 + [True] * 4
    candidate = [True] * 40 + [False] * 8 + [True] * 8 + [False] * 4
    verdict = verdict_of(paired(format_compliance=(baseline, candidate)))

    format_compliance = metric(verdict, "format_compliance")
    assert format_compliance.discordant == (4, 8)
    assert format_compliance.p_value == pytest.approx(1588 / 4096)
    assert verdict.verdict is Verdict.INCONCLUSIVE_COLLECT_MORE
    assert verdict.more_cases == format_compliance.cases_to_settle() - 60
    assert 120 <= verdict.more_cases <= 160
    assert verdict.reasons[0] == (
        "Not settled yet: on 60 held-out cases the difference where prompting fell short could "
        f"still go either way; about {verdict.more_cases} more cases "
        f"({verdict.more_cases + 60} in all) should settle it."
    )


def test_for_pass_fail_an_interval_above_zero_needs_mcnemar_to_agree() -> None:
    # 30 cases, 5 only the tuned model passes: resampled, the discordant count is Binomial(30,
    # 1/6), zero only 0.4 % of the time, so the interval starts above zero; but McNemar's
    # p = 2 / 2**5 = 0.0625. Six such pairs would do (p = 2 / 2**6): 36 cases, 6 more, at least
    # the ten a "collect more" asks for.
    verdict = verdict_of(paired(format_compliance=(passes(20, 30), passes(25, 30))))

    format_compliance = metric(verdict, "format_compliance")
    assert format_compliance.ci_low > 0
    assert format_compliance.p_value == 0.0625
    assert not format_compliance.better
    assert verdict.verdict is Verdict.INCONCLUSIVE_COLLECT_MORE
    assert verdict.more_cases == 10


def test_too_few_cases_are_never_a_verdict() -> None:
    # 12 cases, every one better with the tuned model: convincing-looking, but too few.
    verdict = verdict_of(paired(format_compliance=(passes(0, 12), passes(12, 12))))

    assert verdict.verdict is Verdict.INCONCLUSIVE_COLLECT_MORE
    assert verdict.more_cases == MIN_CASES - 12
    assert verdict.reasons[0] == (
        "Not settled yet: 12 held-out cases are too few for a verdict (at least 30 are needed); "
        "about 18 more (30 in all) should settle it."
    )


def test_a_target_prompting_misses_makes_the_metric_one_it_fell_short_on() -> None:
    results = paired(
        format_compliance=(passes(45, 60), passes(58, 60)),
        latency_ms=([800] * 60, [500] * 60),
    )
    verdict = verdict_of(results, fell_short=[], targets=[parse_target("format_compliance>=0.9")])

    assert metric(verdict, "format_compliance").fell_short
    assert not metric(verdict, "latency_ms").fell_short
    assert verdict.verdict is Verdict.ADOPT_FINE_TUNING
    assert verdict.reasons[1].endswith("It meets the target of at least 90.0 %.")


def test_lower_is_better_for_latency_and_cost() -> None:
    rng = random.Random(4)  # noqa: S311 (test data)
    slow = [round(rng.gauss(900, 50)) for _ in range(60)]
    results = paired(
        format_compliance=(passes(45, 60), passes(45, 60)),
        latency_ms=(slow, [value - 300 for value in slow]),
        cost=([0.001] * 60, [0.002] * 60),
    )
    verdict = verdict_of(results, fell_short=["latency_ms"])

    latency = metric(verdict, "latency_ms")
    assert latency.difference == pytest.approx(-300)
    assert latency.ci_high < 0
    assert latency.better
    assert latency.gain == pytest.approx(300)
    cost = metric(verdict, "cost")
    assert cost.worse  # twice the cost, on every case
    assert cost.regression
    assert verdict.verdict is Verdict.KEEP_PROMPTING
    # The file names no currency: the cost says what it is per, not in what.
    assert (latency.metric.label, cost.metric.label) == ("latency", "cost per case")
    assert "Cost per case got worse: 0.002 with the fine-tuned model" in " ".join(verdict.reasons)


# --- What the verdict needs to be asked ---


def test_a_verdict_needs_a_metric_prompting_fell_short_on() -> None:
    results = paired(format_compliance=(passes(45, 60), passes(58, 60)))
    with pytest.raises(InvalidPilot) as refused:
        verdict_of(results, fell_short=[], targets=[parse_target("format_compliance>=0.5")])
    assert refused.value.problems[0][0] == "fell_short"


def test_every_problem_with_the_request_is_named() -> None:
    results = paired(
        format_compliance=(passes(45, 60), passes(58, 60)),
        latency_ms=([800] * 60, [500] * 60),
    )
    with pytest.raises(InvalidPilot) as refused:
        pilot_verdict(
            results,
            baseline="prompt",
            candidate="prompt",
            fell_short=["accuracy"],
            targets=[
                parse_target("format_compliance>=99"),
                parse_target("latency_ms>=800"),
                parse_target("tone<=3"),
            ],
        )
    assert refused.value.problems == [
        ("baseline", "'prompt' is not an approach in the results (best-prompt, tuned)"),
        ("candidate", "'prompt' is not an approach in the results (best-prompt, tuned)"),
        ("candidate", "is the baseline itself; compare two different approaches"),
        ("fell_short", "'accuracy' is not a metric in the results (format_compliance, latency_ms)"),
        ("targets", "format_compliance is a pass rate from 0 to 1: write 0.99 for 99 %"),
        ("targets", "latency_ms is better lower: write latency_ms<=VALUE"),
        ("targets", "'tone' is not a metric in the results (format_compliance, latency_ms)"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("format_compliance>=0.99", Target("format_compliance", Comparison.AT_LEAST, 0.99)),
        (" latency_ms <= 800 ", Target("latency_ms", Comparison.AT_MOST, 800.0)),
        ("cost<=1e-3", Target("cost", Comparison.AT_MOST, 0.001)),
    ],
)
def test_a_target_reads_metric_comparison_and_value(text: str, expected: Target) -> None:
    assert parse_target(text) == expected


@pytest.mark.parametrize(
    "text", ["format_compliance", "format_compliance>0.9", "a>=nan", "a>=1e999", "a>=", "x" * 500]
)
def test_a_malformed_target_is_refused_with_an_example(text: str) -> None:
    with pytest.raises(ValueError, match=r"METRIC>=VALUE|finite"):
        parse_target(text)


@pytest.mark.parametrize(
    ("approaches", "expected"),
    [
        (("best-prompt", "tuned-lora"), ("best-prompt", "tuned-lora")),
        (("llama-8b-ft", "System prompt v3"), ("System prompt v3", "llama-8b-ft")),
        (("gpt-4.1-mini", "fine-tuned"), ("gpt-4.1-mini", "fine-tuned")),
        (("lora", "baseline"), ("baseline", "lora")),
        (("prompt-a", "prompt-b"), None),
        (("a", "b"), None),
        (("prompt", "tuned", "other"), None),
    ],
)
def test_two_approaches_are_told_apart_by_their_labels(
    approaches: tuple[str, ...], expected: tuple[str, str] | None
) -> None:
    assert default_roles(approaches) == expected


# --- Reproducible, fast, readable ---


def test_the_same_results_in_any_order_give_the_same_verdict() -> None:
    results = paired(
        format_compliance=(passes(45, 60), passes(50, 60)),
        accuracy=([0.8, 0.9, 0.7] * 20, [0.85, 0.8, 0.9] * 20),
    )
    records = results.to_rows()
    random.Random(1).shuffle(records)  # noqa: S311 (test data)
    shuffled = results_from_records(records)

    assert shuffled.case_ids != results.case_ids
    assert verdict_of(shuffled).to_dict() == verdict_of(results).to_dict()


def test_a_five_hundred_case_pilot_weighs_every_metric() -> None:
    # Its speed is measured by `make bench-pilot`, not here.
    rng = random.Random(9)  # noqa: S311 (test data)
    results = paired(
        format_compliance=(
            [rng.random() < 0.85 for _ in range(500)],
            [rng.random() < 0.97 for _ in range(500)],
        ),
        exact_total=(
            [rng.random() < 0.9 for _ in range(500)],
            [rng.random() < 0.9 for _ in range(500)],
        ),
        accuracy=([rng.random() for _ in range(500)], [rng.random() for _ in range(500)]),
        latency_ms=(
            [rng.gauss(800, 90) for _ in range(500)],
            [rng.gauss(500, 60) for _ in range(500)],
        ),
        cost=([0.003] * 500, [0.0012] * 500),
    )
    verdict = verdict_of(results)
    assert verdict.n_cases == 500
    assert {compared.metric.name for compared in verdict.metrics} == {
        "format_compliance",
        "exact_total",
        "accuracy",
        "latency_ms",
        "cost",
    }


def test_reasons_are_plain_sentences_with_numbers_and_no_identifiers() -> None:
    results = paired(
        format_compliance=(passes(45, 60), passes(58, 60)),
        exact_total=(passes(60, 60), passes(48, 60)),
        latency_ms=([800] * 60, [500] * 60),
    )
    for options in ({}, {"targets": [parse_target("latency_ms<=400")]}):
        for reason in verdict_of(results, **options).reasons:
            assert reason[0].isupper()
            assert reason.endswith(".")
            assert any(char.isdigit() for char in reason)
            assert "_" not in reason
            assert "tuned" not in reason.replace("fine-tuned", "")


def test_the_verdict_as_json_follows_the_contract() -> None:
    results = paired(
        format_compliance=(passes(45, 60), passes(58, 60)),
        latency_ms=([800] * 60, [500] * 60),
    )
    data = json.loads(
        json.dumps(verdict_of(results, targets=[parse_target("latency_ms<=900")]).to_dict())
    )

    assert set(data) == {
        "verdict",
        "n_cases",
        "baseline_approach",
        "candidate_approach",
        "more_cases",
        "metrics",
        "reasons",
        "method",
    }
    assert data["verdict"] == "adopt_fine_tuning"
    assert data["n_cases"] == 60
    assert data["method"] == {"confidence": 0.95, "resamples": 2000, "seed": 20261113}
    latency = data["metrics"][1]
    assert set(latency) >= {
        "name",
        "kind",
        "baseline",
        "candidate",
        "difference",
        "ci_low",
        "ci_high",
        "p_value",
        "target",
        "regression",
    }
    assert latency["kind"] == "latency"
    assert latency["direction"] == "lower_is_better"
    assert latency["difference"] == -300
    assert latency["p_value"] is None
    assert latency["target"] == {"comparison": "<=", "value": 900}


def test_the_verdict_as_text_has_the_table_and_the_reasons() -> None:
    results = paired(
        format_compliance=(passes(45, 60), passes(58, 60)),
        latency_ms=([800] * 60, [500] * 60),
    )
    text = pilot_verdict_as_text(verdict_of(results))

    assert text.startswith("Verdict: adopt the fine-tuned model\n")
    assert "Compared on 60 held-out cases: 'tuned' (fine-tuned) against 'best-prompt'" in text
    assert "  format compliance *  75.0 %" in text
    assert "  latency              800 ms     500 ms      -300 ms" in text
    assert "- Adopt the fine-tuned model: on the same 60 held-out cases" in text
