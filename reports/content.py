"""What the client report says, section by section, from a frozen assessment.

Every sentence is built from the assessment's stored answers and recommendation, so a report
generated today and one generated next year from the same assessment say the same thing.
"""

from collections import Counter
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any, Final

from django.utils import timezone

from advisor import questionnaire
from advisor.charts import valid_accent
from advisor.evidence import evidence_for_report, outcome_of
from advisor.models import Assessment
from advisor.presentation import (
    answer_rows,
    choice_text,
    comparison,
    display_answer,
    result_context,
)
from advisor.scoring import (
    APPROACH_DESCRIPTIONS,
    APPROACH_LABELS,
    UNKNOWN_KEY,
    Approach,
    Blocker,
    Stage,
)
from advisor.scoring.answers import TRAFFIC_ANSWERS
from advisor.scoring.contract import PilotOutcomeDict
from advisor.scoring.labels import BLOCKER_ACTIONS
from advisor.scoring.outcomes import PROMPTING_APPROACHES
from advisor.scoring.prices import OVERRIDE_SOURCE, RATE_CARD_SOURCE
from advisor.scoring.wording import listing, money
from projects.logos import logo_data_uri
from projects.models import Organization


class Section(StrEnum):
    """The report's sections, in the order they are printed; a consultant can comment on each
    and hide any but the summary."""

    SUMMARY = "summary"
    EVIDENCE = "evidence"  # printed only when the assessment's pilot has results
    USE_CASE = "use_case"
    SPECTRUM = "spectrum"
    WHY = "why"
    COSTS = "costs"
    FLEXIBILITY = "flexibility"
    FEASIBILITY = "feasibility"
    RISKS = "risks"
    NEXT_STEPS = "next_steps"
    WHAT_IF = "what_if"
    CHANGES = "changes"
    APPENDIX = "appendix"


SECTION_TITLES: Final[Mapping[Section, str]] = {
    Section.SUMMARY: "Our recommendation",
    Section.EVIDENCE: "Evidence from the pilot",
    Section.USE_CASE: "What you asked us",
    Section.SPECTRUM: "Where this project sits",
    Section.WHY: "Why we recommend it",
    Section.COSTS: "What each approach costs",
    Section.FLEXIBILITY: "What a change costs",
    Section.FEASIBILITY: "Is fine-tuning feasible?",
    Section.RISKS: "Risks and how we manage them",
    Section.NEXT_STEPS: "Next steps",
    Section.WHAT_IF: "What would change this recommendation",
    Section.CHANGES: "What changed since the previous report",
    Section.APPENDIX: "Appendix",
}

HIDEABLE_SECTIONS: Final = tuple(s for s in Section if s is not Section.SUMMARY)


@dataclass(frozen=True, slots=True)
class NextStepItem:
    """One line of the consultant's plan: what, who, how much work, by when."""

    step: str
    owner: str = ""
    effort: str = ""
    due: date | None = None


@dataclass(frozen=True, slots=True)
class Override:
    """The consultant's own recommendation where it differs from the scoring's, and why."""

    approach: Approach
    rationale: str


@dataclass(frozen=True, slots=True)
class ReportEdits:
    """What the consultant added to the generated report: the report says it in their voice.

    The default is a report nobody has edited yet.
    """

    recipient: str = ""  # the client contact the cover note is addressed to
    cover_note: str = ""
    notes: Mapping[Section, str] = field(default_factory=dict)  # commentary per section
    hidden: frozenset[Section] = frozenset()
    override: Override | None = None
    next_steps: tuple[NextStepItem, ...] = ()
    version: int = 1
    final: bool = False
    dated: date | None = None  # the day it was finalised; a draft carries today's date


