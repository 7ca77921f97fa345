"""A recommendation as plain text for a person (`manage.py recommend --format text`)."""

import textwrap
from typing import Final

from advisor.scoring.labels import (
    APPROACH_LABELS,
    BLOCKER_LABELS,
    CONFIDENCE_LABELS,
    STAGE_LABELS,
    model_name,
)
from advisor.scoring.outcomes import Approach
from advisor.scoring.recommendation import Recommendation
from advisor.scoring.wording import rounded

WIDTH: Final = 88  # fits a terminal with room to spare
_BAR_WIDTH: Final = 20  # characters for a score of 100


def _bullet(text: str, indent: int = 2) -> list[str]:
    pad = " " * indent
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=f"{pad}- ",
        subsequent_indent=f"{pad}  ",
        break_on_hyphens=False,
    )


def _heading(title: str) -> list[str]:
    return ["", title, "-" * len(title)]


def _names(approaches: tuple[Approach, ...]) -> str:
    return ", ".join(APPROACH_LABELS[approach].lower() for approach in approaches)


def recommendation_as_text(recommendation: Recommendation) -> str:
    """Render every part of the recommendation readably, ending with a newline."""
    sections = (
        _summary,
        _reasons,
        _fit,
        _feasibility,
        _what_would_change,
        _levers,
        _costs,
        _warnings,
        _all_factors,
        _assumptions,
    )
    lines = [line for section in sections for line in section(recommendation)]
    return "\n".join(lines) + "\n"


def _summary(rec: Recommendation) -> list[str]:
    scoring = rec.scoring
    title = f"Recommendation (rules {scoring.ruleset_version})"
    lines = [title, "=" * len(title), *textwrap.wrap(rec.headline, WIDTH, break_on_hyphens=False)]
    lines.append("")
    lines.append(f"Next step:         {STAGE_LABELS[scoring.stage]}")
    if scoring.later_stages:
        lines.append(
            f"Then:              {', '.join(STAGE_LABELS[s] for s in scoring.later_stages)}"
        )
    lines.append(f"Primary approach:  {APPROACH_LABELS[scoring.primary_approach]}")
    lines.append(f"Confidence:        {CONFIDENCE_LABELS[scoring.confidence]}")
    for note in scoring.confidence_notes:
        lines.extend(_bullet(note, indent=4))
    if scoring.hybrid:
        lines.extend(_heading("Combined design"))
        for part in scoring.hybrid:
            lines.extend(_bullet(f"{APPROACH_LABELS[part.approach]} for {part.covers}."))
    return lines


def _fit(rec: Recommendation) -> list[str]:
    lines = _heading("Fit scores (0-100, higher fits better)")
    for approach, value in rec.scoring.scores.items():
        bar = "#" * round(value * _BAR_WIDTH / 100)
        lines.append(f"  {APPROACH_LABELS[approach]:<32}{value:>4}  {bar}")
    return lines


def _feasibility(rec: Recommendation) -> list[str]:
    scoring = rec.scoring
    feasible = "feasible" if scoring.fine_tuning_feasible else "not feasible yet"
    lines = _heading(f"Fine-tuning: {feasible}")
    if scoring.fine_tuning_feasible:
        lines.extend(_bullet("Every prerequisite holds."))
    for blocker in scoring.blockers:
        lines.extend(_bullet(f"{BLOCKER_LABELS[blocker]}: {scoring.blocker_notes[blocker]}"))
    return lines


def _reasons(rec: Recommendation) -> list[str]:
    lines = _heading("Why (the decisive reasons)")
    for reason in rec.reasons:
        lines.extend(_bullet(f"{reason.stance.capitalize()}: {reason.text}"))
    return lines


def _levers(rec: Recommendation) -> list[str]:
    if not rec.levers:
        return []
    lines = _heading("Levers on cost and speed, without training")
    for lever in rec.levers:
        lines.extend(_bullet(lever.text))
    return lines


def _warnings(rec: Recommendation) -> list[str]:
    if not rec.warnings:
        return []
    lines = _heading("Dates the plan depends on")
    for warning in rec.warnings:
        lines.extend(_bullet(warning.text))
    return lines


def _all_factors(rec: Recommendation) -> list[str]:
    lines = _heading("Every factor the rules weighed")
    for factor in rec.scoring.factors:
        moved = []
        if factor.raises:
            moved.append(f"favours {_names(factor.raises)}")
        if factor.lowers:
            moved.append(f"counts against {_names(factor.lowers)}")
        lines.extend(_bullet(f"{factor.text} ({'; '.join(moved)})"))
    return lines


def _what_would_change(rec: Recommendation) -> list[str]:
    lines = _heading("What would change the recommendation")
    if not rec.sensitivity:
        lines.extend(_bullet("None of the changes tried would change it."))
    for item in rec.sensitivity:
        lines.extend(_bullet(item.text))
    return lines


def _costs(rec: Recommendation) -> list[str]:
    tco = rec.tco
    currency = rec.scoring.currency.code
    lines = _heading(f"Total cost of ownership over {tco.horizon_months} months ({currency})")
    lines.append(f"  {'Approach':<32}{'One-off':>10}{'Monthly':>10}{'Total':>12}  Pays back")
    for approach, total in tco.approaches.items():
        month = total.break_even_month
        pays_back = f"month {month}" if month is not None else "-"
        lines.append(
            f"  {APPROACH_LABELS[approach]:<32}{rounded(total.cost.one_off):>10}"
            f"{rounded(total.cost.monthly):>10}{rounded(total.total):>12}  {pays_back}"
        )
    lines.extend(
        _bullet(
            "Pays back: the month by which a tuned model has cost less in total than every "
            "prompting approach.",
        )
    )
    lines.append("")
    lines.append(f"  Priced on (plan starting {rec.starts_on.isoformat()}):")
    for approach, total in tco.approaches.items():
        on = total.cost.priced_on
        ends = []
        if on.tuning_available_until:
            ends.append(f"tuning offer ends {on.tuning_available_until.isoformat()}")
        if on.retires_on:
            ends.append(f"retires {on.retires_on.isoformat()}")
        dates = f"; {', '.join(ends)}" if ends else ""
        lines.extend(
            _bullet(
                f"{APPROACH_LABELS[approach]}: {model_name(on.model, on.provider)}, prices as of "
                f"{on.verified_on.isoformat()}{dates}.",
                indent=4,
            )
        )
    return lines


def _assumptions(rec: Recommendation) -> list[str]:
    lines = _heading("Assumptions")
    # Grouped by where the figure comes from, groups in order of first appearance.
    groups: dict[str, list[str]] = {}
    for assumption in rec.tco.assumptions:
        origin = assumption.source
        if assumption.as_of is not None:
            origin += f", as of {assumption.as_of}"
        groups.setdefault(origin, []).append(
            f"    {assumption.name:<40}{assumption.value:>10,.10g} {assumption.unit}"
        )
    for origin, entries in groups.items():
        lines.extend([f"  {origin}:", *entries])
    return lines
