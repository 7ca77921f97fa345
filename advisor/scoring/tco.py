"""Total cost of ownership of each approach, priced on named models and offers.

Prompting runs on the cheapest catalogue model the answers allow, with the fixed prompt cached
where the provider caches prompts and batch prices where answers can wait. Tuning runs on the
cheapest tuning offer the answers allow that stays open over the planning period; a tuned model
on dedicated or self-hosted GPUs pays for the GPUs its traffic needs, not per token.

Upkeep is the number of requirement changes a year times the cost of one change: a prompt edit,
or a retraining cycle for a tuned model (which also retrains when its base model changes). Dated
one-off costs, such as an expected rebrand or a model the provider retires during the period,
land in the month they happen.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Final

from advisor.scoring.answers import (
    NO_CURRENT_MODEL,
    OTHER_MODEL,
    Answers,
    BaseModelStability,
    ChangeFrequency,
    DomainSpecificity,
    Gap,
    ReliabilityRequirement,
    TunedModelHosting,
)
from advisor.scoring.catalogue import (
    Catalogue,
    InferenceModel,
    Serving,
    Tier,
    TuningMethod,
    TuningOffer,
    load_catalogue,
)
from advisor.scoring.contract import (
    ApproachTotalDict,
    CostOfOwnershipDict,
    CostSnapshotDict,
    PricedOnDict,
)
from advisor.scoring.currency import Currency
from advisor.scoring.outcomes import PROMPTING_APPROACHES, TUNING_APPROACHES, Approach
from advisor.scoring.prices import Assumption, Assumptions, default_assumptions
from advisor.scoring.thresholds import ADAPTER_TRAINING_EXAMPLES, FULL_FINE_TUNE_EXAMPLES
from advisor.scoring.wording import long_date

MAX_HORIZON_MONTHS: Final = 120  # ten years: beyond that every price here is fiction
DEFAULT_HORIZON_MONTHS: Final = 12
# Models and offers are chosen for the longest horizon a result shows, so one table holds.
PLANNING_MONTHS: Final = 36
HOURS_PER_MONTH: Final = 730
SECONDS_PER_MONTH: Final = HOURS_PER_MONTH * 3600
# Providers keep a cached prompt about five minutes: one request in five minutes keeps it warm.
WARM_CACHE_REQUESTS_PER_MONTH: Final = 8_640
_MILLION: Final = 1_000_000


@dataclass(frozen=True, slots=True)
class PricingConstraints:
    """What the answers allow a price to assume: where data may go, where a tuned model may
    run, whether answers can wait for a batch, and the model the client runs today."""

    data_may_leave_cloud: bool = True
    tuned_model_hosting: TunedModelHosting = TunedModelHosting.NO_PREFERENCE
    batch_allowed: bool = False
    current_model: str | None = None


@dataclass(frozen=True, slots=True)
class PricedOn:
    """The model or offer an approach's costs assume, and the dates that limit it."""

    key: str
    provider: str
    model: str
    source: str
    verified_on: date
    tuning_available_until: date | None
    retires_on: date | None

    def to_dict(self) -> PricedOnDict:
        """Return JSON-ready data (dates in ISO form, None when there is none)."""
        return {
            "provider": self.provider,
            "model": self.model,
            "source": self.source,
            "verified_on": self.verified_on.isoformat(),
            "tuning_available_until": _iso(self.tuning_available_until),
            "retires_on": _iso(self.retires_on),
        }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass(frozen=True, slots=True)
class CostEvent:
    """A one-off cost in a given month: a rebrand, or a move off a model that is retired."""

    month: int
    amount: float
    code: str  # "major_change", "model_retires", "tuning_offer_ends"
    text: str