# What each fine-tuning prerequisite looks like when it is met, and the answers it rests on
# (when one of them was not known, the report says the status is assumed).
PREREQUISITES: Final[Mapping[Blocker, tuple[str, tuple[str, ...]]]] = {
    Blocker.TOO_FEW_EXAMPLES: ("At least 100 good examples, preferably 500 to 1,000", ()),
    Blocker.DATA_NOT_REPRESENTATIVE: (
        "Examples that cover the full range of real inputs, edge cases too",
        (),
    ),
    Blocker.NO_MAINTENANCE_BUDGET: (
        "A budget for retraining, evaluation and deployment",
        ("maintenance_funded",),
    ),
    Blocker.UNSTABLE_BASE_MODEL: (
        "A base model and provider stable enough to build on",
        ("base_model_stability",),
    ),
    Blocker.BUDGET_TOO_SMALL: ("A budget that covers a tuning pilot", TRAFFIC_ANSWERS),
    Blocker.NO_TIME_FOR_PILOT: ("Time for a pilot before launch", ()),
}

TUNING_STAGES: Final = frozenset(
    {
        Stage.PILOT_FINE_TUNING,
        Stage.MEET_PREREQUISITES,
        Stage.ADOPT_FINE_TUNING,
        Stage.COLLECT_MORE_CASES,
    }
)

# Sections each variant prints; the executive summary is the short one a sponsor reads.
VARIANT_SECTIONS: Final[Mapping[str, tuple[Section, ...]]] = {
    "executive": (Section.SUMMARY, Section.USE_CASE, Section.SPECTRUM, Section.NEXT_STEPS),
    "full": tuple(Section),
}

# What changes under each kind of task, for the risk that requirements move on.
_WHAT_CHANGES: Final[Mapping[str, str]] = {
    "classification": "Categories, labels and the rules for applying them change",
    "extraction": "Document layouts, the fields wanted and the rules for them change",
    "summarization": "What readers need from a summary, and its length and tone, change",
    "content_generation": "Brand voice, messages and house rules change",
    "question_answering": "Facts, policies and products change",
    "code": "Libraries, conventions and the codebase change",
    "conversation": "Policies, offers and the tone wanted change",
}
_WHAT_CHANGES_OTHERWISE: Final = "Requirements, rules and facts change"


@dataclass(frozen=True, slots=True)
class Risk:
    title: str
    risk: str
    mitigation: str


@dataclass(frozen=True, slots=True)
class Prerequisite:
    label: str
    met: bool
    status: str  # "in place", "missing", or either of them assumed, to confirm
    note: str


@dataclass(frozen=True, slots=True)
class Reason:
    stance: str  # "for" or "against" the recommendation
    text: str


@dataclass(frozen=True, slots=True)
class ComparedCost:
    label: str
    is_recommended: bool
    totals: list[float]
    per_change: float


def _unknown(answers: Mapping[str, Any]) -> list[str]:
    listed = answers.get(UNKNOWN_KEY)
    return [f for f in listed if isinstance(f, str)] if isinstance(listed, list) else []


def answer_for_client(answers: Mapping[str, Any], field: str, currency: str) -> str:
    """An answer as the client reads it: one nobody knew yet is the value assumed, said so."""
    shown = display_answer(
        {k: v for k, v in answers.items() if k != UNKNOWN_KEY}, field, currency=currency
    )
    return f"{shown} (assumed until confirmed)" if field in _unknown(answers) else shown


def _changes_per_year(answers: Mapping[str, Any], assumptions: Mapping[str, float]) -> float:
    # A frequency the rules no longer know counts no regular changes rather than breaking.
    per_year = assumptions.get(f"requirement_changes_per_year_{answers.get('change_frequency')}", 0)
    return per_year + (1 if answers.get("major_change_expected") is True else 0)


def _listed(answers: Mapping[str, Any], field: str) -> list[object]:
    value = answers.get(field)
    return value if isinstance(value, list) else []


