"""The answers contract: what the wizard produces and `manage.py recommend` reads.

`parse_answers` is the only way in from untrusted data (JSON, form data); it collects every
problem at once and raises `InvalidAnswers`. `ANSWER_FIELDS` describes each answer (kind,
allowed values, limits) so the wizard builds its form fields from the same source.
"""

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from itertools import islice
from typing import Final

from advisor.scoring.catalogue import load_catalogue
from advisor.scoring.prices import check_assumption_overrides
from advisor.scoring.wording import number

# Limits: generous enough for any real project, tight enough to catch typos and abuse.
MAX_EXAMPLE_COUNT: Final = 10_000_000  # far beyond any hand-checked example set
MAX_SIMILAR_CLIENTS: Final = 100_000  # no agency has more clients than this
MAX_BUDGET_USD: Final = (
    1_000_000_000  # a billion (in the agency's currency): anything above is a typo
)
MAX_WEEKS_TO_LAUNCH: Final = 520  # ten years; beyond that nobody plans in weeks
MAX_MONTHLY_REQUESTS: Final = 10_000_000_000  # about 4,000 requests a second, all month
MAX_TOKENS: Final = 2_000_000  # above the largest context windows on the market
MAX_LATENCY_TARGET_MS: Final = 600_000  # ten minutes: slower than that is a batch job
MAX_MEASURE: Final = 1_000_000_000  # a measured metric in its unit; anything above is a typo
MAX_PERCENT: Final = 100

ANSWERS_VERSION: Final = "2026.12"
"""The version of the answers contract; exports carry it, and files without it still read."""

ANSWERS_VERSION_KEY: Final = "answers_version"


class TaskType(StrEnum):
    """What the model is asked to do."""

    CLASSIFICATION = "classification"
    EXTRACTION = "extraction"
    SUMMARIZATION = "summarization"
    CONTENT_GENERATION = "content_generation"
    QUESTION_ANSWERING = "question_answering"
    CODE = "code"
    CONVERSATION = "conversation"
    OTHER = "other"


class OutputFormat(StrEnum):
    """How strictly the output's shape is prescribed."""

    FREE_TEXT = "free_text"
    LIGHT_STRUCTURE = "light_structure"
    STRICT_SCHEMA = "strict_schema"


class DomainSpecificity(StrEnum):
    """How far the domain is from what a general model knows."""

    GENERAL = "general"
    SPECIALIZED = "specialized"
    NICHE = "niche"


class ExternalKnowledge(StrEnum):
    """Whether answers need facts from the client's documents or data."""

    NONE = "none"
    STABLE = "stable"
    CHANGING = "changing"