@dataclass(frozen=True, slots=True)
class ApproachCost:
    """What one approach costs for this project, before choosing a horizon, in `currency`."""

    approach: Approach
    priced_on: PricedOn
    currency: Currency
    build: float
    evaluation_setup: float
    data_preparation: float
    training: float
    inference: float
    retrieval: float
    hosting: float
    upkeep: float
    change_cost: float
    major_change_cost: float
    events: tuple[CostEvent, ...]

    @property
    def one_off(self) -> float:
        """Build, evaluation set-up, data preparation and training, paid once."""
        return self.build + self.evaluation_setup + self.data_preparation + self.training

    @property
    def monthly(self) -> float:
        """Inference, retrieval, hosting and the monthly share of recurring upkeep."""
        return self.inference + self.retrieval + self.hosting + self.upkeep

    def cumulative(self, month: int) -> float:
        """Everything paid by the end of `month` (0 = at launch)."""
        dated = sum(event.amount for event in self.events if event.month <= month)
        return self.one_off + self.monthly * month + dated

    def cumulative_by_month(self, months: int) -> list[float]:
        """`cumulative` for months 1 to `months`, in one pass."""
        dated = [0.0] * (months + 1)
        for event in self.events:
            if event.month <= months:
                dated[max(event.month, 0)] += event.amount
        one_off, monthly, so_far, totals = self.one_off, self.monthly, dated[0], []
        for month in range(1, months + 1):
            so_far += dated[month]
            totals.append(one_off + monthly * month + so_far)
        return totals


def months_until(today: date, day: date) -> int:
    """The month of the plan (1 = the first month from today) in which `day` falls."""
    months = (day.year - today.year) * 12 + day.month - today.month
    return max(1, months + (1 if day.day >= today.day else 0))


def _changes_per_year(frequency: ChangeFrequency, a: Assumptions) -> float:
    match frequency:
        case ChangeFrequency.WEEKLY:
            return a.requirement_changes_per_year_weekly
        case ChangeFrequency.MONTHLY:
            return a.requirement_changes_per_year_monthly
        case ChangeFrequency.QUARTERLY:
            return a.requirement_changes_per_year_quarterly
        case ChangeFrequency.YEARLY:
            return a.requirement_changes_per_year_yearly
        case ChangeFrequency.RARELY:
            return a.requirement_changes_per_year_rarely


def _base_model_updates_per_year(stability: BaseModelStability, a: Assumptions) -> float:
    match stability:
        case BaseModelStability.FREQUENT_UPDATES:
            return a.base_model_updates_per_year_frequent
        case BaseModelStability.STABLE:
            return a.base_model_updates_per_year_stable
        case BaseModelStability.SELF_HOSTED:
            return 0.0  # a self-hosted base changes only when the agency decides


def required_tier(answers: Answers) -> Tier:
    """The smallest model tier that can do the job: a niche field, behaviour that must always
    hold or a skill the model lacks call for a provider's strongest model."""
    if (
        answers.domain_specificity is DomainSpecificity.NICHE
        or answers.reliability_requirement is ReliabilityRequirement.CRITICAL
        or Gap.SKILL in answers.gaps
    ):
        return Tier.LARGE
    return Tier.SMALL


# --- Prompting ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Traffic:
    """One month's requests and their sizes, the same for every approach."""

    requests: int
    input_tokens: int
    output_tokens: int


def traffic_of(answers: Answers) -> Traffic:
    """A month's requests and their sizes, as the answers give them."""
    return Traffic(answers.monthly_requests, answers.input_tokens, answers.output_tokens)


def prompt_inference(
    model: InferenceModel,
    traffic: Traffic,
    fixed_prompt: float,
    *,
    batch: bool,
    currency: Currency,
    cached: bool = True,
    retrieved: float = 0.0,
) -> float:
    """A month of requests on `model` in `currency`: the fixed prompt cached where the provider
    caches it (unless `cached` is False, to show what caching saves); retrieved passages, which
    differ on every request, never are."""
    cache_price = model.cached_input_per_mtok if cached else None
    if cache_price is not None and fixed_prompt >= model.min_cached_prompt_tokens:
        # Below one request in five minutes the cache goes cold between requests.
        warm = min(1.0, traffic.requests / WARM_CACHE_REQUESTS_PER_MONTH)
        prompt_price = warm * cache_price + (1 - warm) * model.input_per_mtok
    else:
        prompt_price = model.input_per_mtok
    per_request = (
        fixed_prompt * prompt_price
        + (traffic.input_tokens + retrieved) * model.input_per_mtok
        + traffic.output_tokens * model.output_per_mtok
    )
    discount = model.batch_discount if batch and model.batch_discount else 0.0
    return currency.from_usd(traffic.requests * per_request / _MILLION * (1 - discount))