def _risks(answers: Mapping[str, Any], tuning_indicated: bool) -> list[Risk]:
    changes = _WHAT_CHANGES.get(str(answers.get("task_type")), _WHAT_CHANGES_OTHERWISE)
    risks = [
        Risk(
            "Requirements move on",
            f"{changes}; a system frozen in the old ones quietly gets worse.",
            "Keep what changes in the prompt or in retrieved documents, where an edit takes "
            "hours; check outputs after every change.",
        ),
        Risk(
            "Quality drifts unnoticed",
            "Without measurement nobody sees when answers get worse, whichever approach is used.",
            "Keep a fixed evaluation set of real inputs and score every prompt edit, model "
            "update or retraining against it before shipping.",
        ),
    ]
    concern = answers.get("vendor_lock_in_concern")
    if tuning_indicated or concern != "low":
        said = choice_text("vendor_lock_in_concern", concern).lower()
        if "vendor_lock_in_concern" in _unknown(answers):
            view = f"We assumed your concern about lock-in is {said}; please confirm it."
        else:
            view = f"Your concern about lock-in is {said}."
        risks.append(
            Risk(
                "Lock-in to one provider",
                "A tuned model works only on the base model it was trained on; moving provider "
                f"means training again. {view}",
                "Keep the prompting solution working as a fallback, and keep the training data "
                "and evaluation set so a move costs one training run, not a project.",
            )
        )
    if tuning_indicated:
        risks += [
            Risk(
                "Overfitting",
                "A model tuned on narrow data loses general ability and breaks on inputs unlike "
                "its training examples.",
                "Train on data that covers the full range of real inputs, and judge it only on "
                "held-out examples it never saw.",
            ),
            Risk(
                "Upkeep",
                "Each change of requirements, data or base model needs a retraining cycle: "
                "data refresh, training, evaluation and deployment.",
                "Agree the retraining budget up front and batch changes into planned cycles.",
            ),
            Risk(
                "Data quality",
                "The model copies its examples, mistakes included.",
                "Review the training examples carefully; add hand-made or synthetic examples "
                "only where real ones are missing, and check them too.",
            ),
        ]
    return risks


def _prerequisites(recommendation: Mapping[str, Any], unknown: list[str]) -> list[Prerequisite]:
    tuning = recommendation["fine_tuning"]
    missing, notes = set(tuning["blockers"]), tuning["notes"]
    listed = []
    for blocker, (label, rests_on) in PREREQUISITES.items():
        met = blocker.value not in missing
        assumed = any(field in unknown for field in rests_on)
        status = "in place" if met else "missing"
        listed.append(
            Prerequisite(
                label,
                met,
                f"assumed {status}, to confirm" if assumed else status,
                "" if met else notes.get(blocker.value, ""),
            )
        )
    return listed


def _ranked_reasons(recommendation: Mapping[str, Any]) -> list[Reason]:
    """The decisive reasons, ranked; an assessment stored before reasons existed gets them
    from its factors, by their weight on the recommended approach."""
    stored = recommendation.get("reasons")
    if isinstance(stored, list) and stored:
        return [Reason(r["stance"], r["text"]) for r in stored]
    primary = recommendation["primary_approach"]
    weighted = [
        (f["weights"].get(primary, 0), f["text"])
        for f in recommendation.get("factors", [])
        if isinstance(f.get("weights"), dict)
    ]
    weighted = sorted((w for w in weighted if w[0]), key=lambda w: -abs(w[0]))
    return [Reason("for" if w > 0 else "against", text) for w, text in weighted[:6]]


def _decisive(reasons: list[Reason], count: int = 3) -> list[Reason]:
    """The `count` strongest reasons, those for the recommendation first."""
    backing = [r for r in reasons if r.stance == "for"]
    return (backing + [r for r in reasons if r.stance != "for"])[:count]


def _alternative(recommended: Approach, scores: Mapping[str, int]) -> Approach:
    """What the recommendation is weighed against: the first step into tuning for a prompting
    recommendation, the best-fitting prompting approach for a tuning one."""
    if recommended in PROMPTING_APPROACHES:
        return Approach.ADAPTER
    return max(
        PROMPTING_APPROACHES, key=lambda a: (scores.get(a.value, 0), -list(Approach).index(a))
    )


