"""What people read of a pilot's evidence: the result page's panel and side-by-side comparison,
and the client report's section (`evidence_for_report`).

Read from the stored verdict and outputs, so the page and every report say the same thing. The
client's side names no labels from the results file: "prompting" and "the fine-tuned model",
and the picked cases as examples 1, 2...
"""

import re
from dataclasses import dataclass
from typing import Any, Final, cast

from advisor.blind import BlindTally, blind_tally
from advisor.models import Assessment, Pilot, PilotOutput
from advisor.pilots import pilot_of
from advisor.scoring.contract import PilotOutcomeDict
from advisor.scoring.evidence import VERDICT_LABELS, PilotVerdictDict, Verdict, metric_texts
from advisor.scoring.labels import APPROACH_LABELS, STAGE_LABELS
from advisor.scoring.outcomes import Approach, Stage
from advisor.scoring.stages import outcome_after_pilot

REPORT_TEXT_CHARS: Final = 1_200
"""A report page holds about 3,000 characters; two outputs of a pair side by side, each
shortened to 1,200, leave room for the input and the heading."""
PAGE_TEXT_CHARS: Final = 8_000  # the result page scrolls a long output in its own box


@dataclass(frozen=True, slots=True)
class ComparedPair:
    """One picked case: its input and both approaches' outputs (shortened past `limit`)."""

    number: int
    case_id: str
    input: str
    baseline: str
    candidate: str
    shortened: bool


def _shortened(text: str, limit: int) -> tuple[str, bool]:
    if len(text) <= limit:
        return text, False
    return text[:limit].rstrip() + " …", True


# promptfoo's test variables reach an input as "invoice_text: ..." lines: the client reads
# "Invoice text: ...".
_VARIABLE_LINE: Final = re.compile(r"^([a-z][a-z0-9]*(?:_[a-z0-9]+)+): ", re.MULTILINE)


def _readable_input(text: str) -> str:
    return _VARIABLE_LINE.sub(lambda m: m[1].replace("_", " ").capitalize() + ": ", text)


def comparison_pairs(pilot: Pilot, *, limit: int) -> list[ComparedPair]:
    """The picked cases in the consultant's order, each with both approaches' outputs."""
    picked = list(pilot.comparison_case_ids)
    outputs = PilotOutput.objects.filter(
        case__pilot=pilot,
        case__case_id__in=picked,
        approach__in=[pilot.baseline_approach, pilot.candidate_approach],
    ).select_related("case")
    by_case: dict[str, dict[str, PilotOutput]] = {}
    for output in outputs:
        by_case.setdefault(output.case.case_id, {})[output.approach] = output
    pairs: list[ComparedPair] = []
    for case_id in picked:
        found = by_case.get(case_id, {})
        if pilot.baseline_approach not in found or pilot.candidate_approach not in found:
            continue
        baseline = found[pilot.baseline_approach]
        texts = [
            _shortened(text, limit)
            for text in (
                _readable_input(baseline.case.input),
                baseline.output,
                found[pilot.candidate_approach].output,
            )
        ]
        pairs.append(
            ComparedPair(
                number=len(pairs) + 1,
                case_id=case_id,
                input=texts[0][0],
                baseline=texts[1][0],
                candidate=texts[2][0],
                shortened=any(short for _, short in texts),
            )
        )
    return pairs


def outcome_of(assessment: Assessment, pilot: Pilot | None = None) -> PilotOutcomeDict | None:
    """The outcome after the assessment's pilot, if it has results; None otherwise."""
    pilot = pilot if pilot is not None else _pilot(assessment)
    if pilot is None or pilot.verdict is None or assessment.recommendation is None:
        return None
    return outcome_after_pilot(assessment.result, cast("PilotVerdictDict", pilot.verdict))


def recommended_approach(assessment: Assessment) -> Approach:
    """The approach the assessment recommends: its pilot's outcome's, once it has results,
    else the submitted recommendation's."""
    outcome = outcome_of(assessment)
    source = outcome if outcome is not None else assessment.result
    return Approach(source["primary_approach"])


def _pilot(assessment: Assessment) -> Pilot | None:
    # An assessment that is not stored (the render_report command) has no pilot: no query.
    return None if assessment.pk is None else pilot_of(assessment)