class StyleConsistency(StrEnum):
    """How closely every output must keep one style or voice."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class ReliabilityRequirement(StrEnum):
    """How often a required behaviour may fail."""

    BEST_EFFORT = "best_effort"
    HIGH = "high"
    CRITICAL = "critical"


class ExampleSource(StrEnum):
    """How more good examples could be had."""

    CLIENT_RECORDS = "client_records"
    MANUAL = "manual"
    SYNTHETIC = "synthetic"


class DataCoverage(StrEnum):
    """How much of the real range of inputs the examples cover; `unknown` is "don't know"."""

    UNKNOWN = "unknown"
    COMMON_CASES = "common_cases"
    FULL_RANGE = "full_range"


class ChangeFrequency(StrEnum):
    """How often requirements change, most frequent first."""

    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"
    RARELY = "rarely"


class BaseModelStability(StrEnum):
    """How often the base model or its provider changes."""

    FREQUENT_UPDATES = "frequent_updates"
    STABLE = "stable"
    SELF_HOSTED = "self_hosted"


class PromptingStatus(StrEnum):
    """Where the project stands with a prompting solution (step 1 of the framework)."""

    NOT_TRIED = "not_tried"
    MEETS_BAR = "meets_bar"
    FALLS_SHORT = "falls_short"


class Gap(StrEnum):
    """Why a prompting solution falls short (step 2 of the framework)."""

    KNOWLEDGE = "knowledge"
    SKILL = "skill"
    AMBIGUOUS_INSTRUCTIONS = "ambiguous_instructions"
    MODEL_VARIABILITY = "model_variability"
    FORMAT = "format"
    COST = "cost"
    LATENCY = "latency"


class PromptingBuilt(StrEnum):
    """A prompting approach that was built and evaluated."""

    FEW_SHOT = "few_shot"
    SYSTEM_PROMPT = "system_prompt"
    RAG = "rag"


class ShortfallMetric(StrEnum):
    """The metric on which the prompting solution fell short of its target."""

    FORMAT_COMPLIANCE = "format_compliance"
    ACCURACY = "accuracy"
    CONSISTENCY = "consistency"
    LATENCY_P95 = "latency_p95"
    COST_PER_REQUEST = "cost_per_request"
    OTHER = "other"


SHORTFALL_UNITS: Final[Mapping[ShortfallMetric, str]] = {
    ShortfallMetric.FORMAT_COMPLIANCE: "percent",
    ShortfallMetric.ACCURACY: "percent",
    ShortfallMetric.CONSISTENCY: "percent",
    ShortfallMetric.LATENCY_P95: "milliseconds",
    ShortfallMetric.COST_PER_REQUEST: "USD per request",
    ShortfallMetric.OTHER: "",  # whatever the agency measured it in
}
"""The unit of `shortfall_measured` and `shortfall_target` for each metric."""


class TunedModelHosting(StrEnum):
    """Where a tuned model would be allowed to run."""

    PROVIDER = "provider"  # a tuning provider may host it
    OWN_CLOUD = "own_cloud"  # it must run in the client's own cloud account
    NO_PREFERENCE = "no_preference"


class TunedModelScope(StrEnum):
    """Whether similar clients would share one tuned model or each get their own."""

    SHARED = "shared"
    PER_CLIENT = "per_client"


class VendorLockInConcern(StrEnum):
    """How much being tied to one model provider worries the client."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass(frozen=True, slots=True)
class Answers:
    """One project's validated answers; build it with `parse_answers` from raw data.

    Lists are tuples in the enums' declaration order, so equal answers compare (and
    serialize) equal whatever order they were given in. Optional answers missing from the data
    hold their default (see `FieldSpec.optional`).
    """

    task_type: TaskType
    output_format: OutputFormat
    domain_specificity: DomainSpecificity
    needs_external_knowledge: ExternalKnowledge
    style_consistency: StyleConsistency
    reliability_requirement: ReliabilityRequirement
    example_count: int
    example_sources: tuple[ExampleSource, ...]
    data_coverage: DataCoverage
    change_frequency: ChangeFrequency
    major_change_expected: bool
    similar_clients: int
    base_model_stability: BaseModelStability
    build_budget: float
    monthly_budget: float
    maintenance_funded: bool
    weeks_to_launch: int
    monthly_requests: int
    latency_target_ms: int | None
    input_tokens: int
    output_tokens: int
    prompt_tokens: int
    batch_allowed: bool
    current_model: str
    """"none", "other", or the key of one of the catalogue's inference models."""
    data_may_leave_cloud: bool
    tuned_model_hosting: TunedModelHosting
    tuned_model_scope: TunedModelScope
    prompting_status: PromptingStatus
    gaps: tuple[Gap, ...]
    structured_output_tried: bool
    prompting_built: tuple[PromptingBuilt, ...]
    shortfall_metric: ShortfallMetric | None
    shortfall_measured: float | None
    shortfall_target: float | None
    heldout_set_size: int | None
    adapter_fell_short: bool
    vendor_lock_in_concern: VendorLockInConcern
    unknown: tuple[str, ...] = ()
    """Answers nobody knew yet; each still carries an assumed value, and lowers confidence."""

    def to_dict(self) -> dict[str, object]:
        """Return the answers as contract JSON data; `parse_answers` reads it back unchanged."""
        data: dict[str, object] = {}
        for name in ANSWER_FIELDS:
            value = getattr(self, name)
            if isinstance(value, tuple):
                data[name] = [str(item) for item in value]
            elif isinstance(value, StrEnum):
                data[name] = str(value)
            else:
                data[name] = value
        # Only present when something was unknown, so plain answers serialize as before.
        if self.unknown:
            data[UNKNOWN_KEY] = list(self.unknown)
        return data