_BUILD: Final = "Build the {label} solution and evaluate it on real inputs against the quality bar."
_PILOT: Final = (
    "Pilot {label} on a subset of the data and compare it with the best prompt on the same "
    "held-out test cases."
)
# The next step of each stage, for a report whose recommendation is the scoring's.
_STAGE_STEPS: Final[Mapping[Stage, str]] = {
    Stage.START_WITH_PROMPTING: _BUILD,
    Stage.IMPROVE_PROMPT: "Improve the prompt ({label}) and measure it again against the bar.",
    Stage.SHIP_PROMPTING: "Ship the {label} solution and keep measuring it on real inputs.",
    Stage.ADD_RETRIEVAL: "Add retrieval over your documents to the prompt and evaluate it again.",
    Stage.TRY_STRUCTURED_OUTPUT: (
        "Switch on the provider's structured-output feature and evaluate it again."
    ),
    Stage.MEET_PREREQUISITES: "Put the conditions for fine-tuning in place{todo}.",
    Stage.PILOT_FINE_TUNING: _PILOT,
    Stage.ADOPT_FINE_TUNING: (
        "Put the fine-tuned model ({label}) into service, keep the best prompt as the fallback, "
        "and re-run the held-out test cases after every retraining."
    ),
    Stage.KEEP_PROMPTING: (
        "Keep {label} in service and keep improving it; the pilot showed no gain worth the "
        "cost of tuning."
    ),
    Stage.COLLECT_MORE_CASES: (
        "Add held-out test cases to the pilot and compare the two approaches again."
    ),
}


def _next_step(
    stage: Stage, recommended: Approach, overridden: bool, edits: ReportEdits, blockers: list[str]
) -> str:
    """The next step in one sentence: the consultant's first planned step, else the scoring's
    (or, under an override, the first step towards the consultant's approach)."""
    if edits.next_steps:
        first = edits.next_steps[0]
        who = f" ({first.owner})" if first.owner else ""
        when = f", by {first.due:%-d %B %Y}" if first.due else ""
        return f"{first.step.rstrip('.')}{who}{when}."
    if overridden:
        step = _BUILD if recommended in PROMPTING_APPROACHES else _PILOT
    else:
        step = _STAGE_STEPS[stage]
    todo = [BLOCKER_ACTIONS[Blocker(b)] for b in blockers if b in Blocker]
    return step.format(
        label=APPROACH_LABELS[recommended].lower(), todo=f": {listing(todo)}" if todo else ""
    )


@dataclass(frozen=True, slots=True)
class _Standing:
    """Where the report stands: the scoring's recommendation, moved by a pilot's evidence when
    it has results, and the consultant's override of that, if any."""

    outcome: PilotOutcomeDict | None
    stage: Stage
    engine_primary: Approach
    override: Override | None
    recommended: Approach


def _standing(assessment: Assessment, edits: ReportEdits) -> _Standing:
    recommendation = assessment.result
    outcome = outcome_of(assessment)
    source = outcome if outcome else recommendation
    engine_primary = Approach(source["primary_approach"])
    override = (
        edits.override if edits.override and edits.override.approach != engine_primary else None
    )
    return _Standing(
        outcome=outcome,
        stage=Stage(source["stage"]),
        engine_primary=engine_primary,
        override=override,
        recommended=override.approach if override else engine_primary,
    )


def report_next_step(assessment: Assessment, edits: ReportEdits) -> str:
    """The next step the report names, in one sentence, as its summary prints it."""
    standing = _standing(assessment, edits)
    return _next_step(
        standing.stage,
        standing.recommended,
        standing.override is not None,
        edits,
        assessment.result["fine_tuning"]["blockers"],
    )


def _minimum_viable(recommended: Approach, pilot_stage: Stage | None) -> str:
    """One sentence on the least complex approach that meets the need; `pilot_stage` is where a
    pilot's evidence put the engine's own recommendation (None without one, or when the
    consultant's override replaces it: the pilot did not test that)."""
    label = APPROACH_LABELS[recommended].lower()
    if recommended in PROMPTING_APPROACHES:
        return (
            f"{label[0].upper()}{label[1:]} is the least complex approach that meets the need "
            "today. We build it so that fine-tuning can be added later if the evidence calls for "
            "it, and it stays the baseline any tuned model must beat."
        )
    if pilot_stage is Stage.ADOPT_FINE_TUNING:
        return (
            f"The pilot showed {label} is worth its cost on held-out test cases; the best prompt "
            "stays in service as the fallback, and the same cases are run again after every "
            "retraining."
        )
    if pilot_stage is Stage.COLLECT_MORE_CASES:
        return (
            f"{label[0].upper()}{label[1:]} is worth its cost only if the pilot, once it has "
            "enough held-out test cases, proves it; until then the best prompt stays in service "
            "as the baseline and the fallback."
        )
    return (
        f"{label[0].upper()}{label[1:]} is worth its cost only if a pilot proves it on held-out "
        "test cases; until then the best prompt stays in service as the baseline and the "
        "fallback."
    )


