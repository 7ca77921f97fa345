"""Turn a stored assessment into what people read: answer rows, the result, a comparison.

Shared by the result page, the review page, the comparison and the PDF report, so every
surface says the same thing in the same words.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from django.utils.safestring import SafeString

from advisor import questionnaire
from advisor.charts import (
    CostSeries,
    Emphasis,
    ScoreBar,
    approach_scores_svg,
    cost_over_time_svg,
)
from advisor.models import Assessment
from advisor.scoring import (
    ANSWER_FIELDS,
    APPROACH_LABELS,
    BLOCKER_LABELS,
    CONFIDENCE_LABELS,
    STAGE_LABELS,
    UNKNOWN_KEY,
    Approach,
    Blocker,
    Confidence,
    FieldKind,
    Stage,
    choice_label,
)
from advisor.scoring.contract import CostSnapshotDict, PricedOnDict, RecommendationDict
from advisor.scoring.currency import US_DOLLARS, currency_info
from advisor.scoring.labels import ASSUMPTION_LABELS, model_name
from advisor.scoring.wording import (
    listing,
    long_date,
    money,
    money_cents,
    number,
    singular,
    with_sign,
    with_unit,
)


@dataclass(frozen=True)
class AnswerRow:
    field: str
    label: str
    value: str
    error: str = ""
    note: str = ""


def _as_stored(value: object) -> str:
    """A stored value outside the contract (say, from an older questionnaire), shown as it is."""
    if value is None:
        return "Not answered"
    try:
        text = str(value)
    except (ValueError, RecursionError):  # an integer too long to print, or absurd nesting
        text = "a value too large to show"
    return f"“{text if len(text) <= 60 else text[:57] + '...'}”"


def _is_number(value: object) -> bool:
    """A number that prints well: not a bool, finite, and of a size any answer could have."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value.bit_length() <= 64
    return isinstance(value, float) and math.isfinite(value)


def choice_text(field: str, value: object) -> str:
    """The label of one value of a choice answer; one the contract does not know, as stored."""
    if isinstance(value, str) and value in ANSWER_FIELDS[field].choices:
        return choice_label(field, value)
    return _as_stored(value)


def format_answer(
    field: str, value: object, *, unit: str | None = None, currency: str = US_DOLLARS
) -> str:
    """One answer as a person reads it, with its unit (the question's, unless given); an
    amount of money in `currency`.

    Never raises: a value the contract does not allow is shown as it was stored, so no stored
    answer can break a page or a report.
    """
    spec = ANSWER_FIELDS.get(field)
    if spec is None:
        return _as_stored(value)
    question = questionnaire.QUESTIONS[field]
    unit = question.unit if unit is None else unit
    match spec.kind:
        case _ if value is None and spec.nullable:
            return question.blank
        case FieldKind.CHOICE:
            return choice_text(field, value)
        case FieldKind.MULTIPLE_CHOICE if isinstance(value, list | tuple):
            return ", ".join(choice_text(field, item) for item in value) or "None"
        case FieldKind.BOOLEAN if isinstance(value, bool):
            return "Yes" if value else "No"
        case FieldKind.NUMBER if isinstance(value, int | float) and _is_number(value):
            return _measure(value, unit, currency)
        case FieldKind.INTEGER if isinstance(value, int) and _is_number(value):
            return with_unit(value, unit)
    return _as_stored(value)


def _measure(value: float, unit: str, currency: str) -> str:
    """A number in its unit: "$12,500", "85%", "£0.004 per request", "2,400 milliseconds".
    Amounts of money are in `currency`: the answers' units name dollars, the contract's
    default."""
    match unit:
        case "USD" | "USD per month":
            return money_cents(value, currency)
        case "percent":
            return f"{number(value)}%"
        case "USD per request":
            return f"{with_sign(number(value), currency)} per request"
        case "":
            return number(value)
    return f"{number(value)} {singular(unit) if value == 1 else unit}"


def display_answer(answers: Mapping[str, Any], field: str, *, currency: str = US_DOLLARS) -> str:
    """An answer as shown to people, amounts in `currency`; a "don't know" shows the value
    that was assumed, and an optional answer not given yet its default."""
    spec = ANSWER_FIELDS.get(field)
    value = answers.get(field, spec.default if spec and spec.optional else None)
    unit = questionnaire.unit_of(field, answers)
    shown = format_answer(field, value, unit=unit, currency=currency)
    unknown = answers.get(UNKNOWN_KEY)
    is_unknown = isinstance(unknown, list) and field in unknown
    return f"Don't know (assumed: {shown})" if is_unknown else shown


DEFAULT_NOTE = "not answered yet: the default"


