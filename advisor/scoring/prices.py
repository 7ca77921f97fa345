"""Every price and rate the cost estimates use, each with its date and source.

Inference prices per token come from genai-prices' bundled, dated table (it works offline);
labour, data, training and hosting rates from our own small rate card below. Any figure can be
overridden per run (the input file's `assumptions` object) and later per organization.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from functools import cache
from typing import Any, Final

from advisor.scoring.contract import AssumptionDict

RATES_AS_OF: Final = "2026-11-01"
RATE_CARD_SOURCE: Final = "Advisor rate card"
OVERRIDE_SOURCE: Final = "override in the input file"

# Prices are looked up as on a fixed day so a recommendation does not drift with the clock.
INFERENCE_PRICES_AS_OF: Final = datetime(2026, 11, 1, tzinfo=UTC)

MAX_RATE: Final = 1_000_000_000  # the same ceiling as a budget: anything above is a typo


@dataclass(frozen=True, slots=True)
class PricedModel:
    """A model whose per-token prices are read from genai-prices."""

    provider_id: str
    model_ref: str


# A large general model: what a prompting solution runs on to follow long instructions.
PROMPTING_MODEL: Final = PricedModel("openai", "gpt-4o")
# A smaller model at fine-tuned rates: tuning lets it replace the large one for this task.
TUNED_MODEL: Final = PricedModel("openai", "ft:gpt-4o-mini-2024-07-18")
# Retrieval embeds every query to look up the client's documents.
EMBEDDING_MODEL: Final = PricedModel("openai", "text-embedding-3-small")


@dataclass(frozen=True, slots=True)
class AssumptionSpec:
    """What one assumption means, its unit, and the range an override may take."""

    name: str
    unit: str
    description: str
    maximum: float = MAX_RATE


@dataclass(frozen=True, slots=True)
class Assumption:
    """One figure as used in a calculation, ready to list in a report."""

    name: str
    value: float
    unit: str
    description: str
    as_of: str | None
    source: str
    model: str | None = None
    provider: str | None = None

    def to_dict(self) -> AssumptionDict:
        """Return JSON-ready data."""
        data: AssumptionDict = {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "description": self.description,
            "as_of": self.as_of,
            "source": self.source,
        }
        if self.model is not None and self.provider is not None:
            data["model"] = self.model
            data["provider"] = self.provider
        return data


_HOURS = "hours"
_USD = "USD"
_PER_EXAMPLE = "USD per example"
_PER_MONTH = "USD per month"
_PER_YEAR = "per year"
_PER_MTOK = "USD per million tokens"


def _rate(
    name: str, value: float, unit: str, description: str, maximum: float = MAX_RATE
) -> tuple[str, tuple[float, AssumptionSpec]]:
    return name, (value, AssumptionSpec(name, unit, description, maximum))


# The agency's planning figures as of RATES_AS_OF: name -> (value, spec).
_RATE_CARD: Final[dict[str, tuple[float, AssumptionSpec]]] = dict(
    (
        _rate("labour_rate_per_hour", 110, "USD per hour", "Blended agency rate."),
        _rate("build_hours_zero_shot", 8, _HOURS, "Write and test the instructions."),
        _rate("build_hours_few_shot", 16, _HOURS, "Also choose and format worked examples."),
        _rate("build_hours_system_prompt", 32, _HOURS, "Guidelines, constraints, persona."),
        _rate("build_hours_rag", 100, _HOURS, "Ingestion, index, retrieval tuning, prompt."),
        _rate("build_hours_adapter", 60, _HOURS, "Baseline prompt, training pipeline, deploy."),
        _rate("build_hours_full_fine_tune", 140, _HOURS, "As an adapter, plus model serving."),
        _rate("evaluation_setup_prompting", 1_500, _USD, "Test set and scoring for prompts."),
        _rate("evaluation_setup_tuning", 5_000, _USD, "Held-out sets, regression checks."),
        _rate("example_curation_cost", 2, _PER_EXAMPLE, "Review and clean an existing example."),
        _rate("example_creation_cost", 8, _PER_EXAMPLE, "Create and check a missing example."),
        _rate("adapter_training_examples", 1_000, "examples", "Training set for an adapter."),
        _rate("full_fine_tune_training_examples", 5_000, "examples", "Set for a full tune."),
        _rate("training_runs_per_build", 3, "runs", "A pilot plus two iterations."),
        _rate("adapter_training_run_cost", 250, "USD per run", "One adapter training run."),
        _rate("full_fine_tune_training_run_cost", 6_000, "USD per run", "One full training run."),
        _rate("hours_per_prompt_change", 4, _HOURS, "Edit the prompt, re-run the evaluation."),
        _rate("retraining_hours_per_cycle", 30, _HOURS, "Refresh data, retrain, evaluate, ship."),
        _rate(
            "max_retraining_cycles_per_year",
            12,
            _PER_YEAR,
            "Changes are batched into at most one retraining cycle a month.",
            maximum=365,
        ),
        _rate(
            "base_model_updates_per_year_frequent",
            4,
            _PER_YEAR,
            "Base model updates that force retraining when the provider changes models often.",
            maximum=365,
        ),
        _rate(
            "base_model_updates_per_year_stable",
            1,
            _PER_YEAR,
            "Base model updates that force retraining with a stable provider (none self-hosted).",
            maximum=365,
        ),
        _rate("requirement_changes_per_year_weekly", 52, _PER_YEAR, "Weekly changes."),
        _rate("requirement_changes_per_year_monthly", 12, _PER_YEAR, "Monthly changes."),
        _rate("requirement_changes_per_year_quarterly", 4, _PER_YEAR, "Quarterly changes."),
        _rate("requirement_changes_per_year_yearly", 1, _PER_YEAR, "Yearly changes."),
        _rate("requirement_changes_per_year_rarely", 0.5, _PER_YEAR, "About every two years."),
        _rate(
            "major_change_month",
            6,
            "month",
            "When an expected rebrand, pivot or regulation lands: one extra change.",
            maximum=120,
        ),
        _rate(
            "zero_shot_prompt_share",
            0.25,
            "share",
            "Part of the prompt overhead a zero-shot prompt keeps: instructions only.",
            maximum=1,
        ),
        _rate(
            "tuned_prompt_share",
            0.1,
            "share",
            "Part of the prompt overhead a tuned model still needs.",
            maximum=1,
        ),
        _rate(
            "retrieved_context_tokens",
            1_500,
            "tokens per request",
            "Retrieved passages added to each prompt.",
            maximum=2_000_000,
        ),
        _rate("retrieval_cost_per_1k_requests", 0.5, "USD per 1,000 requests", "Vector searches."),
        _rate("vector_store_per_month", 70, _PER_MONTH, "Hosted vector index."),
        _rate(
            "adapter_hosting_per_month",
            0,
            _PER_MONTH,
            "Extra hosting for an adapter: none, the provider serves it per token.",
        ),
        _rate(
            "full_fine_tune_hosting_per_month",
            2_500,
            _PER_MONTH,
            "Dedicated GPU serving for a fully fine-tuned model.",
        ),
    )
)

_PRICE_SPECS: Final[dict[str, tuple[PricedModel, str, AssumptionSpec]]] = {
    spec.name: (model, side, spec)
    for model, side, spec in (
        (
            PROMPTING_MODEL,
            "input",
            AssumptionSpec("prompting_input_per_mtok", _PER_MTOK, "Large general model, input."),
        ),
        (
            PROMPTING_MODEL,
            "output",
            AssumptionSpec("prompting_output_per_mtok", _PER_MTOK, "Large general model, output."),
        ),
        (
            TUNED_MODEL,
            "input",
            AssumptionSpec("tuned_input_per_mtok", _PER_MTOK, "Smaller fine-tuned model, input."),
        ),
        (
            TUNED_MODEL,
            "output",
            AssumptionSpec("tuned_output_per_mtok", _PER_MTOK, "Smaller fine-tuned model, output."),
        ),
        (
            EMBEDDING_MODEL,
            "input",
            AssumptionSpec("embedding_input_per_mtok", _PER_MTOK, "Embedding each query."),
        ),
    )
}

ASSUMPTION_SPECS: Final[Mapping[str, AssumptionSpec]] = {
    **{name: spec for name, (_, spec) in _RATE_CARD.items()},
    **{name: spec for name, (_, _, spec) in _PRICE_SPECS.items()},
}
"""Every assumption the cost estimates use, by name, in listing order."""


@dataclass(frozen=True, slots=True)
class Assumptions:
    """The figures used for one run: defaults, possibly with overrides (see `overridden`)."""

    labour_rate_per_hour: float
    build_hours_zero_shot: float
    build_hours_few_shot: float
    build_hours_system_prompt: float
    build_hours_rag: float
    build_hours_adapter: float
    build_hours_full_fine_tune: float
    evaluation_setup_prompting: float
    evaluation_setup_tuning: float
    example_curation_cost: float
    example_creation_cost: float
    adapter_training_examples: float
    full_fine_tune_training_examples: float
    training_runs_per_build: float
    adapter_training_run_cost: float
    full_fine_tune_training_run_cost: float
    hours_per_prompt_change: float
    retraining_hours_per_cycle: float
    max_retraining_cycles_per_year: float
    base_model_updates_per_year_frequent: float
    base_model_updates_per_year_stable: float
    requirement_changes_per_year_weekly: float
    requirement_changes_per_year_monthly: float
    requirement_changes_per_year_quarterly: float
    requirement_changes_per_year_yearly: float
    requirement_changes_per_year_rarely: float
    major_change_month: float
    zero_shot_prompt_share: float
    tuned_prompt_share: float
    retrieved_context_tokens: float
    retrieval_cost_per_1k_requests: float
    vector_store_per_month: float
    adapter_hosting_per_month: float
    full_fine_tune_hosting_per_month: float
    prompting_input_per_mtok: float
    prompting_output_per_mtok: float
    tuned_input_per_mtok: float
    tuned_output_per_mtok: float
    embedding_input_per_mtok: float
    # (name, source, as_of) for each figure that replaced a default.
    overridden: tuple[tuple[str, str, str | None], ...] = ()

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
        return replace(self, **values, overridden=tuple(sorted(kept + added)))

    def listed(self) -> tuple[Assumption, ...]:
        """Every figure with its unit, date and source, in a stable order."""
        overrides = {name: (source, as_of) for name, source, as_of in self.overridden}
        listed = []
        for name, spec in ASSUMPTION_SPECS.items():
            value = getattr(self, name)
            if name in overrides:
                source, as_of = overrides[name]
                listed.append(Assumption(name, value, spec.unit, spec.description, as_of, source))
            elif name in _PRICE_SPECS:
                listed.append(_price_assumption(name, value))
            else:
                listed.append(
                    Assumption(
                        name, value, spec.unit, spec.description, RATES_AS_OF, RATE_CARD_SOURCE
                    )
                )
        return tuple(listed)


@dataclass(frozen=True, slots=True)
class ModelPrice:
    """Per-million-token prices of one model, as genai-prices states them."""

    model: str
    provider: str
    input_per_mtok: float
    output_per_mtok: float
    source: str


@cache
def model_price(model: PricedModel) -> ModelPrice:
    """Look a model's prices up in genai-prices' bundled table (once per process)."""
    # Imported here: loading the price table takes a moment that most callers never need.
    import genai_prices

    million = 1_000_000
    calculation = genai_prices.calc_price(
        genai_prices.Usage(input_tokens=million, output_tokens=million),
        model_ref=model.model_ref,
        provider_id=model.provider_id,
        genai_request_timestamp=INFERENCE_PRICES_AS_OF,
    )
    return ModelPrice(
        model=calculation.model.id,
        provider=calculation.provider.name,
        input_per_mtok=float(calculation.input_price),
        output_per_mtok=float(calculation.output_price),
        source=f"genai-prices {genai_prices.__version__}",
    )


def _price_assumption(name: str, value: float) -> Assumption:
    model, _, spec = _PRICE_SPECS[name]
    price = model_price(model)
    return Assumption(
        name,
        value,
        spec.unit,
        spec.description,
        INFERENCE_PRICES_AS_OF.date().isoformat(),
        price.source,
        model=price.model,
        provider=price.provider,
    )


@cache
def default_assumptions() -> Assumptions:
    """The rate card plus genai-prices' inference prices, built once per process."""
    # Any: the names are checked against the dataclass fields at import time.
    values: dict[str, Any] = {name: float(value) for name, (value, _) in _RATE_CARD.items()}
    for name, (model, side, _) in _PRICE_SPECS.items():
        price = model_price(model)
        values[name] = price.input_per_mtok if side == "input" else price.output_per_mtok
    return Assumptions(**values)


def _first_few(names: list[str], shown: int = 5) -> str:
    more = f" and {len(names) - shown:,} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


_KNOWN_ASSUMPTIONS: Final = f"may only name known assumptions: {', '.join(ASSUMPTION_SPECS)}"


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
        if spec is None:
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


def _check_specs_match_fields() -> None:
    # A cheap guard at import: the dataclass and the specs are two lists of the same names.
    names = [f.name for f in fields(Assumptions) if f.name != "overridden"]
    if names != list(ASSUMPTION_SPECS):  # pragma: no cover - a programming error
        raise RuntimeError("Assumptions fields and ASSUMPTION_SPECS are out of step")


_check_specs_match_fields()