def _about(assessment: Assessment, recommendation: Mapping[str, Any], edits: ReportEdits) -> str:
    """The one line that carries dates and versions, for whoever needs to trace the report."""
    state = f"finalised {edits.dated:%-d %B %Y}" if edits.final and edits.dated else "draft"
    parts = [f"Version {edits.version}, {state}"]
    if assessment.submitted_at:
        parts.append(f"answers of {assessment.submitted_at:%-d %B %Y}")
    parts.append(f"scoring rules {assessment.ruleset_version}")
    parts.append(f"questionnaire {assessment.questionnaire_version}")
    if checked := recommendation.get("catalogue_checked_on"):
        with suppress(TypeError, ValueError):  # a stored date that does not read as one
            parts.append(f"model prices checked {date.fromisoformat(checked):%-d %B %Y}")
    return "; ".join(parts) + "."


# Figures that come in one version per answer: only the one for this project's answer applies.
_ONE_PER_ANSWER: Final = (
    ("requirement_changes_per_year_", "change_frequency"),
    ("example_creation_cost_", "domain_specificity"),
    ("base_model_updates_per_year_", "base_model_stability"),
)


def _applies(name: str, answers: Mapping[str, Any]) -> bool:
    for prefix, answer in _ONE_PER_ANSWER:
        if name.startswith(prefix):
            return str(answers.get(answer, "")).startswith(name.removeprefix(prefix))
    return name != "major_change_month" or answers.get("major_change_expected") is True


def _figures(
    assumptions: list[dict[str, Any]], answers: Mapping[str, Any], organization: Organization
) -> dict[str, Any]:
    """The planning figures this project's costs use, in plain words; the source and date most
    of them share is said once, and only a figure from elsewhere names its own."""
    rows = [
        {
            "label": a["label"],
            "value": a["value_text"],
            "source": f"{_client_source(a['source'], organization)}, {_long_date(a.get('as_of'))}"
            if a.get("as_of")
            else _client_source(a["source"], organization),
        }
        for a in assumptions
        if _applies(a["name"], answers)
    ]
    common = Counter(row["source"] for row in rows).most_common(1)
    shared = common[0][0] if common else ""
    plain = "Planning figure"
    heading = (
        f"Planning figures{shared.removeprefix(plain)}"
        if shared.startswith(plain)
        else f"Planning figures ({shared})"
    )
    figures = [{**row, "source": "" if row["source"] == shared else row["source"]} for row in rows]
    half = (len(figures) + 1) // 2  # two columns, each read top to bottom
    return {
        "figures_heading": heading if shared else "Planning figures",
        "figures": figures,
        "figure_pairs": [figures[i : i + half * 2 : half] for i in range(half)],
    }


def _long_date(iso: object) -> str:
    """ "29 November 2026" for a stored ISO date; "" for none, or one that does not read."""
    if isinstance(iso, str):
        with suppress(ValueError):
            return f"{date.fromisoformat(iso):%-d %B %Y}"
    return ""


def _change_sentence(
    ours: float, recommended: Approach, theirs: float, alternative: Approach, currency: str
) -> str:
    """The flexibility trade-off in one sentence, with the cost of one change under each."""
    how = {True: "a prompt edit", False: "a retraining cycle"}
    return (
        f"One change of requirements costs about {money(ours, currency)} with "
        f"{APPROACH_LABELS[recommended].lower()} ({how[recommended in PROMPTING_APPROACHES]}), "
        f"against {money(theirs, currency)} with {APPROACH_LABELS[alternative].lower()} "
        f"({how[alternative in PROMPTING_APPROACHES]})."
    )


