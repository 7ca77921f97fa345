"""After a pilot the outcome follows the evidence: pure functions, no database."""

from pathlib import Path

import pytest

from advisor.scoring import recommend
from advisor.scoring.evidence import Verdict, parse_target, pilot_verdict
from advisor.scoring.examples import EXAMPLE_PROJECTS, example_answers
from advisor.scoring.labels import STAGE_LABELS, STAGE_PHRASES
from advisor.scoring.outcomes import Stage
from advisor.scoring.results_file import read_results_file
from advisor.scoring.stages import PILOT_STAGES, outcome_after_pilot, stage_after_pilot

EXAMPLES = Path(__file__).parent / "pilot_examples"
AFTER_PILOT = {Stage.ADOPT_FINE_TUNING, Stage.KEEP_PROMPTING, Stage.COLLECT_MORE_CASES}


def verdict_of(name: str) -> dict:
    results = read_results_file((EXAMPLES / name).read_bytes(), filename=name)
    baseline = next(a for a in results.approaches if "prompt" in a)
    candidate = next(a for a in results.approaches if a != baseline)
    return pilot_verdict(
        results,
        baseline=baseline,
        candidate=candidate,
        fell_short=["format_compliance"],
        targets=[parse_target("format_compliance>=0.95")],
    ).to_dict()


def test_every_verdict_has_its_own_stage_with_words() -> None:
    assert {stage_after_pilot(v) for v in Verdict} == AFTER_PILOT
    assert set(PILOT_STAGES) == set(Verdict)
    for stage in Stage:
        assert STAGE_LABELS[stage]
        assert STAGE_PHRASES[stage]


@pytest.mark.parametrize("name", list(EXAMPLE_PROJECTS))
def test_the_rules_never_give_a_stage_that_only_a_pilot_gives(name: str) -> None:
    scoring = recommend(example_answers(name)).scoring
    assert scoring.stage not in AFTER_PILOT
    assert not AFTER_PILOT & set(scoring.later_stages)


@pytest.mark.parametrize(
    ("results", "stage", "approach"),
    [
        ("clear_win.csv", "adopt_fine_tuning", "adapter"),
        ("win_with_regression.json", "keep_prompting", "system_prompt"),
        ("too_few_cases.jsonl", "collect_more_cases", "adapter"),
    ],
)
def test_the_outcome_follows_the_verdict(results: str, stage: str, approach: str) -> None:
    recommendation = recommend(example_answers("clinical_coding")).to_dict()
    verdict = verdict_of(results)

    outcome = outcome_after_pilot(recommendation, verdict)

    assert outcome["stage"] == stage
    assert outcome["primary_approach"] == approach
    assert outcome["headline"] == verdict["reasons"][0]
    assert outcome["verdict"] is verdict
    assert recommendation["stage"] == "pilot_fine_tuning"  # the frozen result is not changed


def test_a_pilot_that_waited_for_prompt_work_adopts_an_adapter() -> None:
    recommendation = recommend(example_answers("invoice_extraction")).to_dict()
    assert recommendation["primary_approach"] not in ("adapter", "full_fine_tune")

    outcome = outcome_after_pilot(recommendation, verdict_of("clear_win.csv"))

    assert outcome["primary_approach"] == "adapter"
