"""The pilot's verdict (framework step four): adopt the tuned model, keep prompting, or collect
more cases, computed from paired results.

`pilot_verdict(results, baseline=..., candidate=..., targets=..., fell_short=...)` compares the
candidate (the tuned model) with the baseline (the best prompt) on the same held-out cases, metric
by metric: the mean difference candidate - baseline (for pass/fail, the difference in pass rates)
with a paired bootstrap 95 % interval, and for pass/fail McNemar's exact test.

- Better: the interval lies entirely on the better side (and for pass/fail, p < 0.05).
- A regression: the interval lies entirely on the worse side (for pass/fail also p < 0.05), or
  the metric met its target with prompting and misses it with the candidate.
- Adopt only when the candidate is better on a metric prompting fell short on and nothing
  regressed; keep prompting when anything regressed, or when every metric prompting fell short
  on is settled as not better (its interval rules out a gain worth having, or the pilot reached
  the planning size); otherwise collect more cases, with an estimate of how many.

Pure Python, deterministic: the bootstrap runs on a fixed seed over the cases in sorted order, so
the same results give the same verdict whatever order the file lists them in.
"""

import math
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, TypedDict

from advisor.scoring.paired_stats import (
    BOOTSTRAP_RESAMPLES,
    BOOTSTRAP_SEED,
    CONFIDENCE,
    bootstrap_mean_intervals,
    cases_for_half_width,
    discordant_pairs_needed,
    mcnemar_exact_p,
    mean,
    spread,
)
from advisor.scoring.pilot_results import Direction, EvalResults, Metric, MetricKind

ALPHA: Final = 0.05  # McNemar's test must reach p < 0.05, matching the 95 % interval
MIN_CASES: Final = 30
"""Below 30 held-out cases a percentile bootstrap understates its own uncertainty, and one odd
case moves a pass rate by more than three points: no verdict but "collect more"."""
PLANNING_CASES: Final = 1_000
"""At a thousand held-out cases without a clear gain, a gain too small to show is too small to
pay for tuning: the question is settled. It also caps how many cases the estimate asks for."""
WORTHWHILE_PASS_RATE: Final = 0.05
"""A gain in pass rate worth tuning for: five points (less when that already reaches the
target). Smaller gains rarely pay for a tuned model's upkeep."""
WORTHWHILE_SHARE: Final = 0.05
"""The same for scores, latency and cost: 5 % of prompting's level (less if that reaches the
target)."""
MIN_MORE_CASES: Final = 10  # when the estimate says "enough" but the interval still straddles


class Verdict(StrEnum):
    ADOPT_FINE_TUNING = "adopt_fine_tuning"
    KEEP_PROMPTING = "keep_prompting"
    INCONCLUSIVE_COLLECT_MORE = "inconclusive_collect_more"


VERDICT_LABELS: Final = {
    Verdict.ADOPT_FINE_TUNING: "adopt the fine-tuned model",
    Verdict.KEEP_PROMPTING: "keep prompting",
    Verdict.INCONCLUSIVE_COLLECT_MORE: "not settled yet: collect more test cases",
}


class Comparison(StrEnum):
    AT_LEAST = ">="
    AT_MOST = "<="


@dataclass(frozen=True, slots=True)
class Target:
    """A level a metric must reach: `format_compliance >= 0.99`, `latency_ms <= 800`. It applies
    to the metric's mean over the cases (the pass rate, for pass/fail)."""

    metric: str
    comparison: Comparison
    value: float

    def met_by(self, level: float) -> bool:
        if self.comparison is Comparison.AT_LEAST:
            return level >= self.value
        return level <= self.value


_TARGET: Final = re.compile(r"\s*([^<>=\s]+)\s*(>=|<=)\s*(\S+)\s*")
_NUMBER: Final = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def parse_target(text: str) -> Target:
    """`METRIC>=VALUE` or `METRIC<=VALUE` as a `Target`; ValueError saying what is allowed."""
    match = _TARGET.fullmatch(text[:300])
    if not match or len(text) > 300 or not _NUMBER.fullmatch(match[3]):
        raise ValueError(
            f"{text[:60]!r} is not a target; write METRIC>=VALUE or METRIC<=VALUE, such as "
            "format_compliance>=0.99 or latency_ms<=800"
        )
    value = float(match[3])
    if not math.isfinite(value):
        raise ValueError(f"{text[:60]!r}: the target's value is not a finite number")
    return Target(metric=match[1], comparison=Comparison(match[2]), value=value)


