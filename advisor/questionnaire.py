"""The questionnaire: its steps, the questions on each, and which apply to a given project.

Pure Python (no Django): the wizard's forms, the review page and the tests read it. The
answers it collects are exactly the recommendation engine's input contract.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from advisor.scoring.answers import (
    ANSWER_FIELDS,
    ANSWERS_VERSION,
    ANSWERS_VERSION_KEY,
    APPLIES_WHEN_PROMPTING,
    PROMPTING_TRIED,
    SHORTFALL_UNITS,
    UNKNOWABLE_FIELDS,
    UNKNOWN_KEY,
    PromptingStatus,
    inapplicable_value,
)

QUESTIONNAIRE_VERSION: Final = "2026.12"
"""Stored with every assessment; bump it when questions or steps change meaning."""


def current_version() -> str:
    """The questionnaire version a new assessment starts with (the model field's default)."""
    return QUESTIONNAIRE_VERSION


# Rough rule for English text: one token is about four characters.
CHARACTERS_PER_TOKEN: Final = 4


@dataclass(frozen=True, slots=True)
class Question:
    """How one answer is asked: the wording, the help in plain words, the unit, a default."""

    field: str
    label: str
    help: str
    unit: str = ""
    default: object = None
    # The value the engine works with when someone answers "don't know"; shown to the client.
    assumed_if_unknown: object = None
    # What a question that may be left empty shows when it was ("No target").
    blank: str = ""

    @property
    def can_be_unknown(self) -> bool:
        return self.field in UNKNOWABLE_FIELDS


@dataclass(frozen=True, slots=True)
class Step:
    slug: str
    title: str
    intro: str
    questions: tuple[Question, ...]

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(question.field for question in self.questions)


METRIC_UNITS_HELP: Final = (
    "In the metric's unit: percent for format compliance, accuracy and consistency; "
    "milliseconds for response time; your agency's currency for cost per request."
)

STEPS: Final[tuple[Step, ...]] = (
    Step(
        slug="use-case",
        title="The use case",
        intro="What the AI should do and what a good answer looks like.",
        questions=(
            Question(
                "task_type",
                "What kind of task is it?",
                "Pick the closest. Language models already do most of these well out of the box; "
                "the question is usually how to steer them, not whether they can.",
            ),
            Question(
                "output_format",
                "How structured must the output be?",
                "A strict schema is output a program reads: JSON with fixed fields, a domain "
                "notation, a report layout that must never vary.",
            ),
            Question(
                "domain_specificity",
                "How specialised is the subject matter?",
                "General: everyday knowledge. Specialised: a professional field the model knows "
                "reasonably well, like law or medicine. Niche: terminology or reasoning few "
                "outside the client's team would know.",
            ),
            Question(
                "needs_external_knowledge",
                "Do answers depend on facts from the client's own documents or data?",
                "Product catalogues, policies, case files. Facts that change are best looked up "
                "at answer time rather than trained into a model.",
            ),
            Question(
                "style_consistency",
                "How consistent must the voice and style be?",
                "High means every output must sound like one brand or author, every time.",
            ),
            Question(
                "reliability_requirement",
                "How bad is an occasional wrong or off-format answer?",
                "Critical: a single miss causes real harm or breaks a downstream system.",
            ),
        ),
    ),
    Step(
        slug="data",
        title="The data",
        intro="Good examples are what fine-tuning learns from, and they improve prompts too.",
        questions=(
            Question(
                "example_count",
                "How many good input/output examples exist today?",
                "Count only examples you would be happy for the model to copy: checked, correct "
                "and typical. Fine-tuning needs at least 100; 500 to 1,000 is better. Under "
                "about 100, putting the best of them in the prompt usually wins.",
                unit="examples",
                default=0,
            ),
            Question(
                "example_sources",
                "Where could more examples come from?",
                "Tick all that are realistic. Leave empty if none are.",
                default=[],
            ),
            Question(
                "data_coverage",
                "Do the examples cover the inputs the system will really see?",
                "A model trained only on the easy cases fails on the rest. If nobody has checked "
                "yet, say so: the recommendation will be less certain rather than guess.",
            ),
        ),
    ),
    Step(
        slug="change",
        title="How often things change",
        intro="Every change costs a prompt edit with prompting, and a retraining cycle with a "
        "tuned model.",
        questions=(
            Question(
                "change_frequency",
                "How often do the requirements change?",
                "Brand voice, business rules, terminology, the facts the answers rely on.",
                assumed_if_unknown="quarterly",
            ),
            Question(
                "major_change_expected",
                "Is a big change expected within 12 months?",
                "A rebrand, a new product line, a pivot, new regulation.",
                default=False,
                assumed_if_unknown=False,
            ),
            Question(
                "similar_clients",
                "How many clients would share this solution, each with variations?",
                "Count this client too. One prompt template customised per client scales far "
                "more cheaply than one tuned model per client.",
                unit="clients",
                default=1,
            ),
            Question(
                "base_model_stability",
                "How stable is the model you would build on?",
                "A provider that retires or changes models often forces a tuned model to be "
                "retrained; a self-hosted model changes only when you decide.",
                assumed_if_unknown="stable",
            ),
        ),
    ),
    Step(
        slug="budget",
        title="Budget and timeline",
        intro="What the client can spend up front and every month, and how soon it must ship.",
        questions=(
            Question(
                "build_budget",
                "One-off budget to build it",
                "Everything before launch: prompt work, data preparation, training, evaluation.",
                unit="USD",
            ),
            Question(
                "monthly_budget",
                "Monthly budget to run and maintain it",
                "Model usage, hosting and upkeep such as prompt edits or retraining.",
                unit="USD per month",
            ),
            Question(
                "maintenance_funded",
                "Will the client pay for ongoing retraining and evaluation?",
                "A tuned model needs retraining when requirements, data or the base model "
                "change; without that budget it slowly goes stale.",
                default=False,
                # Until the client commits to paying for upkeep, it is not funded.
                assumed_if_unknown=False,
            ),
            Question(
                "weeks_to_launch",
                "Weeks until it must be live",
                "Prompt iterations take hours; one fine-tuning iteration takes days to weeks.",
                unit="weeks",
            ),
            Question(
                "vendor_lock_in_concern",
                "How much does being tied to one model provider worry the client?",
                "A tuned model works only on the base model it was trained on.",
                assumed_if_unknown="medium",
            ),
        ),
    ),
    Step(
        slug="volume",
        title="Volume, size and speed",
        intro="These drive the running cost: every request pays for every token it sends.",
        questions=(
            Question(
                "monthly_requests",
                "Requests per month at full use",
                "An estimate is fine; round numbers are expected.",
                unit="requests per month",
                assumed_if_unknown=10_000,
            ),
            Question(
                "input_tokens",
                "Size of the user's input per request",
                "The part that differs per request: the ticket, the document, the question. "
                "Roughly four characters of English make one token.",
                unit="tokens",
                assumed_if_unknown=500,
            ),
            Question(
                "output_tokens",
                "Size of the answer per request",
                "A short label is a few tokens; a page of text is about 500.",
                unit="tokens",
                assumed_if_unknown=300,
            ),
            Question(
                "prompt_tokens",
                "Size of the fixed prompt sent with every request",
                "System prompt, guidelines and examples. Paste a sample below to estimate it.",
                unit="tokens",
                default=0,
                assumed_if_unknown=1_000,
            ),
            Question(
                "latency_target_ms",
                "Response time target (95th percentile)",
                "Leave empty if there is no target. Long prompts make every answer slower.",
                unit="milliseconds",
                blank="No target",
            ),
            Question(
                "batch_allowed",
                "Can answers wait a few hours?",
                "Providers run batches of requests within hours at a lower price than answering "
                "each one at once. That suits overnight reports or bulk tagging; not a chat.",
                default=False,
            ),
        ),
    ),
    Step(
        slug="models",
        title="Models and hosting",
        intro="Which models the client can use, and where their data and a tuned model may go.",
        questions=(
            Question(
                "current_model",
                "Which model does the client use for this today?",
                "The model a prompt already runs on, in production or in a prototype. Providers "
                "retire models on fixed dates, so knowing which one is in use tells whether a "
                "move is coming anyway.",
                default="none",
                assumed_if_unknown="none",
            ),
            Question(
                "data_may_leave_cloud",
                "May the client's data be sent to a model provider outside their own cloud?",
                "Yes if the data may go straight to a provider's API, such as OpenAI's or "
                "Google's. No if contracts or regulation keep it inside the client's cloud "
                "account: then only models offered there, or run by the client, can be used.",
                default=True,
                # Until someone confirms, the advice keeps the data where it is.
                assumed_if_unknown=False,
            ),
            Question(
                "tuned_model_hosting",
                "If a model were fine-tuned, where could it run?",
                "Some tuning providers train the model and serve it themselves. A model that "
                "must run in the client's own cloud means renting GPUs there, and looking "
                "after them.",
                default="no_preference",
            ),
            Question(
                "tuned_model_scope",
                "Would similar clients share one tuned model, or each get their own?",
                "Only matters when more than one client would use the solution. A shared "
                "model is trained and kept up to date once; a model per client multiplies "
                "training, hosting and retraining by the number of clients.",
                default="shared",
            ),
        ),
    ),
    Step(
        slug="prompting",
        title="Prompting so far",
        intro="The framework starts with the best prompt solution; how it did decides what comes "
        "next.",
        questions=(
            Question(
                "prompting_status",
                "Has a serious prompting solution been tried and evaluated?",
                "Serious means a considered system prompt with examples, measured on real inputs.",
            ),
            Question(
                "prompting_built",
                "Which prompting approaches were built and evaluated?",
                "Tick each one that was built and measured. Few-shot: worked examples in the "
                "prompt. System prompt: detailed guidelines, constraints and a persona. "
                "Retrieval: passages from the client's documents added to each prompt.",
                default=[],
            ),
            Question(
                "heldout_set_size",
                "How many held-out test cases are there?",
                "Real inputs with their expected answers, kept apart from every example used "
                "in a prompt or for training, so that a gain can be measured honestly. Enter 0 "
                "if there are none.",
                unit="cases",
                blank="Not given",
                assumed_if_unknown=0,
            ),
            Question(
                "gaps",
                "Where did it fall short?",
                "Tick every gap you saw. The kind of gap decides the remedy: missing knowledge is "
                "fixed with retrieval, ambiguous instructions with a better prompt, and only some "
                "gaps with fine-tuning.",
                default=[],
            ),
            Question(
                "structured_output_tried",
                "Were the model provider's structured-output features tried?",
                "JSON mode or schema-constrained output often fixes format problems without "
                "any training.",
                default=False,
            ),
            Question(
                "shortfall_metric",
                "Which metric fell short of its target?",
                "The one that matters most, if several did. Its measured value and target "
                "below are what a fine-tuning pilot would have to beat.",
                blank="Not measured",
            ),
            Question(
                "shortfall_measured",
                "What the best prompt measured",
                f"{METRIC_UNITS_HELP} For example 85, for 85 percent of outputs in the right "
                "format.",
                blank="Not measured",
            ),
            Question(
                "shortfall_target",
                "The target it had to reach",
                "In the same unit as the value measured, for example 99 for 99 percent. Leave "
                "both empty if no target was set.",
                blank="No target given",
            ),
            Question(
                "adapter_fell_short",
                "Was adapter fine-tuning already tried, and did it fall short too?",
                "An adapter (such as LoRA) trains small extra layers on a frozen model, for "
                "far less data and money than a full fine-tune. Full fine-tuning comes up only "
                "once an adapter has fallen short.",
                default=False,
            ),
        ),
    ),
)

STEPS_BY_SLUG: Final[Mapping[str, Step]] = {step.slug: step for step in STEPS}
QUESTIONS: Final[Mapping[str, Question]] = {q.field: q for step in STEPS for q in step.questions}

_SHOWN_WHEN: Final[Mapping[frozenset[PromptingStatus], str]] = {
    frozenset({PromptingStatus.FALLS_SHORT}): "only if prompting fell short",
    PROMPTING_TRIED: "only if prompting was tried",
}


def condition(field: str) -> tuple[tuple[str, ...], str] | None:
    """For a question asked only for some prompting statuses: those statuses, and the words
    the wizard says it with ("only if prompting fell short"); None for the others."""
    statuses = APPLIES_WHEN_PROMPTING.get(field)
    if statuses is None:
        return None
    return tuple(s.value for s in PromptingStatus if s in statuses), _SHOWN_WHEN[statuses]


def applies(field: str, answers: Mapping[str, object]) -> bool:
    """Whether a question is asked, given the answers so far."""
    statuses = APPLIES_WHEN_PROMPTING.get(field)
    status = answers.get("prompting_status")
    return statuses is None or (isinstance(status, str) and status in statuses)


def applicable_fields(step: Step, answers: Mapping[str, object]) -> tuple[str, ...]:
    """The questions of this step that apply, given the answers so far."""
    return tuple(field for field in step.fields if applies(field, answers))


# The shortfall's measured value and target are in the unit of the metric that fell short.
_METRIC_UNITS: Final[Mapping[str, str]] = {m.value: u for m, u in SHORTFALL_UNITS.items()}
IN_METRIC_UNITS: Final = frozenset({"shortfall_measured", "shortfall_target"})


def unit_of(field: str, answers: Mapping[str, object]) -> str:
    """The unit an answer is given in; the shortfall's values take their metric's ("" when
    no metric is chosen, or another one)."""
    if field in IN_METRIC_UNITS:
        metric = answers.get("shortfall_metric")
        return _METRIC_UNITS.get(metric, "") if isinstance(metric, str) else ""
    return QUESTIONS[field].unit


def metric_units() -> dict[str, str]:
    """Each shortfall metric's unit, for the wizard to show beside the values."""
    return dict(_METRIC_UNITS)


def _as_json(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


def engine_input(answers: Mapping[str, object]) -> dict[str, object]:
    """The stored answers as the engine reads them: optional answers a draft does not hold
    take their default, inapplicable questions get their neutral value (no gaps when prompting
    did not fall short), and nothing outside the contract."""
    data = {name: answers[name] for name in ANSWER_FIELDS if name in answers}
    for name, spec in ANSWER_FIELDS.items():
        if spec.optional and name not in data:
            data[name] = _as_json(spec.default)
    for name in APPLIES_WHEN_PROMPTING:
        if name != "structured_output_tried" and not applies(name, answers):
            data[name] = _as_json(inapplicable_value(name))
    if not applies("structured_output_tried", answers):
        # Files were always accepted with it set whatever the status: passed on as it is.
        data["structured_output_tried"] = bool(answers.get("structured_output_tried", False))
    unknown = answers.get(UNKNOWN_KEY)
    if isinstance(unknown, list):
        unknown = [name for name in unknown if not isinstance(name, str) or applies(name, answers)]
    if unknown:
        data[UNKNOWN_KEY] = unknown
    return data


def export_data(answers: Mapping[str, object]) -> dict[str, object]:
    """An answers file: what the engine reads, marked with the contract's version."""
    return {ANSWERS_VERSION_KEY: ANSWERS_VERSION, **engine_input(answers)}


def estimate_tokens(text: str) -> int:
    """A character-based token estimate for a pasted prompt (no tokenizer download)."""
    stripped = text.strip()
    return -(-len(stripped) // CHARACTERS_PER_TOKEN) if stripped else 0