def _client_source(source: str, organization: Organization) -> str:
    """Where a figure came from, in the client's words: no tool or file names."""
    if source.startswith(RATE_CARD_SOURCE):
        return "Planning figure" + source.removeprefix(RATE_CARD_SOURCE)
    if source == OVERRIDE_SOURCE:
        return f"Set by {organization.name}"
    return source


def _use_case(answers: Mapping[str, Any], currency: str) -> list[tuple[str, str]]:
    """The project in brief, in the client's terms."""

    def shown(field: str) -> str:
        return answer_for_client(answers, field, currency)

    brief = [
        ("The task", f"{shown('task_type')}, with {_lower_first(shown('output_format'))} output"),
        ("Subject matter", shown("domain_specificity")),
        ("Volume", shown("monthly_requests")),
        ("Launch", f"in {shown('weeks_to_launch')}"),
        ("Budget", f"{shown('build_budget')} to build, {shown('monthly_budget')} a month to run"),
        ("Prompting so far", shown("prompting_status")),
    ]
    gaps = _listed(answers, "gaps")
    if gaps:
        brief.append(("Where it fell short", shown("gaps")))
    return brief


def _lower_first(text: str) -> str:
    """ "Strict schema (JSON...)" → "strict schema (JSON...)": a label inside a sentence."""
    return text[:1].lower() + text[1:]


def _assumed(answers: Mapping[str, Any], currency: str) -> list[tuple[str, str]]:
    """Each answer nobody knew yet, with the value the recommendation assumes for it."""
    plain = {k: v for k, v in answers.items() if k != UNKNOWN_KEY}
    return [
        (questionnaire.QUESTIONS[field].label, display_answer(plain, field, currency=currency))
        for field in _unknown(answers)
        if field in questionnaire.QUESTIONS
    ]


def _factor_rows(recommendation: Mapping[str, Any], recommended: Approach) -> dict[str, list[str]]:
    """Every factor the rules weighed, for or against the recommended approach, or neither."""
    rows: dict[str, list[str]] = {"for": [], "against": [], "other": []}
    for factor in recommendation.get("factors", []):
        weights = factor.get("weights") if isinstance(factor.get("weights"), dict) else {}
        weight = weights.get(recommended.value, 0)
        rows["for" if weight > 0 else "against" if weight < 0 else "other"].append(factor["text"])
    return rows


def _evidence_reasons(outcome: PilotOutcomeDict | None) -> list[Reason]:
    """After a pilot, what decides is its evidence: the verdict's reasons past the headline."""
    if outcome is None:
        return []
    return [Reason(stance="for", text=text) for text in outcome["verdict"]["reasons"][1:4]]