def answer_rows(
    assessment: Assessment,
    *,
    errors: Mapping[str, str] | None = None,
    currency: str = US_DOLLARS,
) -> list[tuple[questionnaire.Step, list[AnswerRow]]]:
    """Every applicable question per step, with its answer (or why it is missing), amounts in
    `currency` (the assessment's); an optional answer the assessment does not hold (it was
    stored before the question existed) shows its default, saying so."""
    errors = errors or {}
    sections = []
    for step in questionnaire.STEPS:
        rows = []
        for field in questionnaire.applicable_fields(step, assessment.answers):
            label = questionnaire.QUESTIONS[field].label
            if field in assessment.pending_inputs:
                typed = _as_stored(assessment.pending_inputs[field])
                rows.append(AnswerRow(field, label, typed, "not a valid answer yet"))
            elif field in assessment.answers:
                value = display_answer(assessment.answers, field, currency=currency)
                rows.append(AnswerRow(field, label, value, errors.get(field, "")))
            elif ANSWER_FIELDS[field].optional:
                value = display_answer(assessment.answers, field, currency=currency)
                rows.append(AnswerRow(field, label, value, errors.get(field, ""), DEFAULT_NOTE))
            else:
                rows.append(AnswerRow(field, label, "Not answered", "missing"))
        sections.append((step, rows))
    return sections


def _emphasis(approach: Approach, primary: Approach, hybrid: set[str]) -> Emphasis:
    if approach == primary:
        return "primary"
    return "hybrid" if approach.value in hybrid else "none"


def result_context(
    assessment: Assessment, *, accent: str, primary: Approach | None = None, for_print: bool = False
) -> dict[str, Any]:
    """Everything the result page and the report show, from the frozen snapshot; the costs and
    the charts single out `primary` (a consultant's own recommendation, or the one a pilot's
    evidence leads to), by default the scoring's. Charts
    `for_print` carry their whole description in their title, the PDF's alternative text."""
    result: RecommendationDict = assessment.result
    costs: CostSnapshotDict = assessment.cost_snapshot
    currency = assessment.currency
    primary = primary or Approach(result["primary_approach"])
    hybrid_keys = {part["approach"] for part in result["hybrid"]}
    horizons = sorted(costs["horizons"], key=int)
    cost_rows = []
    priced_on: dict[str, list[str]] = {}  # what costs are priced on -> the approaches priced so
    for approach in Approach:
        per_horizon = [costs["horizons"][h]["approaches"][approach.value] for h in horizons]
        if on := _priced_on(per_horizon[-1].get("priced_on")):
            priced_on.setdefault(on, []).append(APPROACH_LABELS[approach])
        cost_rows.append(
            {
                "approach": approach.value,
                "label": APPROACH_LABELS[approach],
                "is_primary": approach == primary,
                "one_off": per_horizon[0]["one_off"],
                "monthly": per_horizon[0]["monthly"],
                "totals": [cost["total"] for cost in per_horizon],
                "break_even_month": per_horizon[-1]["break_even_month"],
                "cost_per_change": per_horizon[0]["cost_per_change"],
                "events": per_horizon[-1].get("events", []),
            }
        )
    scores_chart: SafeString = approach_scores_svg(
        [
            ScoreBar(
                key=approach.value,
                label=APPROACH_LABELS[approach],
                score=result["scores"][approach.value],
                emphasis=_emphasis(approach, primary, hybrid_keys),
            )
            for approach in Approach
        ],
        accent=accent,
        describe_in_title=for_print,
    )
    cost_chart: SafeString = cost_over_time_svg(
        [
            CostSeries(
                key=approach.value,
                label=APPROACH_LABELS[approach],
                points=tuple(costs["cumulative"][approach.value]),
                emphasis=_emphasis(approach, primary, hybrid_keys),
            )
            for approach in Approach
        ],
        accent=accent,
        currency=currency,
        describe_in_title=for_print,
    )
    reasons = result.get("reasons", [])
    return {
        "priced_on": [
            {"approaches": listing(labels), "on": on} for on, labels in priced_on.items()
        ],
        "result": result,
        "currency": currency,
        "currency_name": currency_info(currency).name,
        "conversion": _conversion(result, currency),
        "headline": result["headline"],
        "reasons_for": [r["text"] for r in reasons if r["stance"] == "for"],
        "reasons_against": [r["text"] for r in reasons if r["stance"] == "against"],
        "levers": result.get("levers", []),
        "warnings": result.get("warnings", []),
        "stage_label": STAGE_LABELS[Stage(result["stage"])],
        "primary_label": APPROACH_LABELS[primary],
        "confidence_label": CONFIDENCE_LABELS[Confidence(result["confidence"])],
        "hybrid": [
            {"label": APPROACH_LABELS[Approach(part["approach"])], "for": part["for"]}
            for part in result["hybrid"]
        ],
        "blockers": [
            {
                "label": BLOCKER_LABELS[Blocker(code)],
                "note": result["fine_tuning"]["notes"].get(code, ""),
            }
            for code in result["fine_tuning"]["blockers"]
        ],
        "horizons": horizons,
        "cost_rows": cost_rows,
        "assumptions": [
            {
                **a,
                "label": ASSUMPTION_LABELS.get(a["name"], a["description"]),
                "value_text": figure_text(a["value"], a["unit"]),
            }
            for a in costs["horizons"][horizons[0]]["assumptions"]
        ],
        "scores_chart": scores_chart,
        "cost_chart": cost_chart,
    }