class InvalidPilot(ValueError):
    """The comparison cannot be made as asked; `problems` lists (what, why) for each."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{what}: {why}" for what, why in self.problems))


@dataclass(frozen=True, slots=True)
class MetricComparison:
    """One metric, candidate against baseline over the same cases.

    Levels are means over the cases (pass rates for pass/fail); `difference` and the interval
    are candidate - baseline in the metric's unit (negative is better for latency and cost).
    `discordant` is, for pass/fail, (cases only the baseline passed, cases only the candidate
    passed). `worthwhile` is the smallest gain worth having, as a positive amount.
    """

    metric: Metric
    n_cases: int
    baseline: float
    candidate: float
    difference: float
    ci_low: float
    ci_high: float
    p_value: float | None
    discordant: tuple[int, int] | None
    spread: float
    target: Target | None
    fell_short: bool
    worthwhile: float

    @property
    def _sign(self) -> int:
        return 1 if self.metric.direction is Direction.HIGHER_IS_BETTER else -1

    @property
    def gain(self) -> float:
        """The difference with better as positive."""
        return self._sign * self.difference

    @property
    def gain_interval(self) -> tuple[float, float]:
        low, high = sorted((self._sign * self.ci_low, self._sign * self.ci_high))
        return low, high

    @property
    def _significant(self) -> bool:
        return self.p_value is None or self.p_value < ALPHA

    @property
    def better(self) -> bool:
        """Clearly better: the interval lies entirely on the better side (and p < 0.05)."""
        return self.gain_interval[0] > 0 and self._significant

    @property
    def worse(self) -> bool:
        """Clearly worse: the interval lies entirely on the worse side (and p < 0.05)."""
        return self.gain_interval[1] < 0 and self._significant

    @property
    def target_lost(self) -> bool:
        """Prompting met the target and the candidate misses it."""
        return (
            self.target is not None
            and self.target.met_by(self.baseline)
            and not self.target.met_by(self.candidate)
        )

    @property
    def regression(self) -> bool:
        return self.worse or self.target_lost

    @property
    def rules_out_worthwhile_gain(self) -> bool:
        """The interval excludes every gain worth having."""
        return self.gain_interval[1] < self.worthwhile

    def cases_to_settle(self) -> int:
        """About how many cases in all would settle this metric, if the observed difference and
        its spread held: enough for the interval's half-width to fall below the observed gain
        (showing it), or below the distance from it to a worthwhile gain (ruling that out),
        whichever is nearer. Normal approximation; for pass/fail the spread comes from the
        discordant rate. At least MIN_CASES, at most PLANNING_CASES."""
        half_width = max(self.gain, self.worthwhile - self.gain)  # at least worthwhile / 2
        needed = cases_for_half_width(self.spread, half_width) if self.spread else 0
        if self.discordant and self.gain > 0 and half_width == self.gain:  # McNemar must agree
            needed = max(needed, self._cases_for_mcnemar())
        return min(max(needed, MIN_CASES), PLANNING_CASES)

    def _cases_for_mcnemar(self) -> int:
        """Cases for McNemar's exact test to reach p < 0.05, if the discordant pairs kept their
        rate and split: the normal approximation is optimistic with a handful of pairs."""
        assert self.discordant is not None  # noqa: S101 (pass/fail only)
        baseline_only, candidate_only = self.discordant
        rate = (baseline_only + candidate_only) / self.n_cases
        pairs = discordant_pairs_needed(
            candidate_only / (baseline_only + candidate_only), most=int(rate * PLANNING_CASES)
        )
        return PLANNING_CASES if pairs is None else math.ceil(pairs / rate)


@dataclass(frozen=True, slots=True)
class PilotVerdict:
    verdict: Verdict
    baseline: str
    candidate: str
    n_cases: int
    metrics: tuple[MetricComparison, ...]
    reasons: tuple[str, ...]
    more_cases: int | None  # how many more cases would settle it, for "collect more"
    resamples: int
    seed: int

    def to_dict(self) -> "PilotVerdictDict":
        """The output contract as JSON-ready data."""
        return {
            "verdict": self.verdict.value,
            "n_cases": self.n_cases,
            "baseline_approach": self.baseline,
            "candidate_approach": self.candidate,
            "more_cases": self.more_cases,
            "metrics": [_metric_dict(comparison) for comparison in self.metrics],
            "reasons": list(self.reasons),
            "method": {"confidence": CONFIDENCE, "resamples": self.resamples, "seed": self.seed},
        }


# --- The output contract ---


class PilotTargetDict(TypedDict):
    comparison: str  # ">=" or "<="
    value: float


class PilotMetricDict(TypedDict):
    name: str
    label: str
    kind: str  # pass_fail, score, latency or cost
    direction: str  # higher_is_better or lower_is_better
    baseline: float  # the mean over the cases; a pass rate (0 to 1) for pass/fail
    candidate: float
    difference: float  # candidate - baseline
    ci_low: float  # the paired bootstrap 95 % interval of the difference
    ci_high: float
    p_value: float | None  # McNemar's exact test, for pass/fail metrics
    target: PilotTargetDict | None
    fell_short: bool  # prompting fell short on it: where the candidate must be better
    better: bool
    regression: bool


class PilotMethodDict(TypedDict):
    confidence: float
    resamples: int
    seed: int


class PilotVerdictDict(TypedDict):
    verdict: str  # adopt_fine_tuning, keep_prompting or inconclusive_collect_more
    n_cases: int
    baseline_approach: str
    candidate_approach: str
    more_cases: int | None
    metrics: list[PilotMetricDict]
    reasons: list[str]
    method: PilotMethodDict


def _metric_dict(comparison: MetricComparison) -> PilotMetricDict:
    target = comparison.target
    return {
        "name": comparison.metric.name,
        "label": comparison.metric.label,
        "kind": comparison.metric.kind.value,
        "direction": comparison.metric.direction.value,
        "baseline": comparison.baseline,
        "candidate": comparison.candidate,
        "difference": comparison.difference,
        "ci_low": comparison.ci_low,
        "ci_high": comparison.ci_high,
        "p_value": comparison.p_value,
        "target": (
            {"comparison": target.comparison.value, "value": target.value} if target else None
        ),
        "fell_short": comparison.fell_short,
        "better": comparison.better,
        "regression": comparison.regression,
    }


# --- Choosing the approaches ---


def default_roles(approaches: Sequence[str]) -> tuple[str, str] | None:
    """(baseline, candidate) when two approaches say which is which: the one labelled like a
    prompt is the baseline, else the one labelled like a tuned model is the candidate. None
    when it cannot be told: the caller must ask."""
    if len(approaches) != 2:
        return None
    first, second = approaches
    for looks_like, baseline_first in ((_prompt_like, True), (_tuned_like, False)):
        if looks_like(first) != looks_like(second):
            first_is_baseline = looks_like(first) == baseline_first
            return (first, second) if first_is_baseline else (second, first)
    return None


def _prompt_like(label: str) -> bool:
    return "prompt" in label.lower()


def _tuned_like(label: str) -> bool:
    """`tuned-lora`, `fine-tune v2`, `llama-8b-ft`, `ft:gpt-4.1-mini:acme`, `lora`."""
    lowered = label.lower()
    return "tune" in lowered or bool({"ft", "lora"} & set(re.split(r"[^a-z0-9]+", lowered)))


# --- The verdict ---


def pilot_verdict(
    results: EvalResults,
    *,
    baseline: str,
    candidate: str,
    targets: Sequence[Target] = (),
    fell_short: Collection[str] = (),
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> PilotVerdict:
    """Compare `candidate` with `baseline` on every metric and give the verdict.

    The metrics prompting fell short on are `fell_short` and those whose target the baseline
    misses; there must be at least one. Raises `InvalidPilot` naming each problem with the
    approaches, targets or metrics asked for.
    """
    if isinstance(fell_short, str):  # one metric's name, not a collection of its letters
        fell_short = [fell_short]
    targets_by_metric = _check_request(results, baseline, candidate, targets, fell_short)
    shortfalls = set(fell_short) | {
        name
        for name, target in targets_by_metric.items()
        if not target.met_by(mean(results.values(baseline, name)))
    }
    if not shortfalls:
        raise InvalidPilot(
            [
                (
                    "fell_short",
                    "say which metrics prompting fell short on, or give a target prompting "
                    "misses: the candidate must be better where prompting was not good enough",
                )
            ]
        )
    cases = sorted(results.case_ids)  # the file's order must not change the resamples
    comparisons = _compare(
        results, baseline, candidate, cases, targets_by_metric, shortfalls, resamples, seed
    )
    verdict, more = _decide(comparisons, len(cases))
    return PilotVerdict(
        verdict=verdict,
        baseline=baseline,
        candidate=candidate,
        n_cases=len(cases),
        metrics=comparisons,
        reasons=tuple(_reasons(verdict, comparisons, len(cases), more)),
        more_cases=more,
        resamples=resamples,
        seed=seed,
    )


def _check_request(
    results: EvalResults,
    baseline: str,
    candidate: str,
    targets: Sequence[Target],
    fell_short: Collection[str],
) -> dict[str, Target]:
    problems: list[tuple[str, str]] = []
    listed = ", ".join(results.approaches)
    for role, approach in (("baseline", baseline), ("candidate", candidate)):
        if approach not in results.results:
            problems.append((role, f"{approach!r} is not an approach in the results ({listed})"))
    if baseline == candidate:
        problems.append(("candidate", "is the baseline itself; compare two different approaches"))
    names = {metric.name: metric for metric in results.metrics}
    metric_list = ", ".join(names)
    for name in fell_short:
        if name not in names:
            problems.append(
                ("fell_short", f"{name!r} is not a metric in the results ({metric_list})")
            )
    by_metric: dict[str, Target] = {}
    for target in targets:
        problem = _target_problem(target, names.get(target.metric), metric_list)
        if target.metric in by_metric:
            problem = f"{target.metric!r} has two targets; give one"
        if problem:
            problems.append(("targets", problem))
        by_metric[target.metric] = target
    if problems:
        raise InvalidPilot(problems)
    return by_metric


def _target_problem(target: Target, metric: Metric | None, metric_list: str) -> str | None:
    if metric is None:
        return f"{target.metric!r} is not a metric in the results ({metric_list})"
    higher = metric.direction is Direction.HIGHER_IS_BETTER
    if higher != (target.comparison is Comparison.AT_LEAST):
        better, wanted = ("higher", ">=") if higher else ("lower", "<=")
        return f"{metric.name} is better {better}: write {metric.name}{wanted}VALUE"
    if metric.kind is MetricKind.PASS_FAIL and not 0 <= target.value <= 1:
        return f"{metric.name} is a pass rate from 0 to 1: write 0.99 for 99 %"
    if metric.kind in (MetricKind.LATENCY, MetricKind.COST) and target.value < 0:
        return f"{metric.name} cannot go below zero"
    return None


def _compare(
    results: EvalResults,
    baseline: str,
    candidate: str,
    cases: Sequence[str],
    targets: dict[str, Target],
    shortfalls: Collection[str],
    resamples: int,
    seed: int,
) -> tuple[MetricComparison, ...]:
    before = [results.values(baseline, metric.name, cases) for metric in results.metrics]
    after = [results.values(candidate, metric.name, cases) for metric in results.metrics]
    differences = [
        [new - old for old, new in zip(olds, news, strict=True)]
        for olds, news in zip(before, after, strict=True)
    ]
    intervals = bootstrap_mean_intervals(differences, resamples=resamples, seed=seed)
    comparisons = []
    for metric, olds, news, diffs, (low, high) in zip(
        results.metrics, before, after, differences, intervals, strict=True
    ):
        discordant = None
        p_value = None
        if metric.kind is MetricKind.PASS_FAIL:
            discordant = (diffs.count(-1.0), diffs.count(1.0))
            p_value = float(mcnemar_exact_p(*discordant))
        baseline_level, candidate_level = mean(olds), mean(news)
        # Sums of differences that cancel leave float noise (1e-17) where the answer is zero;
        # a bound that is noise must not count as "entirely on one side".
        tolerance = _TOLERANCE * (max(abs(baseline_level), abs(candidate_level)) or 1.0)
        target = targets.get(metric.name)
        comparisons.append(
            MetricComparison(
                metric=metric,
                n_cases=len(cases),
                baseline=baseline_level,
                candidate=candidate_level,
                difference=_snapped(candidate_level - baseline_level, tolerance),
                ci_low=_snapped(low, tolerance),
                ci_high=_snapped(high, tolerance),
                p_value=p_value,
                discordant=discordant,
                spread=spread(diffs),
                target=target,
                fell_short=metric.name in shortfalls,
                worthwhile=_worthwhile(metric, baseline_level, candidate_level, target),
            )
        )
    return tuple(comparisons)


_TOLERANCE: Final = 1e-9  # relative to the metric's level: far below any real difference


def _snapped(value: float, tolerance: float) -> float:
    return 0.0 if abs(value) <= tolerance else value


def _worthwhile(
    metric: Metric, baseline_level: float, candidate_level: float, target: Target | None
) -> float:
    """The smallest gain worth having: five points of pass rate, or 5 % of prompting's level;
    less when less already reaches a target prompting misses."""
    if metric.kind is MetricKind.PASS_FAIL:
        usual = WORTHWHILE_PASS_RATE
    else:
        scale = abs(baseline_level) or abs(candidate_level) or 1.0
        usual = WORTHWHILE_SHARE * scale
    if target is not None and not target.met_by(baseline_level):
        return min(usual, abs(target.value - baseline_level))
    return usual


def _decide(comparisons: Sequence[MetricComparison], n_cases: int) -> tuple[Verdict, int | None]:
    """The verdict, and how many more cases would settle it when it is not settled."""
    shortfalls = [c for c in comparisons if c.fell_short]
    if n_cases < MIN_CASES:
        needed = max(c.cases_to_settle() for c in shortfalls)
        return Verdict.INCONCLUSIVE_COLLECT_MORE, max(needed, MIN_CASES) - n_cases
    if any(c.regression for c in comparisons):
        return Verdict.KEEP_PROMPTING, None
    if any(c.better for c in shortfalls):
        return Verdict.ADOPT_FINE_TUNING, None
    unsettled = [c for c in shortfalls if not _settled(c, n_cases)]
    if not unsettled:
        return Verdict.KEEP_PROMPTING, None
    floor = max(MIN_MORE_CASES, math.ceil(n_cases / 10))
    more = max(max(c.cases_to_settle() for c in unsettled) - n_cases, floor)
    return Verdict.INCONCLUSIVE_COLLECT_MORE, more


def _settled(comparison: MetricComparison, n_cases: int) -> bool:
    """Settled as not better: no worthwhile gain fits the interval, or the pilot is as large as
    planned."""
    return comparison.rules_out_worthwhile_gain or n_cases >= PLANNING_CASES


# --- Reasons, in words a client can read ---


def _reasons(
    verdict: Verdict, comparisons: Sequence[MetricComparison], n_cases: int, more: int | None
) -> list[str]:
    shortfalls = [c for c in comparisons if c.fell_short]
    regressions = [c for c in comparisons if c.regression]
    cases = f"{n_cases:,} held-out {'case' if n_cases == 1 else 'cases'}"
    if verdict is Verdict.ADOPT_FINE_TUNING:
        reasons = [
            f"Adopt the fine-tuned model: on the same {cases} it is clearly better where "
            "prompting fell short, and nothing that worked got worse."
        ]
        reasons += [_better_reason(c) for c in shortfalls if c.better]
        reasons += [_shortfall_reason(c, n_cases) for c in shortfalls if not c.better]
        return reasons
    if verdict is Verdict.KEEP_PROMPTING:
        if regressions:
            worse = _join([c.metric.label for c in regressions])
            reasons = [
                f"Keep prompting: on the same {cases} the fine-tuned model is worse on {worse}."
            ]
            reasons += [_regression_reason(c) for c in regressions]
            reasons += [_better_reason(c) for c in shortfalls if c.better]
            return reasons
        return [
            f"Keep prompting: on {cases} the fine-tuned model is not better by enough to matter "
            "where prompting fell short."
        ] + [_shortfall_reason(c, n_cases) for c in shortfalls]
    total = n_cases + (more or 0)
    if n_cases < MIN_CASES:
        opening = (
            f"Not settled yet: {cases} are too few for a verdict (at least {MIN_CASES} are "
            f"needed); about {more:,} more ({total:,} in all) should settle it."
        )
    else:
        opening = (
            f"Not settled yet: on {cases} the difference where prompting fell short could still "
            f"go either way; about {more:,} more cases ({total:,} in all) should settle it."
        )
    reasons = [opening] + [_shortfall_reason(c, n_cases) for c in shortfalls]
    reasons += [_regression_reason(c) for c in regressions if not c.fell_short]
    return reasons


def _better_reason(c: MetricComparison) -> str:
    reason = (
        f"{_capital(c.metric.label)} is clearly better: {_level(c, c.candidate)} with the "
        f"fine-tuned model against {_level(c, c.baseline)} with prompting, "
        f"{_change(c)} ({_evidence(c)})."
    )
    return reason + _target_note(c)


def _regression_reason(c: MetricComparison) -> str:
    if c.worse:
        return (
            f"{_capital(c.metric.label)} got worse: {_level(c, c.candidate)} with the fine-tuned "
            f"model against {_level(c, c.baseline)} with prompting, {_change(c)} "
            f"({_evidence(c)})."
        )
    assert c.target is not None  # noqa: S101 (a target regression has a target)
    return (
        f"{_capital(c.metric.label)} met its target of {_target(c)} with prompting "
        f"({_level(c, c.baseline)}) but misses it with the fine-tuned model "
        f"({_level(c, c.candidate)})."
    )


def _shortfall_reason(c: MetricComparison, n_cases: int) -> str:
    """A metric prompting fell short on, where the candidate is not clearly better."""
    observed = (
        f"{_capital(c.metric.label)}, where prompting fell short: {_level(c, c.candidate)} with "
        f"the fine-tuned model against {_level(c, c.baseline)} with prompting, {_change(c)} "
        f"({_evidence(c)})"
    )
    if n_cases < MIN_CASES or c.better:
        return observed + "." + _target_note(c)
    if c.rules_out_worthwhile_gain:
        return f"{observed}; the interval rules out a gain of {_amount(c, c.worthwhile)} or more."
    if n_cases >= PLANNING_CASES:
        return (
            f"{observed}; at {n_cases:,} cases, a gain too small to show is too small to pay for "
            "tuning."
        )
    return f"{observed}; that is not yet enough to tell whether the gain is real."


def _target_note(c: MetricComparison) -> str:
    if c.target is None:
        return ""
    if c.target.met_by(c.candidate):
        return f" It meets the target of {_target(c)}."
    return f" It still misses the target of {_target(c)}."


def _evidence(c: MetricComparison) -> str:
    text = f"95 % interval {_interval(c)}"
    if c.p_value is not None:
        text += f"; McNemar p {'< 0.001' if c.p_value < 0.001 else f'= {c.p_value:.3f}'}"
    return text


def _change(c: MetricComparison) -> str:
    if c.difference == 0:
        return "no difference"
    return f"a difference of {_signed(c, c.difference)}"


def _target(c: MetricComparison) -> str:
    assert c.target is not None  # noqa: S101 (only called with a target)
    words = "at least" if c.target.comparison is Comparison.AT_LEAST else "at most"
    return f"{words} {_level(c, c.target.value)}"


def _level(c: MetricComparison, value: float) -> str:
    """A level in the metric's unit: 86.0 %, 812 ms, 0.0031, 0.9266."""
    kind = c.metric.kind
    if kind is MetricKind.PASS_FAIL:
        return f"{value * 100:.1f} %"
    if kind is MetricKind.LATENCY:
        return f"{value:,.0f} ms"
    return _number(value, _decimals(c))


