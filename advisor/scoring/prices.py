"""The rate card: the agency's planning figures, each with its unit, date and source.

Model prices are not here: they come from the model catalogue (catalogue.py), one dated entry
per provider model. What is here is what an agency plans with: its hourly rate, how long work
takes, what an example costs to prepare, how often things change. Every figure can be replaced
per run (an answers file's `assumptions` object) and per organization (its own rate card).
"""

import math
from collections.abc import Mapping
from dataclasses import Field, dataclass, field, fields, replace
from functools import cache
from typing import Any, Final

from advisor.scoring.contract import AssumptionDict
from advisor.scoring.currency import US_DOLLAR, US_DOLLARS, Currency

RATES_AS_OF: Final = "2026-11-29"
RATE_CARD_SOURCE: Final = "Planning figure (the Advisor's default)"
OVERRIDE_SOURCE: Final = "Set in the answers file"

MAX_RATE: Final = 1_000_000_000  # the same ceiling as a budget: anything above is a typo

# Figures an older answers file may still override; prices now come from the model catalogue.
RETIRED_ASSUMPTIONS: Final = frozenset(
    {
        "prompting_input_per_mtok",
        "prompting_output_per_mtok",
        "tuned_input_per_mtok",
        "tuned_output_per_mtok",
        "adapter_training_run_cost",
        "full_fine_tune_training_run_cost",
        "adapter_hosting_per_month",
        "full_fine_tune_hosting_per_month",
        "adapter_training_examples",
        "full_fine_tune_training_examples",
        "example_creation_cost",
    }
)


@dataclass(frozen=True, slots=True)
class AssumptionSpec:
    """What one assumption means, its unit, and the range an override may take."""

    name: str
    unit: str
    description: str
    maximum: float = MAX_RATE

    @property
    def is_money(self) -> bool:
        """True for an amount of money: the default card gives those in US dollars."""
        return self.unit == US_DOLLARS or self.unit.startswith(f"{US_DOLLARS} ")

    def unit_in(self, currency: str) -> str:
        """The unit with amounts in `currency`: "GBP per hour" for "USD per hour"."""
        return currency + self.unit.removeprefix(US_DOLLARS) if self.is_money else self.unit


def _figure(value: float, unit: str, description: str, maximum: float = MAX_RATE) -> Any:
    """A rate card figure: its default, unit and meaning, declared once beside its name."""
    return field(
        default=float(value),
        metadata={"unit": unit, "description": description, "maximum": maximum},
    )


_HOURS = "hours"
_USD = "USD"
_PER_EXAMPLE = "USD per example"
_PER_MONTH = "USD per month"
_PER_YEAR = "times a year"