def _usable(model: InferenceModel, constraints: PricingConstraints, today: date) -> bool:
    if model.retires_on is not None and model.retires_on <= today:
        return False
    return constraints.data_may_leave_cloud or model.in_client_cloud


def prompting_models(
    catalogue: Catalogue, constraints: PricingConstraints, tier: Tier, today: date
) -> list[InferenceModel]:
    """The models prompting may run on, given where data may go and the tier the job needs:
    those that stay on offer all plan long, if there are any (nobody builds on a model about
    to be retired); otherwise those retiring, with the move to a successor priced in."""
    usable = [m for m in catalogue.inference.values() if _usable(m, constraints, today)]
    allowed = [m for m in usable if tier is Tier.SMALL or m.tier is Tier.LARGE]
    lasting = [
        m
        for m in allowed
        if m.retires_on is None or months_until(today, m.retires_on) > PLANNING_MONTHS
    ]
    return lasting or allowed


def _model_priced_on(model: InferenceModel) -> PricedOn:
    return PricedOn(
        key=model.key,
        provider=model.provider,
        model=model.label,
        source=model.price_source.url,
        verified_on=model.price_source.checked_on,
        tuning_available_until=None,
        retires_on=model.retires_on,
    )


def _retirement(
    model: InferenceModel, today: date, cost: float, catalogue: Catalogue
) -> tuple[CostEvent, ...]:
    """Moving the prompt to the provider's successor, if the model retires within the plan."""
    if model.retires_on is None:
        return ()
    month = months_until(today, model.retires_on)
    if month > PLANNING_MONTHS:
        return ()
    successor = catalogue.inference.get(model.successor or "")
    onto = f" onto {successor.label}" if successor else " onto its successor"
    return (
        CostEvent(
            month=month,
            amount=cost,
            code="model_retires",
            text=f"{model.provider} retires {model.label} on {long_date(model.retires_on)} "
            f"(month {month}): moving the prompt{onto} and testing it again is included, at "
            "today's prices.",
        ),
    )


# --- Tuning ------------------------------------------------------------------------------------


def _offer_allowed(offer: TuningOffer, constraints: PricingConstraints) -> bool:
    if not constraints.data_may_leave_cloud and not offer.in_client_cloud:
        return False
    match constraints.tuned_model_hosting:
        case TunedModelHosting.OWN_CLOUD:
            return offer.in_client_cloud
        case TunedModelHosting.PROVIDER:
            return offer.serving is not Serving.SELF_HOSTED
        case TunedModelHosting.NO_PREFERENCE:
            return True


def _open_over_plan(offer: TuningOffer, today: date, pilot_weeks: float) -> bool:
    """True when a pilot can still start, and the tuned model keeps running, all plan long."""
    start_by = today.toordinal() + round(pilot_weeks * 7)
    if offer.available_until is not None and offer.available_until.toordinal() < start_by:
        return False
    return offer.retires_on is None or months_until(today, offer.retires_on) > PLANNING_MONTHS


def tuning_offers(
    catalogue: Catalogue,
    constraints: PricingConstraints,
    approach: Approach,
    today: date,
    pilot_weeks: float,
) -> list[TuningOffer]:
    """The offers that can tune for `approach`: an adapter (LoRA or a provider's hosted tuning)
    or full fine-tuning; those open over the whole plan if there are any."""
    methods = (
        {TuningMethod.FULL}
        if approach is Approach.FULL_FINE_TUNE
        else {TuningMethod.LORA, TuningMethod.HOSTED_SUPERVISED}
    )
    offers = [offer for offer in catalogue.tuning.values() if offer.method in methods]
    # Where the answers leave no offer, the hosting preference gives way first, then where
    # data may go: an approach is always priced, on the offer nearest to what was asked.
    relaxed = (
        constraints,
        replace(constraints, tuned_model_hosting=TunedModelHosting.NO_PREFERENCE),
        replace(
            constraints,
            tuned_model_hosting=TunedModelHosting.NO_PREFERENCE,
            data_may_leave_cloud=True,
        ),
    )
    allowed = next(
        (found for c in relaxed if (found := [o for o in offers if _offer_allowed(o, c)])), []
    )
    lasting = [offer for offer in allowed if _open_over_plan(offer, today, pilot_weeks)]
    return lasting or allowed