_PER_ONE: Final = {"per hour": "an hour", "per example": "an example", "per month": "a month"}
_TIMES_A_YEAR: Final = {0.5: "once every two years", 1.0: "once a year", 2.0: "twice a year"}


def figure_text(value: float, unit: str) -> str:
    """A rate card figure in plain words with its unit: "$110 an hour", "25% of the prompt",
    "month 6", "once a year", "32 hours"."""
    code, _, rest = unit.partition(" ")
    if len(code) == 3 and code.isupper():  # an amount of money: "USD per hour", "GBP"
        return f"{money_cents(value, code)} {_PER_ONE.get(rest, rest)}".strip()
    if unit.startswith("share of "):
        return f"{number(round(value * 100, 2))}% of {unit.removeprefix('share of ')}"
    if unit == "month":
        return f"month {number(value)}"
    if unit == "times a year" and value in _TIMES_A_YEAR:
        return _TIMES_A_YEAR[value]
    return f"{number(value)} {singular(unit) if value == 1 else unit}".strip()


def _conversion(result: RecommendationDict, currency: str) -> str:
    """How the catalogue's US-dollar prices became the result's currency: "" in dollars."""
    rate = result.get("exchange_rate")
    if currency == US_DOLLARS or not isinstance(rate, dict):
        return ""
    per_usd = rate.get("per_usd")
    as_of = rate.get("as_of")
    if not isinstance(per_usd, int | float) or isinstance(per_usd, bool):
        return ""
    text = (
        f"Amounts are in {currency_info(currency).name}. Model prices, listed in US dollars, "
        f"were converted at {per_usd:,.10g} {currency} per US dollar"
    )
    try:
        when = f", the rate set on {_day(as_of)}" if isinstance(as_of, str) else ""
    except ValueError:  # a stored date that does not read as one
        when = ""
    return f"{text}{when}."


def _priced_on(priced: PricedOnDict | None) -> str:
    """ "GPT-6 Luna (OpenAI), prices as of 29 November 2026; retired ..." for a cost row."""
    if priced is None:
        return ""
    text = f"{model_name(priced['model'], priced['provider'])}, prices as of "
    text += _day(priced["verified_on"])
    if priced["tuning_available_until"]:
        text += f"; new tuning ends {_day(priced['tuning_available_until'])}"
    if priced["retires_on"]:
        text += f"; retires {_day(priced['retires_on'])}"
    return text


def _day(iso: str) -> str:
    return long_date(date.fromisoformat(iso))


def comparison(older: Assessment, newer: Assessment) -> dict[str, Any]:
    """What changed between two submitted assessments: answers, outcome, scores and costs."""
    was, now = older.currency, newer.currency
    changed_answers = [
        {
            "label": questionnaire.QUESTIONS[field].label,
            "before": display_answer(older.answers, field, currency=was),
            "after": display_answer(newer.answers, field, currency=now),
        }
        for field in ANSWER_FIELDS
        if display_answer(older.answers, field, currency=was)
        != display_answer(newer.answers, field, currency=now)
    ]
    before, after = older.result, newer.result
    horizon = max(older.cost_snapshot["horizons"], key=int)
    score_rows = []
    for approach in Approach:
        old_cost = older.cost_snapshot["horizons"][horizon]["approaches"][approach.value]["total"]
        new_cost = newer.cost_snapshot["horizons"][horizon]["approaches"][approach.value]["total"]
        score_rows.append(
            {
                "label": APPROACH_LABELS[approach],
                "before": before["scores"][approach.value],
                "after": after["scores"][approach.value],
                "delta": after["scores"][approach.value] - before["scores"][approach.value],
                "cost_before": old_cost,
                "cost_after": new_cost,
                "cost_after_text": money(new_cost, now),
                # Amounts in two currencies do not subtract: the agency changed its currency.
                "cost_delta_text": money(new_cost - old_cost, now, signed=True)
                if was == now
                else f"was {money(old_cost, was)}",
            }
        )
    outcome = [
        {
            "label": "Next step",
            "before": STAGE_LABELS[Stage(before["stage"])],
            "after": STAGE_LABELS[Stage(after["stage"])],
        },
        {
            "label": "Primary approach",
            "before": APPROACH_LABELS[Approach(before["primary_approach"])],
            "after": APPROACH_LABELS[Approach(after["primary_approach"])],
        },
        {
            "label": "Confidence",
            "before": CONFIDENCE_LABELS[Confidence(before["confidence"])],
            "after": CONFIDENCE_LABELS[Confidence(after["confidence"])],
        },
        {
            "label": "Fine-tuning feasible",
            "before": "Yes" if before["fine_tuning"]["feasible"] else "No",
            "after": "Yes" if after["fine_tuning"]["feasible"] else "No",
        },
        {"label": "Rules version", "before": older.ruleset_version, "after": newer.ruleset_version},
    ]
    if was != now:
        outcome.append({"label": "Currency", "before": was, "after": now})
    return {
        "changed_answers": changed_answers,
        "outcome": outcome,
        "score_rows": score_rows,
        "cost_horizon": horizon,
    }