@dataclass(frozen=True, slots=True)
class Assumption:
    """One figure as used in a calculation, ready to list in a report."""

    name: str
    value: float
    unit: str
    description: str
    as_of: str | None
    source: str

    def to_dict(self) -> AssumptionDict:
        """Return JSON-ready data."""
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "description": self.description,
            "as_of": self.as_of,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class Assumptions:
    """The figures used for one run: the defaults, possibly with overrides (see `overridden`),
    and the currency their amounts are in (`in_currency` converts them).

    Each figure is declared once, here, with its default, unit and meaning; amounts of money
    in US dollars, the currency of the default card.
    """

    # Labour
    labour_rate_per_hour: float = _figure(110, "USD per hour", "Blended hourly rate of the team.")
    build_hours_zero_shot: float = _figure(8, _HOURS, "Write and test the instructions.")
    build_hours_few_shot: float = _figure(16, _HOURS, "Also choose and format worked examples.")
    build_hours_system_prompt: float = _figure(32, _HOURS, "Guidelines, constraints, persona.")
    build_hours_rag: float = _figure(100, _HOURS, "Ingestion, index, retrieval tuning, prompt.")
    build_hours_adapter: float = _figure(
        60, _HOURS, "Baseline prompt, training pipeline, deployment of an adapter."
    )
    build_hours_full_fine_tune: float = _figure(
        100, _HOURS, "As for an adapter, plus serving a model of its own."
    )
    evaluation_setup_prompting: float = _figure(
        1_500, _USD, "A test set of real inputs and scoring for prompts."
    )
    evaluation_setup_tuning: float = _figure(
        5_000, _USD, "Held-out test sets and regression checks for a tuned model."
    )
    # Data: an example in a niche field needs an expert to write or check it.
    example_curation_cost: float = _figure(2, _PER_EXAMPLE, "Review and clean an existing example.")
    example_creation_cost_general: float = _figure(
        8, _PER_EXAMPLE, "Write and check a missing example, everyday subject."
    )
    example_creation_cost_specialized: float = _figure(
        20, _PER_EXAMPLE, "Write and check a missing example in a professional field."
    )
    example_creation_cost_niche: float = _figure(
        45, _PER_EXAMPLE, "Write and check a missing example that only specialists can judge."
    )
    training_epochs: float = _figure(
        3, "passes over the data", "How many times training reads each example.", maximum=100
    )
    training_runs_per_build: float = _figure(
        3, "runs", "A pilot run plus two iterations.", maximum=1_000
    )
    # Change and upkeep
    hours_per_prompt_change: float = _figure(4, _HOURS, "Edit the prompt, re-run the evaluation.")
    prompt_rewrite_hours: float = _figure(
        16, _HOURS, "Rewrite guidelines and examples after a rebrand or pivot, and re-evaluate."
    )
    retraining_hours_per_cycle: float = _figure(
        30, _HOURS, "Refresh data, retrain, evaluate and ship a tuned model."
    )
    major_change_new_data_share: float = _figure(
        0.3,
        "share of the training set",
        "After a rebrand or pivot, the part of the training examples written anew.",
        maximum=1,
    )
    model_migration_hours: float = _figure(
        16, _HOURS, "Move a prompt to a provider's successor model and re-evaluate it."
    )
    self_hosting_hours_per_month: float = _figure(
        8, _HOURS, "Patching, monitoring and scaling GPUs the client runs itself."
    )
    max_retraining_cycles_per_year: float = _figure(
        12,
        _PER_YEAR,
        "Changes are batched into at most one retraining cycle a month; changes in between "
        "are made in the tuned model's prompt.",
        maximum=365,
    )
    base_model_updates_per_year_frequent: float = _figure(
        4,
        _PER_YEAR,
        "Base model updates that force retraining when the provider changes models often.",
        maximum=365,
    )
    base_model_updates_per_year_stable: float = _figure(
        1,
        _PER_YEAR,
        "Base model updates that force retraining with a stable provider (none self-hosted).",
        maximum=365,
    )
    requirement_changes_per_year_weekly: float = _figure(52, _PER_YEAR, "Weekly changes.", 365)
    requirement_changes_per_year_monthly: float = _figure(12, _PER_YEAR, "Monthly changes.", 365)
    requirement_changes_per_year_quarterly: float = _figure(4, _PER_YEAR, "Quarterly changes.", 365)
    requirement_changes_per_year_yearly: float = _figure(1, _PER_YEAR, "Yearly changes.", 365)
    requirement_changes_per_year_rarely: float = _figure(
        0.5, _PER_YEAR, "About every two years.", 365
    )
    major_change_month: float = _figure(
        6, "month", "When an expected rebrand, pivot or new rule lands.", maximum=120
    )
    # Prompts and serving
    zero_shot_prompt_share: float = _figure(
        0.25,
        "share of the prompt",
        "How much of the fixed prompt a bare instruction keeps (no examples, no guidelines).",
        maximum=1,
    )
    tuned_prompt_share: float = _figure(
        0.1,
        "share of the prompt",
        "How much of the fixed prompt a tuned model still needs.",
        maximum=1,
    )
    retrieved_context_tokens: float = _figure(
        1_500, "tokens per request", "Passages retrieved into each prompt.", maximum=2_000_000
    )
    retrieval_cost_per_1k_requests: float = _figure(
        0.5, "USD per 1,000 requests", "Searches in the document index."
    )
    vector_store_per_month: float = _figure(70, _PER_MONTH, "A hosted document index.")
    embedding_input_per_mtok: float = _figure(
        0.02, "USD per million tokens", "Turning each question into a search vector."
    )
    peak_to_average_load: float = _figure(
        3, "times the average", "Busy-hour traffic against the monthly average.", maximum=1_000
    )
    # Delivery
    pilot_weeks: float = _figure(
        6, "weeks", "Prepare data, train, evaluate against the prompt: one tuning pilot.", 520
    )
    # (name, source, as_of) for each figure that replaced a default.
    overridden: tuple[tuple[str, str, str | None], ...] = ()
    # The currency of every amount here, and the rate the catalogue's US-dollar prices convert at.
    currency: Currency = US_DOLLAR

    def in_currency(self, currency: Currency) -> "Assumptions":
        """Return a copy with every amount of money converted into `currency` (at the rates of
        both to the US dollar); overrides in the new currency come after."""
        if currency == self.currency:
            return self
        factor = currency.per_usd / self.currency.per_usd
        converted: dict[str, Any] = {
            name: getattr(self, name) * factor
            for name, spec in ASSUMPTION_SPECS.items()
            if spec.is_money
        }
        return replace(self, **converted, currency=currency)

    def with_overrides(
        self,
        overrides: Mapping[str, float],
        *,
        source: str = OVERRIDE_SOURCE,
        as_of: str | None = None,
    ) -> "Assumptions":
        """Return a copy with some figures replaced.

        Raises `ValueError` naming (the first few) names not in `ASSUMPTION_SPECS` and values
        out of range.
        """
        values, errors = check_assumption_overrides(overrides)
        if errors:
            unknown = sorted(str(name) for name in overrides if name not in ASSUMPTION_SPECS)
            wrong = sorted(n for n in overrides if n in ASSUMPTION_SPECS and n not in values)
            raise ValueError(
                "; ".join(
                    f"{what}: {_first_few(names)}"
                    for what, names in (
                        ("unknown assumptions", unknown),
                        ("assumptions out of range", wrong),
                    )
                    if names
                )
            )
        if not overrides:
            return self
        kept = tuple(entry for entry in self.overridden if entry[0] not in overrides)
        added = tuple((name, source, as_of) for name in sorted(overrides))
        figures: dict[str, Any] = values  # only figures: check_assumption_overrides saw to it
        return replace(self, **figures, overridden=tuple(sorted(kept + added)))

    def example_creation_cost(self, domain: str) -> float:
        """What a missing example costs in this domain ("general", "specialized" or "niche")."""
        return float(getattr(self, f"example_creation_cost_{domain}"))

    def listed(self) -> tuple[Assumption, ...]:
        """Every figure with its unit (amounts in this card's currency), date and source, in a
        stable order; a default amount converted from US dollars says at what rate."""
        overrides = {name: (source, as_of) for name, source, as_of in self.overridden}
        code = self.currency.code
        rate = f"{self.currency.per_usd:,.10g} {code} per US dollar"
        dated = f" (rate of {self.currency.as_of})" if self.currency.as_of else ""
        converted = f"{RATE_CARD_SOURCE}, converted at {rate}{dated}"
        listed = []
        for name, spec in ASSUMPTION_SPECS.items():
            default = converted if spec.is_money and code != US_DOLLARS else RATE_CARD_SOURCE
            source, as_of = overrides.get(name, (default, RATES_AS_OF))
            value = getattr(self, name)
            unit = spec.unit_in(code)
            listed.append(Assumption(name, value, unit, spec.description, as_of, source))
        return tuple(listed)