def gpus_needed(offer: TuningOffer, traffic: Traffic, prompt_tokens: float, peak: float) -> int:
    """GPUs to serve the busy hour: at least one, always on."""
    capacity = offer.tokens_per_second_per_gpu or 0.0
    if capacity <= 0:
        return 1
    tokens = traffic.input_tokens + traffic.output_tokens + prompt_tokens
    busy = traffic.requests * tokens / SECONDS_PER_MONTH * peak
    return max(1, math.ceil(busy / capacity))


def _offer_priced_on(offer: TuningOffer) -> PricedOn:
    return PricedOn(
        key=offer.key,
        provider=offer.provider,
        model=offer.label,
        source=offer.price_source.url,
        verified_on=offer.price_source.checked_on,
        tuning_available_until=offer.available_until,
        retires_on=offer.retires_on,
    )


# --- Putting it together -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Plan:
    """What every approach's costs share for one set of answers."""

    answers: Answers
    a: Assumptions
    catalogue: Catalogue
    constraints: PricingConstraints
    today: date
    traffic: Traffic
    changes_per_year: float

    @property
    def rate(self) -> float:
        return self.a.labour_rate_per_hour

    @property
    def currency(self) -> Currency:
        return self.a.currency

    def major_change(self, amount: float) -> tuple[CostEvent, ...]:
        if not self.answers.major_change_expected:
            return ()
        month = max(1, round(self.a.major_change_month))
        return (
            CostEvent(
                month=month,
                amount=amount,
                code="major_change",
                text=f"The expected rebrand, pivot or new rule, assumed in month {month}.",
            ),
        )


def _move_from_current(plan: _Plan, model: InferenceModel, cost: float) -> tuple[CostEvent, ...]:
    """Moving the prompt from the model the client runs today, when it is priced elsewhere."""
    current = plan.catalogue.inference.get(plan.constraints.current_model or "")
    if current is None or current.key == model.key:
        return ()
    return (
        CostEvent(
            month=1,
            amount=cost,
            code="model_change",
            text=f"Moving the prompt from {current.label} to {model.label} and testing it again.",
        ),
    )


def prompt_sizes(approach: Approach, answers: Answers, a: Assumptions) -> tuple[float, float]:
    """What a prompting approach sends besides the user's input: its fixed prompt (instructions,
    guidelines, examples) and, for retrieval, the passages looked up for each request."""
    prompt = float(answers.prompt_tokens)
    match approach:
        case Approach.ZERO_SHOT:
            return prompt * a.zero_shot_prompt_share, 0.0
        case Approach.RAG:
            return prompt, a.retrieved_context_tokens
        case _:
            return prompt, 0.0


def _prompting_cost(
    plan: _Plan,
    approach: Approach,
    model: InferenceModel,
    hours: float,
    retrieval: float = 0.0,
) -> ApproachCost:
    a = plan.a
    change = a.hours_per_prompt_change * plan.rate
    rewrite = a.prompt_rewrite_hours * plan.rate
    migration = a.model_migration_hours * plan.rate
    fixed, retrieved = prompt_sizes(approach, plan.answers, a)
    inference = prompt_inference(
        model,
        plan.traffic,
        fixed,
        batch=plan.constraints.batch_allowed,
        currency=plan.currency,
        retrieved=retrieved,
    )
    return ApproachCost(
        approach=approach,
        priced_on=_model_priced_on(model),
        currency=plan.currency,
        build=hours * plan.rate,
        evaluation_setup=a.evaluation_setup_prompting,
        data_preparation=0.0,
        training=0.0,
        inference=inference,
        retrieval=retrieval,
        hosting=0.0,
        upkeep=plan.changes_per_year * change / 12,
        change_cost=change,
        major_change_cost=rewrite if plan.answers.major_change_expected else 0.0,
        events=plan.major_change(rewrite)
        + _move_from_current(plan, model, migration)
        + _retirement(model, plan.today, migration, plan.catalogue),
    )