def evidence_panel(pilot: Pilot) -> dict[str, Any]:
    """The result page's evidence panel: the verdict, per metric the numbers with the 95 %
    interval, the held-out set, the reasons, and the picked pairs."""
    verdict = cast("PilotVerdictDict", pilot.verdict)
    outcome = outcome_after_pilot(pilot.assessment.result, verdict)
    return {
        "pilot": pilot,
        "verdict": verdict,
        "verdict_code": verdict["verdict"],
        "verdict_label": VERDICT_LABELS[Verdict(verdict["verdict"])],
        "stage_label": STAGE_LABELS[Stage(outcome["stage"])],
        "headline": outcome["headline"],
        "primary_label": APPROACH_LABELS[Approach(outcome["primary_approach"])],
        "metrics": [metric_texts(m, n_cases=verdict["n_cases"]) for m in verdict["metrics"]],
        "reasons": verdict["reasons"][1:],
        "n_cases": verdict["n_cases"],
        "more_cases": verdict["more_cases"],
        "pairs": comparison_pairs(pilot, limit=PAGE_TEXT_CHARS),
        "blind": blind_tally(pilot),
    }


def evidence_for_report(assessment: Assessment) -> dict[str, Any] | None:
    """The client report's "Evidence from the pilot": plain data, in words a client reads;
    None when the assessment has no pilot with results."""
    pilot = _pilot(assessment)
    outcome = outcome_of(assessment, pilot)
    if pilot is None or outcome is None:
        return None
    verdict = outcome["verdict"]
    n_cases = verdict["n_cases"]
    pairs = comparison_pairs(pilot, limit=REPORT_TEXT_CHARS)
    metrics = [
        {**texts, "p_text": _p_text(texts["p_value"])}
        for texts in (metric_texts(m, n_cases=n_cases) for m in verdict["metrics"])
    ]
    return {
        "verdict": verdict["verdict"],
        "verdict_label": VERDICT_LABELS[Verdict(verdict["verdict"])],
        "headline": outcome["headline"],
        "summary": _summary(verdict, pilot),
        "n_cases": n_cases,
        "held_out_size": pilot.held_out_size,
        "held_out_drawn": pilot.held_out_drawn,
        "held_out_confirmed": pilot.held_out_confirmed,
        "more_cases": verdict["more_cases"],
        "metrics": metrics,
        "reasons": verdict["reasons"][1:],
        "pairs": pairs,
        "shortened": any(pair.shortened for pair in pairs),
        "blind": blind_sentence(tally) if (tally := blind_tally(pilot)) else "",
    }


def _p_text(p_value: str) -> str:
    """ "p < 0.001", "p = 0.021"; empty for metrics without McNemar's test."""
    if not p_value:
        return ""
    return f"p {p_value}" if p_value.startswith("<") else f"p = {p_value}"


_SUMMARY: Final = {
    Verdict.ADOPT_FINE_TUNING: "the fine-tuned model did clearly better than the best prompt "
    "where prompting fell short, and nothing that worked got worse",
    Verdict.KEEP_PROMPTING: "the fine-tuned model did not do better by enough to justify it, "
    "so prompting stays",
    Verdict.INCONCLUSIVE_COLLECT_MORE: "the difference could still go either way; more test "
    "cases will settle it",
}


def _summary(verdict: PilotVerdictDict, pilot: Pilot) -> str:
    """One sentence for the executive summary."""
    n = verdict["n_cases"]
    cases = f"{n:,} held-out test {'case' if n == 1 else 'cases'}"
    return f"In a pilot on {cases}, {_SUMMARY[Verdict(verdict['verdict'])]}."


def blind_sentence(tally: BlindTally) -> str:
    """The blind comparison in one sentence for the client: how often the fine-tuned model's
    output was preferred, the rate ("equal" counted as half) and its 95 % range."""
    low, high = tally.range_percent
    span = f"95 % range {low}\N{EN DASH}{high} %"
    judged = f"{tally.votes:,} {'pair' if tally.votes == 1 else 'pairs'} judged"
    if tally.visitors > 1:
        judged += f" by {tally.visitors:,} people"
    found = f"the client preferred the fine-tuned model's output in {tally.candidate:,} of {judged}"
    if tally.equal:
        found += f" and found {tally.equal:,} about equal"
        rate = f"{tally.rate_percent} % counting an equal as half, {span}"
    else:
        rate = f"{tally.rate_percent} %, {span}"
    return (
        f"In a blind comparison, {found} ({rate}); each pair showed the two outputs as A and B "
        "in random order, without saying which approach wrote which."
    )