def _spec(figure: "Field[Any]") -> AssumptionSpec:
    meta = figure.metadata
    return AssumptionSpec(figure.name, meta["unit"], meta["description"], meta["maximum"])


ASSUMPTION_SPECS: Final[Mapping[str, AssumptionSpec]] = {
    figure.name: _spec(figure)
    for figure in fields(Assumptions)
    if figure.name not in {"overridden", "currency"}
}
"""Every assumption the cost estimates use, by name, in listing order."""


@cache
def default_assumptions() -> Assumptions:
    """The rate card's default figures."""
    return Assumptions()


def _first_few(names: list[str], shown: int = 5) -> str:
    more = f" and {len(names) - shown:,} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


_KNOWN_ASSUMPTIONS: Final = f"may only name known assumptions: {', '.join(ASSUMPTION_SPECS)}"
_RETIRED: Final = (
    "is no longer used: model prices and tuning offers now come from the model catalogue"
)


def check_assumption_overrides(data: object) -> tuple[dict[str, float], dict[str, str]]:
    """Validate an `assumptions` object: return the overrides and errors keyed `assumptions.x`.

    The known names are listed once, under `assumptions`, however many unknown ones there are.
    """
    if not isinstance(data, Mapping):
        return {}, {"assumptions": "must be an object mapping assumption names to numbers"}
    overrides: dict[str, float] = {}
    errors: dict[str, str] = {}
    unknown_names = False
    for name, value in data.items():
        key = f"assumptions.{name}"
        spec = ASSUMPTION_SPECS.get(name) if isinstance(name, str) else None
        if name in RETIRED_ASSUMPTIONS:
            errors[key] = _RETIRED
        elif spec is None:
            errors[key] = "is not a known assumption; check the spelling"
            unknown_names = True
        elif (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            # A float may be NaN or infinite; an int of any size compares exactly below.
            or (isinstance(value, float) and not math.isfinite(value))
            or not 0 <= value <= spec.maximum
        ):
            errors[key] = f"must be a number from 0 to {spec.maximum:,.10g} ({spec.unit})"
        else:
            overrides[name] = float(value)
    if unknown_names:
        errors["assumptions"] = _KNOWN_ASSUMPTIONS  # said once, however many names are unknown
    return overrides, errors