def _tuned_cost(plan: _Plan, approach: Approach, offer: TuningOffer) -> ApproachCost:
    answers, a, from_usd = plan.answers, plan.a, plan.currency.from_usd
    examples = (
        FULL_FINE_TUNE_EXAMPLES
        if approach is Approach.FULL_FINE_TUNE
        else ADAPTER_TRAINING_EXAMPLES
    )
    have = min(answers.example_count, examples)
    create = a.example_creation_cost(str(answers.domain_specificity))
    prompt = answers.prompt_tokens * a.tuned_prompt_share
    example_tokens = answers.input_tokens + answers.output_tokens + prompt
    run = from_usd(
        examples * example_tokens * a.training_epochs * offer.training_per_mtok / _MILLION
    )
    retrain = a.retraining_hours_per_cycle * a.labour_rate_per_hour + run
    # After a rebrand or pivot a share of the examples is written anew, then a full cycle.
    major = retrain + examples * a.major_change_new_data_share * create
    if offer.serving is Serving.PER_TOKEN:
        inference = from_usd(
            plan.traffic.requests
            * (
                (answers.input_tokens + prompt) * (offer.tuned_input_per_mtok or 0.0)
                + answers.output_tokens * (offer.tuned_output_per_mtok or 0.0)
            )
            / _MILLION
        )
        hosting = 0.0
    else:
        # GPUs billed by the hour carry all the traffic: no per-token price on top.
        inference = 0.0
        gpus = gpus_needed(offer, plan.traffic, prompt, a.peak_to_average_load)
        hosting = from_usd(gpus * (offer.gpu_hour or 0.0) * HOURS_PER_MONTH)
        if offer.serving is Serving.SELF_HOSTED:
            hosting += a.self_hosting_hours_per_month * plan.rate
    retrains_per_year = min(
        plan.changes_per_year + _base_model_updates_per_year(answers.base_model_stability, a),
        a.max_retraining_cycles_per_year,
    )
    # Changes that come faster than the model can be retrained go into its prompt meanwhile.
    patched_per_year = max(0.0, plan.changes_per_year - retrains_per_year)
    build_hours = (
        a.build_hours_full_fine_tune
        if approach is Approach.FULL_FINE_TUNE
        else a.build_hours_adapter
    )
    return ApproachCost(
        approach=approach,
        priced_on=_offer_priced_on(offer),
        currency=plan.currency,
        build=build_hours * plan.rate,
        evaluation_setup=a.evaluation_setup_tuning,
        data_preparation=have * a.example_curation_cost + (examples - have) * create,
        training=a.training_runs_per_build * run,
        inference=inference,
        retrieval=0.0,
        hosting=hosting,
        upkeep=(
            retrains_per_year * retrain + patched_per_year * a.hours_per_prompt_change * plan.rate
        )
        / 12,
        change_cost=retrain,
        major_change_cost=major if answers.major_change_expected else 0.0,
        events=plan.major_change(major) + _offer_ends(plan, offer, retrain),
    )


def _offer_ends(plan: _Plan, offer: TuningOffer, retrain: float) -> tuple[CostEvent, ...]:
    """Re-tuning elsewhere when the tuned model stops being served within the plan."""
    if offer.retires_on is None or months_until(plan.today, offer.retires_on) > PLANNING_MONTHS:
        return ()
    month = months_until(plan.today, offer.retires_on)
    return (
        CostEvent(
            month=month,
            amount=retrain,
            code="tuning_offer_ends",
            text=f"{offer.provider} stops serving models tuned with {offer.label} on "
            f"{long_date(offer.retires_on)} (month {month}): tuning again on another offer is "
            "included, at today's prices.",
        ),
    )


