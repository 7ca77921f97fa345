"""What a client reads beyond the headline: the decisive reasons, the levers on cost and speed,
and the warnings about models and offers that end during the plan.

Every amount a sentence here names is a figure of the cost table, an answer, or a saving worked
out from the catalogue's prices in the way the cost table works out running costs.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

from advisor.scoring.answers import TRAFFIC_ANSWERS, Answers, Gap
from advisor.scoring.catalogue import Catalogue, InferenceModel
from advisor.scoring.contract import LeverDict, ReasonDict, WarningDict
from advisor.scoring.currency import Currency
from advisor.scoring.labels import model_name
from advisor.scoring.outcomes import PROMPTING_APPROACHES, Approach, Stage
from advisor.scoring.prices import Assumptions
from advisor.scoring.rules import Scoring
from advisor.scoring.tco import (
    PLANNING_MONTHS,
    PricingConstraints,
    Traffic,
    months_until,
    prompt_inference,
    prompt_sizes,
    traffic_of,
)
from advisor.scoring.thresholds import LONG_PROMPT_TOKENS
from advisor.scoring.wording import as_assumed, long_date, money

MAX_REASONS: Final = 6  # what a reader takes in; the full list of factors is in the appendix
# A saving worth a line when the prompt already meets the bar: a tenth of the bill, and at least
# $50 a month (in US dollars, converted into the agency's currency).
WORTHWHILE_SAVING_SHARE: Final = 0.1
WORTHWHILE_SAVING_USD: Final = 50.0

type Stance = Literal["for", "against"]


@dataclass(frozen=True, slots=True)
class Reason:
    """One decisive reason, for or against the recommendation."""

    code: str
    stance: Stance
    text: str

    def to_dict(self) -> ReasonDict:
        """Return JSON-ready data."""
        return {"code": self.code, "stance": self.stance, "text": self.text}


@dataclass(frozen=True, slots=True)
class Lever:
    """A way to make the prompting solution cheaper or faster without training anything."""

    code: str
    text: str
    saving_per_month: float | None

    def to_dict(self) -> LeverDict:
        """Return JSON-ready data."""
        saving = None if self.saving_per_month is None else round(self.saving_per_month, 2)
        return {"code": self.code, "text": self.text, "saving_per_month": saving}


@dataclass(frozen=True, slots=True)
class Warning:
    """Something the plan depends on that ends or changes, with its date."""

    code: str
    text: str

    def to_dict(self) -> WarningDict:
        """Return JSON-ready data."""
        return {"code": self.code, "text": self.text}


def reasons(scoring: Scoring, said_elsewhere: Iterable[str]) -> tuple[Reason, ...]:
    """The factors that most separate the recommendation from the runner-up, ranked: each
    raises the recommendation against it (for) or the runner-up against it (against).
    Sentences already said in the headline, blockers or confidence notes are left out."""
    primary, rival = scoring.primary_approach, scoring.runner_up
    said = set(said_elsewhere)
    ranked = []
    for index, factor in enumerate(scoring.factors):
        weights = dict(factor.weights)
        lead = weights.get(primary, 0) - weights.get(rival, 0)
        if lead and factor.text not in said:
            ranked.append((-abs(lead), index, factor.code, lead, factor.text))
    ranked.sort()
    return tuple(
        Reason(code, "for" if lead > 0 else "against", text)
        for _, _, code, lead, text in ranked[:MAX_REASONS]
    )


def _chosen_model(scoring: Scoring, catalogue: Catalogue) -> InferenceModel:
    return catalogue.inference[scoring.costs[Approach.SYSTEM_PROMPT].priced_on.key]


def _prompting_primary(scoring: Scoring) -> Approach:
    primary = scoring.primary_approach
    return primary if primary in PROMPTING_APPROACHES else Approach.SYSTEM_PROMPT


@dataclass(frozen=True, slots=True)
class _Bill:
    """The prompting solution's running cost and what it is priced on, for the levers: the
    same sizes and prices the cost table used, so every saving is a difference of its bill."""

    answers: Answers
    model: InferenceModel
    inference: float
    traffic: Traffic
    batch: bool
    fixed_prompt: float
    retrieved: float
    currency: Currency

    def on(
        self,
        model: InferenceModel,
        *,
        fixed_prompt: float | None = None,
        cached: bool = True,
        batch: bool | None = None,
    ) -> float:
        return prompt_inference(
            model,
            self.traffic,
            self.fixed_prompt if fixed_prompt is None else fixed_prompt,
            batch=self.batch if batch is None else batch,
            currency=self.currency,
            cached=cached,
            retrieved=self.retrieved,
        )

    def money(self, amount: float) -> str:
        return money(amount, self.currency.code)


def _saving(
    code: str, saving: float, text: str, *, answers: Answers, states: tuple[str, ...] = ()
) -> Lever | None:
    """A lever worth a line: one that saves at least one unit of the currency a month; its
    sentence says so when it rests on an answer nobody knew yet."""
    if round(saving) < 1:
        return None
    return Lever(code, as_assumed(text) if set(states) & set(answers.unknown) else text, saving)


def _cheaper_model(bill: _Bill, current: InferenceModel | None) -> Lever | None:
    if current is None or current.key == bill.model.key:
        return None
    saving = bill.on(current) - bill.inference
    return _saving(
        "cheaper_model",
        saving,
        f"Moving from {model_name(current.label, current.provider)} to "
        f"{model_name(bill.model.label, bill.model.provider)} would save about "
        f"{bill.money(saving)} a month on the model's bill.",
        answers=bill.answers,
        states=("current_model", *TRAFFIC_ANSWERS),
    )


def _caching(bill: _Bill) -> Lever | None:
    model, prompt = bill.model, bill.fixed_prompt
    if model.cached_input_per_mtok is None or prompt < model.min_cached_prompt_tokens:
        return None
    saving = bill.on(model, cached=False) - bill.inference
    return _saving(
        "prompt_caching",
        saving,
        f"The costs assume the {round(prompt):,}-token fixed prompt is cached, which saves about "
        f"{bill.money(saving)} a month: make sure caching is switched on.",
        answers=bill.answers,
        states=TRAFFIC_ANSWERS,
    )


def _batch(bill: _Bill) -> Lever | None:
    if bill.batch or not bill.model.batch_discount or bill.answers.latency_target_ms is not None:
        return None
    saving = bill.inference - bill.on(bill.model, batch=True)
    return _saving(
        "batch",
        saving,
        "If answers can wait a few hours, the provider's batch mode would save about "
        f"{bill.money(saving)} a month.",
        answers=bill.answers,
        states=TRAFFIC_ANSWERS,
    )


def _shorter_prompt(bill: _Bill) -> Lever | None:
    prompt = bill.fixed_prompt
    if prompt < LONG_PROMPT_TOKENS:
        return None
    saving = bill.inference - bill.on(bill.model, fixed_prompt=prompt / 2)
    return _saving(
        "shorter_prompt",
        saving,
        f"Halving the {round(prompt):,}-token fixed prompt (fewer or shorter examples, tighter "
        f"guidelines) would save about {bill.money(saving)} a month and shorten every request.",
        answers=bill.answers,
        states=TRAFFIC_ANSWERS,
    )


_FASTER_SERVING = Lever(
    "faster_serving",
    "For speed: a smaller or faster model, streaming the answer as it is written, and "
    "shorter outputs.",
    None,
)


def levers(
    answers: Answers,
    scoring: Scoring,
    constraints: PricingConstraints,
    catalogue: Catalogue,
    assumptions: Assumptions,
) -> tuple[Lever, ...]:
    """Ways to cut the prompting solution's running cost or time, where they apply."""
    gaps = set(answers.gaps)
    shipping = scoring.stage is Stage.SHIP_PROMPTING
    wants_cost, wants_speed = Gap.COST in gaps or shipping, Gap.LATENCY in gaps
    current = catalogue.inference.get(constraints.current_model or "")
    if not (wants_cost or wants_speed or current):
        return ()
    approach = _prompting_primary(scoring)
    cost = scoring.costs[approach]
    fixed, retrieved = prompt_sizes(approach, answers, assumptions)
    bill = _Bill(
        answers,
        _chosen_model(scoring, catalogue),
        cost.inference,
        traffic_of(answers),
        constraints.batch_allowed,
        fixed,
        retrieved,
        cost.currency,
    )
    found = [_cheaper_model(bill, current)]
    if wants_cost:
        found += [_caching(bill), _batch(bill)]
    if wants_cost or wants_speed:
        found.append(_shorter_prompt(bill))
    if wants_speed:
        found.append(_FASTER_SERVING)
    chosen = [lever for lever in found if lever is not None]
    if shipping:
        # When the prompt meets the bar, only savings worth a change are worth a line.
        worthwhile = cost.currency.from_usd(WORTHWHILE_SAVING_USD)
        floor = max(worthwhile, WORTHWHILE_SAVING_SHARE * bill.inference)
        chosen = [lever for lever in chosen if (lever.saving_per_month or 0) >= floor]
    return tuple(chosen)