class FieldKind(StrEnum):
    """The kind of value an answer holds, which decides its form field."""

    CHOICE = "choice"
    MULTIPLE_CHOICE = "multiple_choice"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """What one answer may hold; the wizard builds its form field from this."""

    name: str
    kind: FieldKind
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    nullable: bool = False
    optional: bool = False
    """Optional answers may be left out of a file or a draft; they then take `default`."""
    default: object = None
    """The value (as contract JSON, lists as tuples) of an optional answer left out."""

    def describe(self) -> str:
        """Say what is allowed, in the words the error messages use."""
        match self.kind:
            case FieldKind.CHOICE:
                text = f"must be one of: {', '.join(self.choices)}"
                return f"{text}, or null" if self.nullable else text
            case FieldKind.MULTIPLE_CHOICE:
                return f"must be a list of distinct values from: {', '.join(self.choices)}"
            case FieldKind.BOOLEAN:
                return "must be true or false"
            case FieldKind.INTEGER | FieldKind.NUMBER:
                what = "a whole number" if self.kind is FieldKind.INTEGER else "a number"
                low, high = number(self.minimum or 0), number(self.maximum or 0)
                text = f"must be {what} from {low} to {high}"
                return f"{text}, or null" if self.nullable else text


# The enum behind each choice answer, so parsing returns typed members.
_ENUMS: Final[Mapping[str, type[StrEnum]]] = {
    "task_type": TaskType,
    "output_format": OutputFormat,
    "domain_specificity": DomainSpecificity,
    "needs_external_knowledge": ExternalKnowledge,
    "style_consistency": StyleConsistency,
    "reliability_requirement": ReliabilityRequirement,
    "example_sources": ExampleSource,
    "data_coverage": DataCoverage,
    "change_frequency": ChangeFrequency,
    "base_model_stability": BaseModelStability,
    "prompting_status": PromptingStatus,
    "gaps": Gap,
    "tuned_model_hosting": TunedModelHosting,
    "tuned_model_scope": TunedModelScope,
    "prompting_built": PromptingBuilt,
    "shortfall_metric": ShortfallMetric,
    "vendor_lock_in_concern": VendorLockInConcern,
}


def _choice(name: str, *, nullable: bool = False) -> FieldSpec:
    choices = tuple(m.value for m in _ENUMS[name])
    return FieldSpec(name, FieldKind.CHOICE, choices=choices, nullable=nullable)


def _multiple(name: str) -> FieldSpec:
    return FieldSpec(name, FieldKind.MULTIPLE_CHOICE, choices=tuple(m.value for m in _ENUMS[name]))


def _integer(name: str, minimum: int, maximum: int, *, nullable: bool = False) -> FieldSpec:
    return FieldSpec(name, FieldKind.INTEGER, minimum=minimum, maximum=maximum, nullable=nullable)


def _amount(name: str) -> FieldSpec:
    return FieldSpec(name, FieldKind.NUMBER, minimum=0, maximum=MAX_BUDGET_USD)


def _measure(name: str) -> FieldSpec:
    """A measured value in its metric's unit (see `SHORTFALL_UNITS`), or null."""
    return FieldSpec(name, FieldKind.NUMBER, minimum=0, maximum=MAX_MEASURE, nullable=True)


def _boolean(name: str) -> FieldSpec:
    return FieldSpec(name, FieldKind.BOOLEAN)


NO_CURRENT_MODEL: Final = "none"
OTHER_MODEL: Final = "other"


def _current_model() -> FieldSpec:
    """The model used today: one of the catalogue's inference models, another, or none yet."""
    models = tuple(load_catalogue().inference)
    choices = (NO_CURRENT_MODEL, *models, OTHER_MODEL)
    return FieldSpec("current_model", FieldKind.CHOICE, choices=choices)


def _optional(spec: FieldSpec, default: object) -> FieldSpec:
    """An answer added after files were first exported: left out, it takes `default`."""
    return replace(spec, optional=True, default=default)