def _cheapest[T](costs: Iterable[tuple[T, ApproachCost]]) -> tuple[T, ApproachCost]:
    """The option with the lowest cost over the planning period (ties: the first listed)."""
    return min(costs, key=lambda option: round(option[1].cumulative(PLANNING_MONTHS), 2))


def approach_costs(
    answers: Answers,
    assumptions: Assumptions | None = None,
    *,
    constraints: PricingConstraints | None = None,
    today: date | None = None,
    catalogue: Catalogue | None = None,
) -> dict[Approach, ApproachCost]:
    """Cost every approach for these answers, in spectrum order.

    `today` is when the plan starts (the catalogue's date by default, so results are
    reproducible); models and offers are the cheapest the constraints allow over 36 months.
    Amounts are in the assumptions' currency, catalogue prices converted at its rate.
    """
    a = assumptions or default_assumptions()
    catalogue = catalogue or load_catalogue()
    constraints = constraints or PricingConstraints()
    plan = _Plan(
        answers=answers,
        a=a,
        catalogue=catalogue,
        constraints=constraints,
        today=today or catalogue.checked_on,
        traffic=traffic_of(answers),
        changes_per_year=_changes_per_year(answers.change_frequency, a),
    )
    prompt = float(answers.prompt_tokens)
    models = prompting_models(catalogue, constraints, required_tier(answers), plan.today)
    if not models:
        raise ValueError("the model catalogue offers no model these answers allow")
    # The representative prompting approach (a system prompt) picks the model for all four:
    # what differs between models is the bill and the moves off it; ties go to the first.
    migration = a.model_migration_hours * plan.rate

    def over_the_plan(m: InferenceModel) -> float:
        bill = prompt_inference(
            m, plan.traffic, prompt, batch=constraints.batch_allowed, currency=plan.currency
        )
        moves = _move_from_current(plan, m, migration) + _retirement(
            m, plan.today, migration, catalogue
        )
        return round(bill * PLANNING_MONTHS + sum(e.amount for e in moves), 2)

    model = min(models, key=over_the_plan)
    retrieval = (
        answers.monthly_requests / 1000 * a.retrieval_cost_per_1k_requests
        + answers.monthly_requests * answers.input_tokens * a.embedding_input_per_mtok / _MILLION
        + a.vector_store_per_month
    )
    costs = {
        Approach.ZERO_SHOT: _prompting_cost(
            plan, Approach.ZERO_SHOT, model, a.build_hours_zero_shot
        ),
        Approach.FEW_SHOT: _prompting_cost(plan, Approach.FEW_SHOT, model, a.build_hours_few_shot),
        Approach.SYSTEM_PROMPT: _prompting_cost(
            plan, Approach.SYSTEM_PROMPT, model, a.build_hours_system_prompt
        ),
        Approach.RAG: _prompting_cost(plan, Approach.RAG, model, a.build_hours_rag, retrieval),
    }
    for approach in TUNING_APPROACHES:
        offers = tuning_offers(catalogue, constraints, approach, plan.today, a.pilot_weeks)
        if not offers:
            raise ValueError(f"the model catalogue offers no way to tune for {approach}")
        _, costs[approach] = _cheapest((o, _tuned_cost(plan, approach, o)) for o in offers)
    return costs


def break_even_month(
    approach: Approach, costs: Mapping[Approach, ApproachCost], horizon_months: int
) -> int | None:
    """The first month by whose end a tuned approach has cost less, in total, than every
    prompting approach; None if that does not happen within the horizon, and always None
    for prompting approaches (they are the baseline).
    """
    if approach not in TUNING_APPROACHES:
        return None
    tuned = costs[approach].cumulative_by_month(horizon_months)
    cheapest = map(
        min, *(costs[p].cumulative_by_month(horizon_months) for p in PROMPTING_APPROACHES)
    )
    for month, (paid, baseline) in enumerate(zip(tuned, cheapest, strict=True), start=1):
        if paid < baseline:
            return month
    return None


