"""The factors: each rule raises one reason, with its weights beside the code that raises it.

A rule is one edit: a function decorated with `@rule(code, weights)` whose docstring says why
the weights are what they are, and whose body returns the sentence a client reads (or None when
the rule does not apply). Rules that weigh differently case by case return a `Finding` with
their own weights. Factors are reported in the order the rules are defined here.

Change a weight, threshold or sentence and you must bump RULESET_VERSION (in rules.py).
"""

import inspect
import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from advisor.scoring.answers import (
    TRAFFIC_ANSWERS,
    Answers,
    BaseModelStability,
    ChangeFrequency,
    DataCoverage,
    DomainSpecificity,
    ExternalKnowledge,
    Gap,
    OutputFormat,
    PromptingStatus,
    ReliabilityRequirement,
    StyleConsistency,
    TaskType,
    TunedModelScope,
    VendorLockInConcern,
)
from advisor.scoring.contract import FactorDict
from advisor.scoring.labels import APPROACH_LABELS, choice_label
from advisor.scoring.outcomes import PROMPTING_APPROACHES, Approach
from advisor.scoring.stages import PAYBACK_WINDOW_MONTHS, tuning_pays_back
from advisor.scoring.tco import ApproachCost, break_even_month
from advisor.scoring.thresholds import (
    ADAPTER_TRAINING_EXAMPLES,
    FEW_SHOT_EXAMPLES,
    FULL_FINE_TUNE_EXAMPLES,
    LIMITED_LAUNCH_WEEKS,
    LONG_PROMPT_TOKENS,
    MIN_TUNING_EXAMPLES,
    PREFERRED_TUNING_EXAMPLES,
    SHORT_LAUNCH_WEEKS,
    TIGHT_LATENCY_MS,
)
from advisor.scoring.wording import as_assumed, count, listing, money

# Short names keep the weight tables readable.
Z, F, S, R = Approach.ZERO_SHOT, Approach.FEW_SHOT, Approach.SYSTEM_PROMPT, Approach.RAG
A, T = Approach.ADAPTER, Approach.FULL_FINE_TUNE

type Weights = Mapping[Approach, int]
type Costs = Mapping[Approach, ApproachCost]