def report_context(
    *,
    assessment: Assessment,
    variant: str,
    organization: Organization,
    prepared_by: str,
    previous: Assessment | None = None,
    edits: ReportEdits | None = None,
) -> dict[str, Any]:
    """Everything the report template needs, for either variant, with the consultant's edits."""
    edits = edits or ReportEdits()
    recommendation = assessment.result
    # After a pilot with results, the recommendation follows its evidence.
    standing = _standing(assessment, edits)
    outcome, stage, override = standing.outcome, standing.stage, standing.override
    engine_primary, recommended = standing.engine_primary, standing.recommended
    hidden_evidence = Section.EVIDENCE in edits.hidden
    evidence = evidence_for_report(assessment) if outcome and not hidden_evidence else None
    result = result_context(
        assessment, accent=organization.brand_color, primary=recommended, for_print=True
    )
    answers = assessment.answers
    currency = result["currency"]
    tuning_indicated = (
        recommended not in PROMPTING_APPROACHES if override else stage in TUNING_STAGES
    )
    figures = {a["name"]: a["value"] for a in result["assumptions"]}
    changes = _changes_per_year(answers, figures)
    rows = {row["approach"]: row for row in result["cost_rows"]}
    alternative = _alternative(recommended, recommendation["scores"])
    reasons = _ranked_reasons(recommendation)
    unknown = _unknown(answers)
    shown = [s for s in VARIANT_SECTIONS[variant] if s not in edits.hidden]
    if previous is None:
        shown = [s for s in shown if s is not Section.CHANGES]
    if evidence is None:
        shown = [s for s in shown if s is not Section.EVIDENCE]
    project = assessment.project
    return {
        **result,
        "variant": variant,
        "edits": edits,
        "evidence": evidence,
        **({"headline": outcome["headline"]} if outcome else {}),
        "shown": {s.value: s in shown for s in Section},
        "titles": {s.value: t for s, t in SECTION_TITLES.items()},
        "notes": {s.value: text for s, text in edits.notes.items() if text.strip()},
        "organization": organization,
        "accent": valid_accent(organization.brand_color),
        "logo": logo_data_uri(organization),
        "project": project,
        "client": project.client,
        "assessment": assessment,
        "prepared_by": prepared_by,
        "recipient": edits.recipient or project.client.contact_name,
        "date": edits.dated if edits.final and edits.dated else timezone.localdate(),
        "override": override,
        "recommended_label": APPROACH_LABELS[recommended],
        "engine_label": APPROACH_LABELS[engine_primary],
        "decisive_reasons": [] if override else (_evidence_reasons(outcome) or _decisive(reasons)),
        "reasons_for": [r.text for r in reasons if r.stance == "for"],
        "reasons_against": [r.text for r in reasons if r.stance != "for"],
        "next_step": _next_step(
            stage,
            recommended,
            override is not None,
            edits,
            recommendation["fine_tuning"]["blockers"],
        ),
        "compared": [
            ComparedCost(
                APPROACH_LABELS[a],
                a is recommended,
                rows[a.value]["totals"],
                rows[a.value]["cost_per_change"],
            )
            for a in (recommended, alternative)
        ],
        "change_sentence": _change_sentence(
            rows[recommended.value]["cost_per_change"],
            recommended,
            rows[alternative.value]["cost_per_change"],
            alternative,
            currency,
        ),
        "minimum_viable": _minimum_viable(recommended, None if override else stage),
        "use_case": _use_case(answers, currency),
        "assumed": _assumed(answers, currency),
        "approaches": [
            {
                "label": APPROACH_LABELS[approach],
                "description": APPROACH_DESCRIPTIONS[approach],
                "score": recommendation["scores"][approach.value],
                "is_primary": approach is engine_primary,
            }
            for approach in Approach
        ],
        "primary_cost": rows[recommended.value],
        "changes_per_year": changes,
        "change_pace": display_answer(answers, "change_frequency").lower()
        if "change_frequency" not in unknown
        else "",
        "assumed_change_pace": choice_text(
            "change_frequency", answers.get("change_frequency")
        ).lower()
        if "change_frequency" in unknown
        else "",
        "major_change_expected": answers.get("major_change_expected") is True,
        "flexibility_rows": [
            {
                "label": row["label"],
                "is_primary": row["is_primary"],
                "per_change": money(row["cost_per_change"], currency),
                "per_year": money(row["cost_per_change"] * changes, currency),
            }
            for row in result["cost_rows"]
        ],
        "prerequisites": _prerequisites(recommendation, unknown),
        "risks": _risks(answers, tuning_indicated),
        "tuning_indicated": tuning_indicated,
        "pilot_metrics": [choice_text("gaps", gap) for gap in _listed(answers, "gaps")],
        "factor_rows": _factor_rows(recommendation, recommended),
        "sections": [
            (
                step,
                [
                    replace(row, value=answer_for_client(answers, row.field, currency))
                    if row.field in answers
                    else row
                    for row in rows_
                ],
            )
            for step, rows_ in answer_rows(assessment, currency=currency)
        ],
        **_figures(result["assumptions"], answers, organization),
        "about": _about(assessment, recommendation, edits),
        "previous": previous,
        **({"changes": comparison(previous, assessment)} if previous else {}),
    }