ANSWER_FIELDS: Final[Mapping[str, FieldSpec]] = {
    spec.name: spec
    for spec in (
        _choice("task_type"),
        _choice("output_format"),
        _choice("domain_specificity"),
        _choice("needs_external_knowledge"),
        _choice("style_consistency"),
        _choice("reliability_requirement"),
        _integer("example_count", 0, MAX_EXAMPLE_COUNT),
        _multiple("example_sources"),
        _choice("data_coverage"),
        _choice("change_frequency"),
        _boolean("major_change_expected"),
        _integer("similar_clients", 1, MAX_SIMILAR_CLIENTS),
        _choice("base_model_stability"),
        _amount("build_budget"),
        _amount("monthly_budget"),
        _boolean("maintenance_funded"),
        _integer("weeks_to_launch", 1, MAX_WEEKS_TO_LAUNCH),
        _integer("monthly_requests", 0, MAX_MONTHLY_REQUESTS),
        _integer("latency_target_ms", 1, MAX_LATENCY_TARGET_MS, nullable=True),
        _integer("input_tokens", 0, MAX_TOKENS),
        _integer("output_tokens", 0, MAX_TOKENS),
        _integer("prompt_tokens", 0, MAX_TOKENS),
        _optional(_boolean("batch_allowed"), False),
        _optional(_current_model(), NO_CURRENT_MODEL),
        _optional(_boolean("data_may_leave_cloud"), True),
        _optional(_choice("tuned_model_hosting"), TunedModelHosting.NO_PREFERENCE.value),
        _optional(_choice("tuned_model_scope"), TunedModelScope.SHARED.value),
        _choice("prompting_status"),
        _multiple("gaps"),
        _boolean("structured_output_tried"),
        _optional(_multiple("prompting_built"), ()),
        _optional(_choice("shortfall_metric", nullable=True), None),
        _optional(_measure("shortfall_measured"), None),
        _optional(_measure("shortfall_target"), None),
        _optional(_integer("heldout_set_size", 0, MAX_EXAMPLE_COUNT, nullable=True), None),
        _optional(_boolean("adapter_fell_short"), False),
        _choice("vendor_lock_in_concern"),
    )
}
"""Every answer in contract order, with what it may hold."""

ASSUMPTIONS_KEY: Final = "assumptions"
"""The optional top-level object of per-run price and rate overrides."""

UNKNOWN_KEY: Final = "unknown"
"""The optional top-level list of answers nobody knew; their values are assumptions."""

UNKNOWABLE_FIELDS: Final = (
    "change_frequency",
    "major_change_expected",
    "base_model_stability",
    "maintenance_funded",
    "vendor_lock_in_concern",
    "monthly_requests",
    "input_tokens",
    "output_tokens",
    "prompt_tokens",
    "data_may_leave_cloud",
    "heldout_set_size",
    "current_model",
)
"""Answers a person may honestly not know yet on a first client call."""

TRAFFIC_ANSWERS: Final = ("monthly_requests", "input_tokens", "output_tokens", "prompt_tokens")
"""The answers every running cost rests on."""

PROMPTING_TRIED: Final = frozenset({PromptingStatus.MEETS_BAR, PromptingStatus.FALLS_SHORT})
_FALLS_SHORT: Final = frozenset({PromptingStatus.FALLS_SHORT})

APPLIES_WHEN_PROMPTING: Final[Mapping[str, frozenset[PromptingStatus]]] = {
    "gaps": _FALLS_SHORT,
    "structured_output_tried": _FALLS_SHORT,
    "prompting_built": PROMPTING_TRIED,
    "shortfall_metric": _FALLS_SHORT,
    "shortfall_measured": _FALLS_SHORT,
    "shortfall_target": _FALLS_SHORT,
    "heldout_set_size": PROMPTING_TRIED,
    "adapter_fell_short": _FALLS_SHORT,
}
"""Answers that apply only for some prompting statuses; for the others they hold
`inapplicable_value` (the wizard does not ask them, and files must not contradict the status)."""


MAX_REPORTED_PROBLEMS: Final = 20
"""Problems listed in a refusal; the rest are counted, so a hostile file gets a short answer."""