def _signed(c: MetricComparison, value: float) -> str:
    """A difference in the metric's unit, with its sign: +12.5 points, -430 ms, -0.0019."""
    kind = c.metric.kind
    if kind is MetricKind.PASS_FAIL:
        return f"{value * 100:+.1f} points"
    if kind is MetricKind.LATENCY:
        return f"{value:+,.0f} ms"
    text = _number(value, _decimals(c))
    return text if text.startswith("-") or text == "0" else "+" + text


def _interval(c: MetricComparison) -> str:
    """The interval with its unit once: +8.5 to +16.5 points, -310 to -287 ms."""
    low, high = _signed(c, c.ci_low), _signed(c, c.ci_high)
    unit = {MetricKind.PASS_FAIL: " points", MetricKind.LATENCY: " ms"}.get(c.metric.kind, "")
    return f"{low.removesuffix(unit)} to {high}"


def _amount(c: MetricComparison, value: float) -> str:
    return _signed(c, value).lstrip("+")


def _decimals(c: MetricComparison) -> int:
    """Decimals for four significant digits of the metric's levels (0.9266, 0.0031, 1,240)."""
    scale = max(abs(c.baseline), abs(c.candidate))
    return max(0, 3 - math.floor(math.log10(scale))) if scale else 4


def _number(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "0") else text


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# --- A stored verdict, read back for people ---