def warnings(
    scoring: Scoring,
    constraints: PricingConstraints,
    catalogue: Catalogue,
    today: date,
    horizon_months: int,
    unknown: tuple[str, ...] = (),
) -> tuple[Warning, ...]:
    """Models and offers that end during the plan, once each; and the model in use today."""
    found: dict[str, Warning] = {}
    current = catalogue.inference.get(constraints.current_model or "")
    unsure_of_model = "current_model" in unknown
    if current is not None and current.retires_on is not None:
        month = months_until(today, current.retires_on)
        if month <= max(horizon_months, PLANNING_MONTHS):
            successor = catalogue.inference.get(current.successor or "")
            then = f"; {successor.label} is its named successor" if successor else ""
            text = (
                f"The model in use today, {current.label}, is retired by {current.provider} on "
                f"{long_date(current.retires_on)}{then}. The prompts must move before then."
            )
            found[f"current:{current.key}"] = Warning(
                "current_model_retires", as_assumed(text) if unsure_of_model else text
            )
    for cost in scoring.costs.values():
        for event in cost.events:
            if event.code in {"model_retires", "tuning_offer_ends"}:
                key = f"{event.code}:{cost.priced_on.key}"
                if event.month <= horizon_months and key not in found:
                    found[key] = Warning(event.code, event.text)
    provider = current.provider if current else None
    for ended in catalogue.unavailable.values():
        ends = ended.ends_on
        if provider and ended.label.startswith(provider) and ends is not None and ends >= today:
            found[f"ended:{ended.key}"] = Warning("tuning_offer_ends", ended.reason)
    return tuple(found.values())


def said_sentences(texts: Iterable[str]) -> set[str]:
    """Each text and each of its sentences, to keep one sentence from being said twice."""
    sentences: set[str] = set()
    for text in texts:
        sentences.add(text)
        sentences.update(part.strip() + "." for part in text.split(". ") if part.strip())
    return sentences