_MAX_SHOWN_NAME: Final = 60


class InvalidAnswers(ValueError):
    """Raised with every problem found; `errors` maps each bad field to what is allowed."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors: dict[str, str] = dict(sorted(errors.items()))
        lines = (f"{name}: {message}" if name else message for name, message in self.problems())
        super().__init__("; ".join(lines))

    def problems(self, limit: int = MAX_REPORTED_PROBLEMS) -> list[tuple[str, str]]:
        """The first `limit` problems as (field, message), long names shortened; when there are
        more, a last ("", "and N more problems")."""
        shown = [(_name(name), message) for name, message in islice(self.errors.items(), limit)]
        if len(self.errors) > limit:
            shown.append(("", f"and {len(self.errors) - limit:,} more problems"))
        return shown


def _name(name: str) -> str:
    return name if len(name) <= _MAX_SHOWN_NAME else name[: _MAX_SHOWN_NAME - 3] + "..."


def _shown(value: object) -> str:
    """Render a received value the way it looked in the JSON, kept short.

    Looks only at the start of long strings, lists and objects, so refusing a huge value costs
    no more than refusing a small one.
    """
    text = _sketch(value, depth=2)
    return text if len(text) <= 40 else text[:37] + "..."


def _sketch(value: object, *, depth: int) -> str:
    if value is None or isinstance(value, bool | float):
        return json.dumps(value, allow_nan=True)
    if isinstance(value, int):
        # Python refuses to print integers beyond 4,300 digits; no answer is near that.
        return str(value) if value.bit_length() < 4_000 else "a number over 1,000 digits long"
    if isinstance(value, str):
        return json.dumps(value[:40])
    if isinstance(value, list | tuple):
        items = [_sketch(item, depth=depth - 1) for item in value[:3]] if depth else ["..."]
        return f"[{', '.join(items)}{', ...' if len(value) > len(items) else ''}]"
    if isinstance(value, Mapping):
        pairs = [
            f"{_sketch(str(key), depth=0)}: {_sketch(item, depth=depth - 1) if depth else '...'}"
            for key, item in islice(value.items(), 3)
        ]
        return f"{{{', '.join(pairs)}{', ...' if len(value) > len(pairs) else ''}}}"
    return repr(value)  # say, a LongNumber from an answers file, which keeps its repr short


def _is_number(value: object) -> bool:
    # bool is an int in Python but never a number in the contract.
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_field(spec: FieldSpec, value: object) -> tuple[object, str | None]:
    """Return the parsed value, or an error message for this field."""
    problem = f"{spec.describe()} (got {_shown(value)})"
    match spec.kind:
        case FieldKind.CHOICE:
            if value is None and spec.nullable:
                return None, None
            if isinstance(value, str) and value in spec.choices:
                enum = _ENUMS.get(spec.name)
                return (enum(value) if enum else value), None
            return None, problem
        case FieldKind.MULTIPLE_CHOICE:
            return _check_list(spec, value)
        case FieldKind.BOOLEAN:
            return (value, None) if isinstance(value, bool) else (None, problem)
        case FieldKind.INTEGER | FieldKind.NUMBER:
            return _check_number(spec, value, problem)


def _check_number(spec: FieldSpec, value: object, problem: str) -> tuple[object, str | None]:
    if value is None and spec.nullable:
        return None, None
    if not _is_number(value):
        return None, problem
    if spec.kind is FieldKind.INTEGER and not isinstance(value, int):
        return None, problem
    # Compared as they are: Python compares ints and floats exactly, and float() of a
    # 400-digit integer would overflow.
    number: float = value  # type: ignore[assignment]
    if isinstance(number, float) and not math.isfinite(number):
        return None, problem
    if not (spec.minimum or 0) <= number <= (spec.maximum or 0):
        return None, problem
    return (number if spec.kind is FieldKind.INTEGER else float(number)), None


def _check_list(spec: FieldSpec, value: object) -> tuple[object, str | None]:
    if not isinstance(value, list | tuple):
        return None, f"{spec.describe()} (got {_shown(value)})"
    # Refused before looking at the items: validation stays linear however long the list.
    if len(value) > len(spec.choices):
        return (
            None,
            f"{spec.describe()}, so at most {len(spec.choices)} values (got {len(value):,})",
        )
    unknown = [item for item in value if not (isinstance(item, str) and item in spec.choices)]
    if unknown:
        return None, f"{spec.describe()} (got {_shown(unknown[0])})"
    repeated = sorted({item for item in value if value.count(item) > 1})
    if repeated:
        return None, f"{spec.describe()}; {_shown(repeated[0])} is listed twice"
    enum = _ENUMS[spec.name]
    return tuple(member for member in enum if member.value in value), None


def parse_answers(data: object) -> tuple[Answers, Mapping[str, float]]:
    """Validate raw contract data; return the answers and the per-run assumption overrides.

    Raises `InvalidAnswers` naming every bad field (assumption overrides as
    `assumptions.<name>`). Optional answers left out take their default.
    """
    if not isinstance(data, Mapping):
        raise InvalidAnswers({"answers": f"must be a JSON object (got {_shown(data)})"})
    errors: dict[str, str] = {}
    for name in data:
        if name not in ANSWER_FIELDS and name not in _OTHER_KEYS:
            errors[str(name)] = "is not a known answer; check the spelling"
    parsed = _check_fields(data, errors)
    errors |= _check_applicability(parsed) | _check_shortfall(parsed)
    version = data.get(ANSWERS_VERSION_KEY, ANSWERS_VERSION)
    if not (isinstance(version, str) and version == ANSWERS_VERSION):
        errors[ANSWERS_VERSION_KEY] = (
            f'must be "{ANSWERS_VERSION}", the version this Advisor reads, or left out '
            f"(got {_shown(version)})"
        )
    overrides, override_errors = check_assumption_overrides(data.get(ASSUMPTIONS_KEY, {}))
    errors.update(override_errors)
    unknown, unknown_error = _check_unknown(data.get(UNKNOWN_KEY, []))
    if unknown_error:
        errors[UNKNOWN_KEY] = unknown_error
    if errors:
        raise InvalidAnswers(errors)
    return Answers(**parsed, unknown=unknown), overrides  # type: ignore[arg-type]


_OTHER_KEYS: Final = frozenset({ASSUMPTIONS_KEY, UNKNOWN_KEY, ANSWERS_VERSION_KEY})


def _check_fields(data: Mapping[str, object], errors: dict[str, str]) -> dict[str, object]:
    """Each answer parsed on its own; the problems go into `errors`."""
    parsed: dict[str, object] = {}
    for name, spec in ANSWER_FIELDS.items():
        if name not in data and spec.optional:
            parsed[name], _ = _check_field(spec, spec.default)
            continue
        if name not in data:
            errors[name] = f"is required; it {spec.describe()}"
            continue
        value, problem = _check_field(spec, data[name])
        if problem is None:
            parsed[name] = value
        else:
            errors[name] = problem
    return parsed


def inapplicable_value(name: str) -> object:
    """What an answer holds, as contract JSON, when its question does not apply."""
    spec = ANSWER_FIELDS[name]
    if spec.optional:
        return spec.default
    return () if spec.kind is FieldKind.MULTIPLE_CHOICE else False


def with_prompting_status(answers: Answers, status: PromptingStatus) -> Answers:
    """The answers with another prompting status; answers that no longer apply turn neutral,
    as the contract wants them (a what-if built this way parses back)."""
    neutral = {
        name: _check_field(ANSWER_FIELDS[name], inapplicable_value(name))[0]
        for name, statuses in APPLIES_WHEN_PROMPTING.items()
        if status not in statuses and name not in _NEVER_REFUSED_WHEN_INAPPLICABLE
    }
    return replace(answers, prompting_status=status, **neutral)  # type: ignore[arg-type]


def _check_applicability(parsed: Mapping[str, object]) -> dict[str, str]:
    """Answers to questions that do not apply, given the prompting status, must be neutral."""
    status = parsed.get("prompting_status")
    if status is None:
        return {}
    errors = {}
    for name, statuses in APPLIES_WHEN_PROMPTING.items():
        if status in statuses or name not in parsed or name in _NEVER_REFUSED_WHEN_INAPPLICABLE:
            continue
        neutral = inapplicable_value(name)
        if parsed[name] != _check_field(ANSWER_FIELDS[name], neutral)[0]:
            allowed = " or ".join(s.value for s in PromptingStatus if s in statuses)
            errors[name] = f"must be {_NEUTRAL_WORDS[neutral]} unless prompting_status is {allowed}"
    return errors


_NEUTRAL_WORDS: Final[Mapping[object, str]] = {(): "empty", None: "null", False: "false"}

# Files have always been accepted with it set whatever the status; the engine reads it as given.
_NEVER_REFUSED_WHEN_INAPPLICABLE: Final = frozenset({"structured_output_tried"})


class ShortfallProblem(StrEnum):
    """What can be wrong with the shortfall's measured value and target taken together."""

    NO_TARGET = "no_target"  # a measured value without its target
    NO_MEASURED = "no_measured"  # a target without the value measured
    TARGET_REACHED = "target_reached"  # the same number twice: nothing fell short
    NOT_A_PERCENT = "not_a_percent"  # above 100 for a metric counted in percent