class MetricTextsDict(TypedDict):
    """One metric of a stored verdict as a person reads it, in the metric's unit."""

    label: str
    kind: str
    baseline: str  # "86.5 %", "812 ms", "0.9266"
    candidate: str
    difference: str  # "+10.0 points", "-430 ms"
    interval: str  # "+6.0 to +14.0 points"
    p_value: str  # "< 0.001", "0.021", "" for metrics other than pass/fail
    target: str  # "at least 95.0 %", "" without a target
    fell_short: bool
    better: bool
    regression: bool


def metric_texts(metric: PilotMetricDict, *, n_cases: int) -> MetricTextsDict:
    """A metric of `PilotVerdict.to_dict()` in words and numbers, formatted as the reasons are."""
    c = _comparison_from_dict(metric, n_cases)
    p = metric["p_value"]
    return {
        "label": c.metric.label,
        "kind": c.metric.kind.value,
        "baseline": _level(c, c.baseline),
        "candidate": _level(c, c.candidate),
        "difference": _signed(c, c.difference),
        "interval": _interval(c),
        "p_value": "" if p is None else ("< 0.001" if p < 0.001 else f"{p:.3f}"),
        "target": _target(c) if c.target else "",
        "fell_short": metric["fell_short"],
        "better": metric["better"],
        "regression": metric["regression"],
    }