@dataclass(frozen=True, slots=True)
class Factor:
    """One reason that moved the result: its weights per approach and a sentence for clients."""

    code: str
    weights: tuple[tuple[Approach, int], ...]
    text: str

    @property
    def raises(self) -> tuple[Approach, ...]:
        """The approaches this reason pushed up."""
        return tuple(approach for approach, weight in self.weights if weight > 0)

    @property
    def lowers(self) -> tuple[Approach, ...]:
        """The approaches this reason pushed down."""
        return tuple(approach for approach, weight in self.weights if weight < 0)

    def to_dict(self) -> FactorDict:
        """Return JSON-ready data."""
        return {
            "code": self.code,
            "raises": [str(approach) for approach in self.raises],
            "lowers": [str(approach) for approach in self.lowers],
            "weights": {str(approach): weight for approach, weight in self.weights},
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule found when its weights depend on the answers."""

    text: str
    weights: Weights


type RuleBody = Callable[[Answers, Costs], str | Finding | None]


@dataclass(frozen=True, slots=True)
class Rule:
    """One registered rule: its stable code, its usual weights and why."""

    code: str
    weights: Weights
    reason: str
    body: RuleBody
    states: tuple[str, ...]  # the answers its sentence states, to say when they were assumed

    def apply(self, answers: Answers, costs: Costs) -> Factor | None:
        """The factor this rule raises for these answers, if any."""
        found = self.body(answers, costs)
        if found is None:
            return None
        if isinstance(found, str):
            text, weights = found, self.weights
        else:
            text, weights = found.text, found.weights
        if set(self.states) & set(answers.unknown):
            text = as_assumed(text)
        # Weights in spectrum order, zeros dropped, so equal factors serialize identically.
        ordered = tuple((p, weights[p]) for p in Approach if weights.get(p))
        return Factor(self.code, ordered, text)


RULES: Final[list[Rule]] = []
"""Every rule, in the order their factors are reported."""


def rule(
    code: str, weights: Weights | None = None, *, states: tuple[str, ...] = ()
) -> Callable[[RuleBody], Rule]:
    """Register the decorated function as the rule raising factor `code`; `states` names the
    answers its sentence states as facts (said to be assumed when nobody knew them)."""

    def register(body: RuleBody) -> Rule:
        if any(existing.code == code for existing in RULES):  # pragma: no cover - a typo
            raise ValueError(f"two rules raise {code}")
        registered = Rule(code, weights or {}, inspect.getdoc(body) or "", body, states)
        RULES.append(registered)
        return registered

    return register


def factors(answers: Answers, costs: Costs) -> tuple[Factor, ...]:
    """Every factor the rules raise for these answers, in rule order."""
    return tuple(f for r in RULES if (f := r.apply(answers, costs)) is not None)


def _falls_short(answers: Answers) -> bool:
    return answers.prompting_status is PromptingStatus.FALLS_SHORT


# --- Step 1 of the framework: where prompting stands ------------------------------------------


@rule("prompting_not_tried", {A: -30, T: -40})
def _prompting_not_tried(answers: Answers, _: Costs) -> str | None:
    """Nothing is tuned before the best prompt has been built and evaluated."""
    if answers.prompting_status is not PromptingStatus.NOT_TRIED:
        return None
    return (
        "Prompting has not been tried yet. The first step is the best prompt solution, "
        "evaluated against the quality bar; fine-tuning comes up only if it falls short."
    )


@rule("prompting_meets_bar", {A: -30, T: -40})
def _prompting_meets_bar(answers: Answers, _: Costs) -> str | None:
    """A prompt that meets the bar leaves nothing for training to win."""
    if answers.prompting_status is not PromptingStatus.MEETS_BAR:
        return None
    return (
        "The prompt solution already meets the quality bar, so training a model would "
        "add cost and upkeep without a quality gain."
    )


@rule("prompting_falls_short", {Z: -15, F: -10, S: -5, R: -5})
def _prompting_falls_short(answers: Answers, _: Costs) -> str | None:
    """The simplest prompts are the likeliest to be what fell short."""
    if not _falls_short(answers):
        return None
    return (
        "The prompt solution was tried and falls short of the quality bar; the kind of "
        "gap decides the remedy."
    )


# --- Step 2: the kind of gap decides the remedy -----------------------------------------------


@rule("gap_not_diagnosed", {S: 10})
def _gap_not_diagnosed(answers: Answers, _: Costs) -> str | None:
    """Without a diagnosis the cheapest move is to work on the prompt and find the gap."""
    if not _falls_short(answers) or answers.gaps:
        return None
    return (
        "Why prompting falls short is not known yet. Compare its outputs with the expected "
        "ones to find the gap before spending on a remedy."
    )


@rule("gap_knowledge", {R: 40, A: -5, T: -5})
def _gap_knowledge(answers: Answers, _: Costs) -> str | None:
    """Missing knowledge is retrieval's job, not training's; evidence beats a forecast."""
    if not _falls_short(answers) or Gap.KNOWLEDGE not in answers.gaps:
        return None
    return (
        "The model lacks knowledge of the client's domain. Retrieval supplies those facts "
        "with each request; training them into a model would freeze them."
    )


@rule("gap_skill", {A: 25, T: 25})
def _gap_skill(answers: Answers, _: Costs) -> str | None:
    """Knowledge present but skill missing is what tuning on examples fixes."""
    if not _falls_short(answers) or Gap.SKILL not in answers.gaps:
        return None
    return (
        "The model has the facts but not the skill to apply them. That is the gap "
        "fine-tuning on good examples closes."
    )


@rule("gap_ambiguous_instructions", {F: 10, S: 20})
def _gap_ambiguous_instructions(answers: Answers, _: Costs) -> str | None:
    """Inconsistency from ambiguous instructions is fixed in the prompt."""
    if not _falls_short(answers) or Gap.AMBIGUOUS_INSTRUCTIONS not in answers.gaps:
        return None
    return (
        "Results vary because the instructions are ambiguous. Clearer instructions fix "
        "that for the cost of an edit."
    )


@rule("gap_model_variability", {A: 20, T: 20})
def _gap_model_variability(answers: Answers, _: Costs) -> str | None:
    """Inconsistency that survives clear instructions is what tuning steadies."""
    if not _falls_short(answers) or Gap.MODEL_VARIABILITY not in answers.gaps:
        return None
    return (
        "Results vary even with clear instructions. Training on consistent examples "
        "steadies behaviour more than instructions can."
    )


@rule("gap_format", {F: 5, S: 10})
def _gap_format(answers: Answers, _: Costs) -> str | None:
    """Format problems go to structured-output features first."""
    if not _falls_short(answers) or Gap.FORMAT not in answers.gaps:
        return None
    if answers.structured_output_tried:
        return None
    return (
        "Outputs break the required format. Structured-output features, where the provider "
        "enforces a schema, fix most of this without any training."
    )


@rule("gap_format_after_structured_output", {A: 20, T: 20})
def _gap_format_after_structured_output(answers: Answers, _: Costs) -> str | None:
    """Format problems that survive structured output call for training on good outputs."""
    if not _falls_short(answers) or Gap.FORMAT not in answers.gaps:
        return None
    if not answers.structured_output_tried:
        return None
    return (
        "Outputs break the format even with structured output. Training on well-formatted "
        "examples is the next remedy."
    )


def _amount(costs: Costs, amount: float) -> str:
    """An amount in the costs' currency, as a sentence writes it."""
    return money(amount, costs[A].currency.code)


def _cheapest_prompting(costs: Costs) -> Approach:
    return min(PROMPTING_APPROACHES, key=lambda p: (costs[p].monthly, list(Approach).index(p)))


@rule("gap_cost", states=TRAFFIC_ANSWERS)
def _gap_cost(answers: Answers, costs: Costs) -> Finding | None:
    """Cost from a long prompt falls when a tuned model drops it, if that pays back; otherwise
    the prompt's own levers (a cheaper model, caching, a shorter prompt) come first."""
    if not _falls_short(answers) or Gap.COST not in answers.gaps:
        return None
    adapter, cheapest = costs[A], _cheapest_prompting(costs)
    running = (
        f"costs {_amount(costs, adapter.monthly)} a month to run against "
        f"{_amount(costs, costs[cheapest].monthly)} for {APPROACH_LABELS[cheapest].lower()}"
    )
    month = tuning_pays_back(costs)
    if answers.prompt_tokens >= LONG_PROMPT_TOKENS and month is not None:
        return Finding(
            f"Each request costs too much. An adapter {running}, and it has cost less in total "
            f"by month {month}.",
            {A: 20, T: 15},
        )
    if month is None:
        return Finding(
            f"Each request costs too much, but tuning would not pay back here: an adapter "
            f"{running}.",
            {Z: 5, F: 5, S: 5, A: -10, T: -10},
        )
    return Finding(
        f"Each request costs too much. An adapter {running} and has cost less in total by "
        f"month {month}, but with a fixed prompt of only {answers.prompt_tokens:,} tokens the "
        "saving comes from where the model runs, not from tuning: price the prompt on a "
        "small model served the same way before training one.",
        {Z: 5, F: 5, S: 5, A: -10, T: -10},
    )


@rule("gap_latency", states=("prompt_tokens",))
def _gap_latency(answers: Answers, _: Costs) -> Finding | None:
    """Latency from a long prompt falls when the prompt goes (retrieval adds a hop); with a
    short prompt, tuning changes little and serving is the lever."""
    if not _falls_short(answers) or Gap.LATENCY not in answers.gaps:
        return None
    prompt = answers.prompt_tokens
    if prompt >= LONG_PROMPT_TOKENS:
        return Finding(
            f"Responses are too slow. A tuned model can drop most of the {prompt:,}-token "
            "fixed prompt, which cuts the time of every request.",
            {R: -10, A: 20, T: 20},
        )
    return Finding(
        f"Responses are too slow, but the fixed prompt is only {prompt:,} tokens, so a tuned "
        "model would hardly be faster. A faster model, streaming the answer or shorter "
        "outputs are the levers.",
        {R: -10, A: -5, T: -5},
    )


# --- The task ---------------------------------------------------------------------------------


@rule("changing_knowledge", {Z: -10, F: -5, R: 50, A: -10, T: -15})
def _changing_knowledge(answers: Answers, _: Costs) -> str | None:
    """Facts that change belong in an index the prompt reads, not in frozen weights."""
    if answers.needs_external_knowledge is not ExternalKnowledge.CHANGING:
        return None
    return (
        "Answers depend on facts from the client's documents that keep changing. "
        "Retrieval looks them up on every request; a tuned model would be out of date."
    )


@rule("stable_knowledge", {Z: -5, F: -5, R: 40})
def _stable_knowledge(answers: Answers, _: Costs) -> str | None:
    """Stable facts still come more cheaply, and citably, from retrieval than from training."""
    if answers.needs_external_knowledge is not ExternalKnowledge.STABLE:
        return None
    return (
        "Answers depend on facts from the client's documents. Retrieval puts them in "
        "the prompt without any training, and the sources can be cited."
    )


@rule("no_external_knowledge", {R: -20})
def _no_external_knowledge(answers: Answers, _: Costs) -> str | None:
    """With nothing to look up, retrieval is cost and latency for no gain."""
    if answers.needs_external_knowledge is not ExternalKnowledge.NONE:
        return None
    # A diagnosed knowledge gap outweighs the earlier answer that no facts were needed.
    if Gap.KNOWLEDGE in answers.gaps:
        return None
    return (
        "The task needs no facts from the client's documents, so retrieval would add "
        "cost and delay for nothing."
    )


_TASKS_MODELS_DO_WELL: Final = frozenset(
    {
        TaskType.CLASSIFICATION,
        TaskType.EXTRACTION,
        TaskType.SUMMARIZATION,
        TaskType.QUESTION_ANSWERING,
        TaskType.CODE,
        TaskType.CONVERSATION,
        TaskType.CONTENT_GENERATION,
    }
)
_STRUCTURED_TASKS: Final = frozenset({TaskType.CLASSIFICATION, TaskType.EXTRACTION})


def _task(answers: Answers) -> str:
    return choice_label("task_type", answers.task_type).lower()


@rule("base_model_knows_task", {Z: 10})
def _base_model_knows_task(answers: Answers, _: Costs) -> str | None:
    """Tasks current models already do well need steering, not teaching."""
    if answers.task_type not in _TASKS_MODELS_DO_WELL:
        return None
    if answers.domain_specificity is not DomainSpecificity.GENERAL:
        return None
    return (
        f"Current models already handle {_task(answers)} well in a general domain; only how "
        "they do it needs steering."
    )


# Worked examples lift few-shot prompting a little more with each one, up to a dozen or so:
# the weights grow smoothly rather than all at once at the third.
FULL_FEW_SHOT_EXAMPLES: Final = 15


def _few_shot_share(n: int) -> float:
    return min(n, FULL_FEW_SHOT_EXAMPLES) / FULL_FEW_SHOT_EXAMPLES


@rule("structured_task")
def _structured_task(answers: Answers, _: Costs) -> Finding | None:
    """Classification and extraction gain most from a few worked examples (up to 15 points)."""
    n = answers.example_count
    if answers.task_type not in _STRUCTURED_TASKS or n == 0:
        return None
    return Finding(
        f"{_task(answers).capitalize()} gains a lot from a few worked examples in the prompt, "
        "for a small extra cost per request.",
        {F: round(15 * _few_shot_share(n))},
    )


@rule("examples_for_prompt")
def _examples_for_prompt(answers: Answers, _: Costs) -> Finding | None:
    """A few examples can always be shown in the prompt (from -10 with none to +5)."""
    n = answers.example_count
    if n < FEW_SHOT_EXAMPLES:
        return None
    return Finding(
        "The best of your examples can go straight into the prompt to show the model "
        "what good output looks like.",
        {F: round(-10 + 15 * _few_shot_share(n))},
    )


@rule("no_examples")
def _no_examples(answers: Answers, _: Costs) -> Finding | None:
    """Few-shot prompting has little to show with no examples or a couple (-10 with none)."""
    n = answers.example_count
    if n >= FEW_SHOT_EXAMPLES:
        return None
    return Finding(
        f"With {count(n, 'good example')}, few-shot prompting has little to show the model yet.",
        {F: round(-10 + 15 * _few_shot_share(n))},
    )


@rule("specialized_domain", {Z: -5, S: 5, A: 5, T: 5})
def _specialized_domain(answers: Answers, _: Costs) -> str | None:
    """Specialised terminology must at least be spelled out in the prompt."""
    if answers.domain_specificity is not DomainSpecificity.SPECIALIZED:
        return None
    return (
        "The domain is specialised: its terms and conventions need spelling out, in "
        "the prompt first."
    )


@rule("niche_domain", {Z: -15, F: -5, S: 5, R: 5, A: 10, T: 10})
def _niche_domain(answers: Answers, _: Costs) -> str | None:
    """A niche domain may need skills the base model lacks: where tuning can earn its keep."""
    if answers.domain_specificity is not DomainSpecificity.NICHE:
        return None
    return (
        "The domain is niche, so the base model may lack its skills and terminology. "
        "That is where tuning can pay off, once prompting has been tried."
    )


@rule("high_style_consistency", {Z: -10, F: 5, S: 15, R: 5, A: 10, T: 10})
def _high_style_consistency(answers: Answers, _: Costs) -> str | None:
    """One voice every time: guidelines and examples first; tuning can lock a voice in later."""
    if answers.style_consistency is not StyleConsistency.HIGH:
        return None
    return (
        "Every output must keep one voice. A system prompt with guidelines and sample "
        "outputs gets most of the way; a tuned voice must be retrained when it changes."
    )


@rule("medium_style_consistency", {Z: -3, S: 5})
def _medium_style_consistency(answers: Answers, _: Costs) -> str | None:
    """Some consistency is what a system prompt is for."""
    if answers.style_consistency is not StyleConsistency.MEDIUM:
        return None
    return "Outputs should sound alike, which guidelines in a system prompt handle."


@rule("strict_schema", {Z: -10, F: 10, S: 5, A: 8, T: 8})
def _strict_schema(answers: Answers, _: Costs) -> str | None:
    """A strict schema wants worked examples and structured output; tuning for what they miss."""
    if answers.output_format is not OutputFormat.STRICT_SCHEMA:
        return None
    return (
        "Outputs must follow a strict schema. Worked examples and structured-output "
        "features handle most schemas; tuning is for formats they cannot enforce."
    )


@rule("light_structure", {F: 5})
def _light_structure(answers: Answers, _: Costs) -> str | None:
    """Light structure is easy to show with an example or two."""
    if answers.output_format is not OutputFormat.LIGHT_STRUCTURE:
        return None
    return "Outputs need a light structure, which an example or two in the prompt shows."


@rule("critical_reliability", {Z: -15, S: 10, R: 5, A: 8, T: 8})
def _critical_reliability(answers: Answers, _: Costs) -> str | None:
    """Behaviour that must always hold needs explicit constraints, maybe later training."""
    if answers.reliability_requirement is not ReliabilityRequirement.CRITICAL:
        return None
    return (
        "Some behaviours must hold every time. Prompts are not perfectly consistent, "
        "so this needs explicit constraints, rigorous evaluation and maybe, later, "
        "tuning."
    )


@rule("high_reliability", {Z: -8, S: 5})
def _high_reliability(answers: Answers, _: Costs) -> str | None:
    """High reliability needs explicit constraints that bare instructions lack."""
    if answers.reliability_requirement is not ReliabilityRequirement.HIGH:
        return None
    return (
        "Results must be reliable, which takes explicit constraints in a system prompt "
        "rather than bare instructions."
    )


# --- Step 3: the data -------------------------------------------------------------------------

# What the number of good examples does to the tuned approaches' fit, at a few counts, and
# smoothly in between (on a log scale): one more example never moves a score by much. The
# framework's 100 and 500 still decide the stage and the words; they no longer make scores jump.
_EXAMPLE_CURVE: Final = (
    (30, {A: -25, T: -35}),  # a few dozen: examples belong in the prompt
    (MIN_TUNING_EXAMPLES, {A: -10, T: -25}),  # the minimum an adapter can learn from
    (PREFERRED_TUNING_EXAMPLES, {A: 10, T: -5}),  # dependable for an adapter
    (ADAPTER_TRAINING_EXAMPLES, {A: 15, T: 5}),
    (FULL_FINE_TUNE_EXAMPLES, {A: 15, T: 15}),  # enough even to train every weight
)


def example_weights(n: int) -> dict[Approach, int]:
    """The tuned approaches' weights for `n` good examples, interpolated along the curve."""
    x = math.log10(max(n, 1))
    points = [(math.log10(count), weights) for count, weights in _EXAMPLE_CURVE]
    if x <= points[0][0]:
        return dict(points[0][1])
    for (x0, w0), (x1, w1) in itertools.pairwise(points):
        if x <= x1:
            share = (x - x0) / (x1 - x0)
            return {p: round(w0[p] + (w1[p] - w0[p]) * share) for p in (A, T)}
    return dict(points[-1][1])


def _examples(answers: Answers) -> Finding:
    return Finding(_example_text(answers.example_count), example_weights(answers.example_count))


def _example_text(n: int) -> str:
    if n < MIN_TUNING_EXAMPLES:
        return (
            f"With {count(n, 'good example')}, the best of them work better inside the prompt "
            "than as training data."
        )
    if n < PREFERRED_TUNING_EXAMPLES:
        near = " (just above the minimum)" if n < MIN_TUNING_EXAMPLES * 1.2 else ""
        return (
            f"You have {n:,} good examples{near}: enough to try an adapter, but 500 to 1,000 "
            "would make fine-tuning dependable."
        )
    if n < FULL_FINE_TUNE_EXAMPLES:
        return (
            f"You have {n:,} good examples, enough for dependable adapter fine-tuning; full "
            f"fine-tuning would want {FULL_FINE_TUNE_EXAMPLES:,} or more."
        )
    return f"You have {n:,} good examples, enough even for full fine-tuning."


@rule("too_few_examples")
def _too_few_examples(answers: Answers, _: Costs) -> Finding | None:
    """Under 100 examples, tuning is not on the table."""
    return _examples(answers) if answers.example_count < MIN_TUNING_EXAMPLES else None


@rule("examples_below_preferred")
def _examples_below_preferred(answers: Answers, _: Costs) -> Finding | None:
    """Enough to try an adapter; not yet the 500 to 1,000 that make it dependable."""
    n = answers.example_count
    return _examples(answers) if MIN_TUNING_EXAMPLES <= n < PREFERRED_TUNING_EXAMPLES else None


@rule("enough_examples")
def _enough_examples(answers: Answers, _: Costs) -> Finding | None:
    """The preferred amount for an adapter; full tuning wants more."""
    n = answers.example_count
    return _examples(answers) if PREFERRED_TUNING_EXAMPLES <= n < FULL_FINE_TUNE_EXAMPLES else None


@rule("thousands_of_examples")
def _thousands_of_examples(answers: Answers, _: Costs) -> Finding | None:
    """Thousands of examples are enough even for full tuning."""
    return _examples(answers) if answers.example_count >= FULL_FINE_TUNE_EXAMPLES else None


@rule("coverage_unknown", {A: -10, T: -10})
def _coverage_unknown(answers: Answers, _: Costs) -> str | None:
    """A model tuned without knowing what the data covers may fail on what it never saw."""
    if answers.data_coverage is not DataCoverage.UNKNOWN:
        return None
    return (
        "Nobody knows yet whether the examples cover the full range of real inputs. "
        "Until someone checks, a tuned model may fail on the cases it never saw."
    )


@rule("coverage_common_cases", {A: -10, T: -15})
def _coverage_common_cases(answers: Answers, _: Costs) -> str | None:
    """Tuning on the common cases only gives a model brittle on edge cases."""
    if answers.data_coverage is not DataCoverage.COMMON_CASES:
        return None
    return (
        "The examples cover the common cases only; a model tuned on them would be "
        "brittle on edge cases."
    )


@rule("coverage_full_range", {A: 5, T: 5})
def _coverage_full_range(answers: Answers, _: Costs) -> str | None:
    """Representative data is a prerequisite met."""
    if answers.data_coverage is not DataCoverage.FULL_RANGE:
        return None
    return "The examples cover the full range of real inputs, edge cases included."


@rule("no_source_of_examples")
def _no_source_of_examples(answers: Answers, _: Costs) -> Finding | None:
    """With no source of more examples, the data gap will not close: it matters less, smoothly,
    as the examples approach the 500 an adapter needs."""
    n = answers.example_count
    if answers.example_sources or n >= PREFERRED_TUNING_EXAMPLES:
        return None
    low, high = math.log10(MIN_TUNING_EXAMPLES), math.log10(PREFERRED_TUNING_EXAMPLES)
    share = min(1.0, max(0.0, (high - math.log10(max(n, 1))) / (high - low)))
    weight = -round(5 * share)
    return Finding(
        "There is no way to get more examples (client records, writing them by hand or "
        "generating them), so the data will not grow.",
        {A: weight, T: weight},
    )


# --- Change: every change is a prompt edit on one side, a retraining cycle on the other -------

# Weekly and monthly changes are one rule; the weights grow with the pace.
_FREQUENT_CHANGE_WEIGHTS: Final[Mapping[ChangeFrequency, Weights]] = {
    ChangeFrequency.WEEKLY: {Z: 5, S: 10, R: 5, A: -20, T: -30},
    ChangeFrequency.MONTHLY: {Z: 5, S: 10, R: 5, A: -15, T: -25},
}


@rule("frequent_changes", states=("change_frequency",))
def _frequent_changes(answers: Answers, _: Costs) -> Finding | None:
    """Weekly or monthly changes mean a retraining cycle that often for a tuned model."""
    weights = _FREQUENT_CHANGE_WEIGHTS.get(answers.change_frequency)
    if weights is None:
        return None
    if answers.change_frequency is ChangeFrequency.WEEKLY:
        text = (
            "Requirements change every week. With prompting each change is an edit made in "
            "hours; a tuned model cannot be retrained that often, so it needs a retraining "
            "cycle of days every month and prompt edits in between."
        )
    else:
        text = (
            "Requirements change every month. With prompting each change is an edit made in "
            "hours; a tuned model needs a retraining cycle of days each time."
        )
    return Finding(text, weights)


@rule("quarterly_changes", {S: 5, A: -5, T: -10}, states=("change_frequency",))
def _quarterly_changes(answers: Answers, _: Costs) -> str | None:
    """Four retraining cycles a year against four prompt edits."""
    if answers.change_frequency is not ChangeFrequency.QUARTERLY:
        return None
    return (
        "Requirements change every quarter: a quick prompt edit each time, or four "
        "retraining cycles a year for a tuned model."
    )


@rule("stable_requirements", {A: 5, T: 5}, states=("change_frequency",))
def _stable_requirements(answers: Answers, _: Costs) -> str | None:
    """Requirements that rarely change leave a tuned model little retraining."""
    if answers.change_frequency not in (ChangeFrequency.YEARLY, ChangeFrequency.RARELY):
        return None
    return "Requirements rarely change, so a tuned model would not need frequent retraining."


@rule("major_change_expected", {S: 5, A: -10, T: -20}, states=("major_change_expected",))
def _major_change_expected(answers: Answers, _: Costs) -> str | None:
    """A rebrand, pivot or regulation would freeze a tuned model in the old requirements."""
    if not answers.major_change_expected:
        return None
    return (
        "A rebrand, pivot or new regulation is expected within a year. A tuned model would "
        "be stuck with the old requirements until retrained; a prompt is updated in an "
        "afternoon."
    )


@rule("unstable_base_model", {A: -10, T: -10}, states=("base_model_stability",))
def _unstable_base_model(answers: Answers, _: Costs) -> str | None:
    """A base model that changes often can force a retraining each time."""
    if answers.base_model_stability is not BaseModelStability.FREQUENT_UPDATES:
        return None
    return (
        "The base model changes often, and a tuned model may need retraining after "
        "each change; a prompt usually carries over."
    )


@rule("self_hosted_base", {A: 5, T: 5}, states=("base_model_stability",))
def _self_hosted_base(answers: Answers, _: Costs) -> str | None:
    """A self-hosted base changes only when the agency decides."""
    if answers.base_model_stability is not BaseModelStability.SELF_HOSTED:
        return None
    return "The base model is self-hosted, so it changes only when you decide."


@rule("no_maintenance_budget", {A: -15, T: -20}, states=("maintenance_funded",))
def _no_maintenance_budget(answers: Answers, _: Costs) -> str | None:
    """A tuned model without retraining and evaluation decays as things change."""
    if answers.maintenance_funded:
        return None
    return (
        "There is no budget for retraining and evaluation, which a tuned model needs "
        "to stay good as things change."
    )


@rule("shared_across_clients", {F: 5, S: 10, R: 5, A: -5, T: -5})
def _shared_across_clients(answers: Answers, _: Costs) -> str | None:
    """One prompt template, customised per client, serves similar clients best."""
    if answers.similar_clients <= 1:
        return None
    return (
        f"{answers.similar_clients:,} clients would share this solution with variations. "
        "One prompt template, customised per client, serves them all."
    )


@rule("tuned_model_per_client", {A: -10, T: -15})
def _tuned_model_per_client(answers: Answers, _: Costs) -> str | None:
    """A tuned model per client multiplies the tuning work; one template does not."""
    n = answers.similar_clients
    if n <= 1 or answers.tuned_model_scope is not TunedModelScope.PER_CLIENT:
        return None
    return (
        f"Each of the {n:,} clients would get a tuned model of its own: {n:,} sets of examples, "
        f"trainings and evaluations, and {n:,} retraining cycles at every change, where one "
        "prompt template takes each client's settings."
    )


# --- Delivery: time, lock-in, money, volume and speed -----------------------------------------


@rule("short_time_to_launch", {Z: 5, F: 5, S: 5, A: -15, T: -25})
def _short_time_to_launch(answers: Answers, _: Costs) -> str | None:
    """Prompt iterations take hours, tuning iterations days to weeks."""
    weeks = answers.weeks_to_launch
    if weeks >= SHORT_LAUNCH_WEEKS:
        return None
    return (
        f"Launch is {count(weeks, 'week')} away. A prompt iteration takes hours; a "
        "fine-tuning iteration takes days to weeks."
    )


@rule("limited_time_to_launch", {A: -5, T: -10})
def _limited_time_to_launch(answers: Answers, _: Costs) -> str | None:
    """Time for one tuning pilot, not for several iterations."""
    weeks = answers.weeks_to_launch
    if not SHORT_LAUNCH_WEEKS <= weeks < LIMITED_LAUNCH_WEEKS:
        return None
    return (
        f"Launch is {weeks} weeks away: time for one fine-tuning pilot at most, not for "
        "several iterations."
    )


_LOCK_IN_WEIGHTS: Final[Mapping[VendorLockInConcern, Weights]] = {
    VendorLockInConcern.MEDIUM: {A: -3, T: -5},
    VendorLockInConcern.HIGH: {A: -10, T: -10},
}


@rule("vendor_lock_in", states=("vendor_lock_in_concern",))
def _vendor_lock_in(answers: Answers, _: Costs) -> Finding | None:
    """A tuned model is tied to one base model and provider; a prompt moves between models."""
    concern = answers.vendor_lock_in_concern
    weights = _LOCK_IN_WEIGHTS.get(concern)
    if weights is None:
        return None
    return Finding(
        f"Vendor lock-in is a {concern} concern. A tuned model is tied to one base model "
        "and provider; a prompt moves between models.",
        weights,
    )


# An approach the client cannot pay for up front is a hard sell, whatever its fit.
_OVER_BUILD_BUDGET_WEIGHTS: Final[Weights] = {Z: -20, F: -20, S: -20, R: -20, A: -20, T: -25}


@rule("over_build_budget")
def _over_build_budget(answers: Answers, costs: Costs) -> Finding | None:
    """Lowers each approach whose one-off cost exceeds the build budget."""
    over = [p for p in Approach if costs[p].one_off > answers.build_budget]
    if not over:
        return None
    listed = listing(
        [f"{APPROACH_LABELS[p].lower()} ({_amount(costs, costs[p].one_off)})" for p in over]
    )
    return Finding(
        f"The build budget of {_amount(costs, answers.build_budget)} does not cover the one-off "
        f"cost of {listed}.",
        {p: _OVER_BUILD_BUDGET_WEIGHTS[p] for p in over},
    )


# Running costs above the monthly budget end the project after launch.
_OVER_MONTHLY_BUDGET_WEIGHTS: Final[Weights] = {Z: -15, F: -15, S: -15, R: -15, A: -15, T: -20}


@rule(
    "over_monthly_budget",
    states=TRAFFIC_ANSWERS,
)
def _over_monthly_budget(answers: Answers, costs: Costs) -> Finding | None:
    """Lowers each approach whose monthly cost exceeds the monthly budget."""
    over = [p for p in Approach if costs[p].monthly > answers.monthly_budget]
    if not over:
        return None
    listed = listing(
        [f"{APPROACH_LABELS[p].lower()} ({_amount(costs, costs[p].monthly)})" for p in over]
    )
    return Finding(
        f"The monthly budget of {_amount(costs, answers.monthly_budget)} does not cover the "
        f"running and upkeep cost of {listed} a month.",
        {p: _OVER_MONTHLY_BUDGET_WEIGHTS[p] for p in over},
    )


# Volume high enough that a tuned model pays back within the window, everything included.
_TUNING_PAYS_BACK_WEIGHTS: Final[Weights] = {A: 10, T: 10}


@rule(
    "tuning_pays_back",
    states=TRAFFIC_ANSWERS,
)
def _tuning_pays_back(answers: Answers, costs: Costs) -> Finding | None:
    """Raises each tuned approach that has cost less in total than every prompting approach
    within the payback window: set-up, running costs, upkeep and migrations included, as in
    the cost table."""
    month = tuning_pays_back(costs)
    if month is None:
        return None
    pays = {A: _TUNING_PAYS_BACK_WEIGHTS[A]}
    if break_even_month(T, costs, PAYBACK_WINDOW_MONTHS) is not None:
        pays[T] = _TUNING_PAYS_BACK_WEIGHTS[T]
    return Finding(
        f"At {answers.monthly_requests:,} requests a month, an adapter has cost less in total "
        f"than every prompting approach by month {month}, set-up and upkeep included.",
        pays,
    )


@rule("long_prompt", {A: 5, T: 5}, states=("prompt_tokens",))
def _long_prompt(answers: Answers, _: Costs) -> str | None:
    """A long prompt is paid for, in money and time, on every request."""
    if answers.prompt_tokens < LONG_PROMPT_TOKENS:
        return None
    return (
        f"Every request carries {answers.prompt_tokens:,} tokens of instructions and "
        "examples, paid in cost and delay each time; a tuned model drops most of them."
    )


@rule("tight_latency", {R: -10, A: 5, T: 5})
def _tight_latency(answers: Answers, _: Costs) -> str | None:
    """A tight latency target leaves no room for a retrieval hop or a long prompt."""
    latency = answers.latency_target_ms
    if latency is None or latency > TIGHT_LATENCY_MS:
        return None
    return (
        f"The latency target is {latency:,} ms. A retrieval lookup and a long prompt both "
        "add to every response."
    )


# --- The rare case for full fine-tuning -------------------------------------------------------
# Outside this rule no weight favours full tuning over an adapter: full fine-tuning only leads
# when everything it needs is there.


def full_fine_tune_warranted(answers: Answers, costs: Costs) -> bool:
    """True when everything full fine-tuning needs holds at once: thousands of representative
    examples, a niche domain, stable requirements and base model, upkeep funded and affordable.
    """
    full = costs[T]
    return (
        answers.example_count >= FULL_FINE_TUNE_EXAMPLES
        and answers.data_coverage is DataCoverage.FULL_RANGE
        and answers.domain_specificity is DomainSpecificity.NICHE
        and answers.change_frequency in (ChangeFrequency.YEARLY, ChangeFrequency.RARELY)
        and not answers.major_change_expected
        and answers.base_model_stability is not BaseModelStability.FREQUENT_UPDATES
        and answers.maintenance_funded
        and full.one_off <= answers.build_budget
        and full.monthly <= answers.monthly_budget
    )


# Full fine-tuning's lead grows with the data, from 3,000 examples to twice that, so one more
# example never moves it by much.
_WARRANTED_FULL_WEIGHT: Final = 30


@rule("full_fine_tune_warranted")
def _full_fine_tune_warranted(answers: Answers, costs: Costs) -> Finding | None:
    """The conditions where full fine-tuning beats an adapter all hold at once (up to +30)."""
    if not full_fine_tune_warranted(answers, costs):
        return None
    low, high = math.log10(FULL_FINE_TUNE_EXAMPLES), math.log10(2 * FULL_FINE_TUNE_EXAMPLES)
    share = min(1.0, (math.log10(answers.example_count) - low) / (high - low))
    return Finding(
        "Thousands of representative examples, a niche domain, stable requirements, a "
        "stable base model and a budget that covers it: the rare case where full "
        "fine-tuning can beat an adapter.",
        {T: max(1, round(_WARRANTED_FULL_WEIGHT * share))},
    )