def shortfall_problems(
    metric: object, measured: float | None, target: float | None
) -> dict[str, ShortfallProblem]:
    """The problems of a shortfall, by the field holding the value at fault: both values or
    neither, different, and percentages for the metrics counted in percent."""
    if measured is None and target is None:
        return {}
    if target is None:
        return {"shortfall_measured": ShortfallProblem.NO_TARGET}
    if measured is None:
        return {"shortfall_target": ShortfallProblem.NO_MEASURED}
    problems = {}
    if measured == target:
        problems["shortfall_target"] = ShortfallProblem.TARGET_REACHED
    if metric in _PERCENT_METRICS:
        for name, value in (("shortfall_measured", measured), ("shortfall_target", target)):
            if value > MAX_PERCENT:
                problems[name] = ShortfallProblem.NOT_A_PERCENT
    return problems


_PERCENT_METRICS: Final = frozenset(m for m, unit in SHORTFALL_UNITS.items() if unit == "percent")


def _check_shortfall(parsed: Mapping[str, object]) -> dict[str, str]:
    if "shortfall_measured" not in parsed or "shortfall_target" not in parsed:
        return {}  # one of them is refused already
    metric = parsed.get("shortfall_metric")
    problems = shortfall_problems(
        metric,
        parsed["shortfall_measured"],  # type: ignore[arg-type]
        parsed["shortfall_target"],  # type: ignore[arg-type]
    )
    messages = {
        ShortfallProblem.NO_TARGET: "needs shortfall_target as well: give the measured value "
        "and the target, or neither",
        ShortfallProblem.NO_MEASURED: "needs shortfall_measured as well: give the measured "
        "value and the target, or neither",
        ShortfallProblem.TARGET_REACHED: "must differ from shortfall_measured: a metric that "
        "reached its target did not fall short",
        ShortfallProblem.NOT_A_PERCENT: f"must be a percentage from 0 to {MAX_PERCENT} when "
        f"shortfall_metric is {metric}",
    }
    return {
        name: f"{messages[problem]} (got {_shown(parsed[name])})"
        if problem is ShortfallProblem.NOT_A_PERCENT
        else messages[problem]
        for name, problem in problems.items()
    }


def _check_unknown(value: object) -> tuple[tuple[str, ...], str | None]:
    allowed = f"must be a list of distinct answers from: {', '.join(UNKNOWABLE_FIELDS)}"
    if isinstance(value, list | tuple) and len(value) > len(UNKNOWABLE_FIELDS):
        return (), f"{allowed}, so at most {len(UNKNOWABLE_FIELDS)} (got {len(value):,})"
    if not isinstance(value, list | tuple) or any(
        not isinstance(item, str) or item not in UNKNOWABLE_FIELDS for item in value
    ):
        return (), f"{allowed} (got {_shown(value)})"
    if len(set(value)) != len(value):
        return (), f"{allowed}; an answer is listed twice"
    return tuple(name for name in UNKNOWABLE_FIELDS if name in value), None