def _money(value: float) -> float:
    # Cents, and never "-0.0", so the JSON is byte-stable.
    return round(value, 2) + 0.0


@dataclass(frozen=True, slots=True)
class ApproachTotal:
    """One approach's cost over the horizon."""

    cost: ApproachCost
    horizon_months: int
    total: float
    break_even_month: int | None

    def to_dict(self) -> ApproachTotalDict:
        """Return JSON-ready data, money rounded to cents."""
        cost = self.cost
        return {
            "one_off": _money(cost.one_off),
            "monthly": _money(cost.monthly),
            "total": _money(self.total),
            "break_even_month": self.break_even_month,
            "one_off_breakdown": {
                "build": _money(cost.build),
                "evaluation_setup": _money(cost.evaluation_setup),
                "data_preparation": _money(cost.data_preparation),
                "training": _money(cost.training),
            },
            "monthly_breakdown": {
                "inference": _money(cost.inference),
                "retrieval": _money(cost.retrieval),
                "hosting": _money(cost.hosting),
                "upkeep": _money(cost.upkeep),
            },
            "cost_per_change": _money(cost.change_cost),
            "major_change_cost": _money(cost.major_change_cost),
            "events": [
                {"month": e.month, "amount": _money(e.amount), "code": e.code, "text": e.text}
                for e in cost.events
                if e.month <= self.horizon_months
            ],
            "priced_on": cost.priced_on.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class CostOfOwnership:
    """Every approach's total cost over a horizon, with the figures behind it."""

    horizon_months: int
    approaches: Mapping[Approach, ApproachTotal]
    assumptions: tuple[Assumption, ...]

    def to_dict(self) -> CostOfOwnershipDict:
        """Return JSON-ready data."""
        return {
            "horizon_months": self.horizon_months,
            "approaches": {str(k): v.to_dict() for k, v in self.approaches.items()},
            "assumptions": [assumption.to_dict() for assumption in self.assumptions],
        }


def total_cost_of_ownership(
    costs: Mapping[Approach, ApproachCost],
    *,
    horizon_months: int = DEFAULT_HORIZON_MONTHS,
    assumptions: Assumptions | None = None,
) -> CostOfOwnership:
    """Every approach's costs over `horizon_months` (1 to 120), from the costs the scoring
    computed; cheap enough to call per horizon."""
    if not 1 <= horizon_months <= MAX_HORIZON_MONTHS:
        raise ValueError(f"horizon_months must be from 1 to {MAX_HORIZON_MONTHS}")
    a = assumptions or default_assumptions()
    return CostOfOwnership(
        horizon_months=horizon_months,
        approaches={
            approach: ApproachTotal(
                cost=cost,
                horizon_months=horizon_months,
                total=cost.cumulative(horizon_months),
                break_even_month=break_even_month(approach, costs, horizon_months),
            )
            for approach, cost in costs.items()
        },
        assumptions=a.listed(),
    )


def cost_snapshot(
    costs: Mapping[Approach, ApproachCost],
    *,
    horizons: tuple[int, ...],
    assumptions: Assumptions,
) -> CostSnapshotDict:
    """The costs to freeze with a result: the TCO at each horizon, and each approach's
    cumulative cost month by month up to the longest, for the chart."""
    longest = max(horizons)
    return {
        "horizons": {
            str(months): total_cost_of_ownership(
                costs, horizon_months=months, assumptions=assumptions
            ).to_dict()
            for months in horizons
        },
        "cumulative": {
            str(approach): [round(cost.cumulative(month), 2) for month in range(longest + 1)]
            for approach, cost in costs.items()
        },
    }


def pricing_constraints(answers: Answers) -> PricingConstraints:
    """What the answers allow a price to assume."""
    known = answers.current_model not in (NO_CURRENT_MODEL, OTHER_MODEL)
    return PricingConstraints(
        data_may_leave_cloud=answers.data_may_leave_cloud,
        tuned_model_hosting=answers.tuned_model_hosting,
        batch_allowed=answers.batch_allowed,
        current_model=answers.current_model if known else None,
    )