def _comparison_from_dict(metric: PilotMetricDict, n_cases: int) -> MetricComparison:
    target = metric["target"]
    return MetricComparison(
        metric=Metric(metric["name"], MetricKind(metric["kind"])),
        n_cases=n_cases,
        baseline=metric["baseline"],
        candidate=metric["candidate"],
        difference=metric["difference"],
        ci_low=metric["ci_low"],
        ci_high=metric["ci_high"],
        p_value=metric["p_value"],
        discordant=None,
        spread=0.0,
        target=Target(metric["name"], Comparison(target["comparison"]), target["value"])
        if target
        else None,
        fell_short=metric["fell_short"],
        worthwhile=0.0,
    )


# --- The verdict as text, for a person ---


def pilot_verdict_as_text(verdict: PilotVerdict) -> str:
    """The verdict, a table of the metrics and the reasons, as plain text."""
    lines = [
        f"Verdict: {VERDICT_LABELS[verdict.verdict]}",
        f"Compared on {verdict.n_cases:,} held-out cases: {verdict.candidate!r} (fine-tuned) "
        f"against {verdict.baseline!r} (prompting).",
        "",
    ]
    header = ("metric", "prompting", "fine-tuned", "difference", "95 % interval", "p", "target")
    table = [header]
    for c in verdict.metrics:
        marks = ("*" if c.fell_short else "") + ("!" if c.regression else "")
        table.append(
            (
                f"{c.metric.label} {marks}".rstrip(),
                _level(c, c.baseline),
                _level(c, c.candidate),
                _signed(c, c.difference),
                _interval(c),
                ""
                if c.p_value is None
                else ("<0.001" if c.p_value < 0.001 else f"{c.p_value:.3f}"),
                f"{c.target.comparison.value} {_level(c, c.target.value)}" if c.target else "",
            )
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines += [
        "  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in table
    ]
    lines += ["  * where prompting fell short   ! a regression", ""]
    lines += [f"- {reason}" for reason in verdict.reasons]
    lines += [
        "",
        f"Intervals: paired bootstrap over the cases, 95 %, {verdict.resamples:,} resamples, "
        f"seed {verdict.seed}. p: McNemar's exact test (pass/fail metrics).",
    ]
    return "\n".join(lines) + "\n"
