"""The rules, table by table, written from the four-step framework in DOMAIN.md."""

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from advisor.scoring import (
    RULESET_VERSION,
    Approach,
    Blocker,
    Confidence,
    Scoring,
    Stage,
    recommend,
    score,
)
from advisor.scoring.examples import EXAMPLE_PROJECTS, example_answers, sample_answers

# A project that meets every fine-tuning prerequisite; tests change one answer at a time.
FEASIBLE = {
    "example_count": 800,
    "data_coverage": "full_range",
    "maintenance_funded": True,
    "base_model_stability": "stable",
    # A tuned model runs on its own GPUs: the sample's $2,000 a month would not cover it.
    "build_budget": 60_000,
    "monthly_budget": 10_000,
}
TUNING_NEEDED = {**FEASIBLE, "prompting_status": "falls_short", "gaps": ["skill"]}


def codes(scoring: Scoring) -> set[str]:
    return {str(factor.code) for factor in scoring.factors}


def test_the_seed_story_starts_with_a_system_prompt_and_rules_out_tuning() -> None:
    # A brand voice, 60 examples, a rebrand coming, prompting untried.
    result = score(example_answers("brand_voice"))

    assert result.stage is Stage.START_WITH_PROMPTING
    assert result.primary_approach is Approach.SYSTEM_PROMPT
    assert not result.fine_tuning_feasible
    assert Blocker.TOO_FEW_EXAMPLES in result.blockers
    assert (
        "You have 60 good examples; fine-tuning needs at least 100"
        in (result.blocker_notes[Blocker.TOO_FEW_EXAMPLES])
    )
    assert {"high_style_consistency", "major_change_expected", "too_few_examples"} <= codes(result)
    assert recommend(example_answers("brand_voice")).headline.startswith(
        "Start with system-prompt engineering"
    )


@pytest.mark.parametrize(
    ("answers", "stage"),
    [
        pytest.param({}, Stage.START_WITH_PROMPTING, id="not tried: start with prompting"),
        pytest.param(
            {"prompting_status": "meets_bar"}, Stage.SHIP_PROMPTING, id="meets the bar: ship it"
        ),
        pytest.param(
            {"prompting_status": "falls_short", "gaps": ["ambiguous_instructions"]},
            Stage.IMPROVE_PROMPT,
            id="ambiguous instructions: fix the prompt",
        ),
        pytest.param(
            {"prompting_status": "falls_short", "gaps": []},
            Stage.IMPROVE_PROMPT,
            id="undiagnosed shortfall: work on the prompt and diagnose",
        ),
        pytest.param(
            {"prompting_status": "falls_short", "gaps": ["knowledge"]},
            Stage.ADD_RETRIEVAL,
            id="missing knowledge: retrieval",
        ),
        pytest.param(
            {"prompting_status": "falls_short", "gaps": ["format"]},
            Stage.TRY_STRUCTURED_OUTPUT,
            id="format, structured output untried: try it",
        ),
        pytest.param(
            {"prompting_status": "falls_short", "gaps": ["skill"], "example_count": 50},
            Stage.MEET_PREREQUISITES,
            id="skill gap but too few examples: prerequisites first",
        ),
        pytest.param(
            TUNING_NEEDED, Stage.PILOT_FINE_TUNING, id="skill gap, prerequisites met: pilot"
        ),
        pytest.param(
            {**FEASIBLE, "prompting_status": "falls_short", "gaps": ["model_variability"]},
            Stage.PILOT_FINE_TUNING,
            id="inherent model variability: pilot",
        ),
        pytest.param(
            {**TUNING_NEEDED, "gaps": ["format"], "structured_output_tried": True},
            Stage.PILOT_FINE_TUNING,
            id="format still broken after structured output: pilot",
        ),
        pytest.param(
            {**TUNING_NEEDED, "gaps": ["cost"]},
            Stage.IMPROVE_PROMPT,
            id="cost with a short prompt: the prompt's levers first",
        ),
        pytest.param(
            {
                **TUNING_NEEDED,
                "gaps": ["cost"],
                "domain_specificity": "niche",
                "data_may_leave_cloud": False,
                "monthly_requests": 5_000_000,
                "prompt_tokens": 4_000,
            },
            Stage.PILOT_FINE_TUNING,
            id="cost of a long prompt on a large in-cloud model at volume: pilot",
        ),
        pytest.param(
            {**TUNING_NEEDED, "gaps": ["latency"]},
            Stage.IMPROVE_PROMPT,
            id="latency with a short prompt: faster serving first",
        ),
        pytest.param(
            {**TUNING_NEEDED, "gaps": ["latency"], "prompt_tokens": 4_000},
            Stage.PILOT_FINE_TUNING,
            id="latency from a long prompt: pilot",
        ),
        pytest.param(
            {**TUNING_NEEDED, "prompting_status": "not_tried", "gaps": []},
            Stage.START_WITH_PROMPTING,
            id="everything ready for tuning but prompting untried: prompting first",
        ),
    ],
)
def test_the_next_step_follows_the_framework(answers: dict[str, object], stage: Stage) -> None:
    assert score(sample_answers(**answers)).stage is stage


@pytest.mark.parametrize(
    ("gaps", "structured_output_tried", "stages"),
    [
        (
            ["knowledge", "skill", "ambiguous_instructions", "format"],
            False,
            (
                Stage.IMPROVE_PROMPT,
                Stage.TRY_STRUCTURED_OUTPUT,
                Stage.ADD_RETRIEVAL,
                Stage.PILOT_FINE_TUNING,
            ),
        ),
        (["knowledge", "latency"], False, (Stage.IMPROVE_PROMPT, Stage.ADD_RETRIEVAL)),
        (["format", "knowledge"], True, (Stage.ADD_RETRIEVAL, Stage.PILOT_FINE_TUNING)),
    ],
)
def test_several_gaps_are_remedied_cheapest_first(
    gaps: list[str], structured_output_tried: bool, stages: tuple[Stage, ...]
) -> None:
    result = score(
        sample_answers(
            **{**TUNING_NEEDED, "gaps": gaps, "structured_output_tried": structured_output_tried}
        )
    )

    assert (result.stage, *result.later_stages) == stages


def test_remaining_tuning_gaps_wait_for_prerequisites_when_blocked() -> None:
    result = score(
        sample_answers(
            prompting_status="falls_short", gaps=["knowledge", "skill"], example_count=20
        )
    )

    assert result.stage is Stage.ADD_RETRIEVAL
    assert result.later_stages == (Stage.MEET_PREREQUISITES,)


def test_a_feasible_project_has_no_blockers() -> None:
    result = score(sample_answers(**FEASIBLE))

    assert result.blockers == ()
    assert result.fine_tuning_feasible


@pytest.mark.parametrize(
    ("change", "blocker"),
    [
        ({"example_count": 99}, Blocker.TOO_FEW_EXAMPLES),
        ({"example_count": 0}, Blocker.TOO_FEW_EXAMPLES),
        ({"data_coverage": "common_cases"}, Blocker.DATA_NOT_REPRESENTATIVE),
        ({"data_coverage": "unknown"}, Blocker.DATA_NOT_REPRESENTATIVE),
        ({"maintenance_funded": False}, Blocker.NO_MAINTENANCE_BUDGET),
        ({"base_model_stability": "frequent_updates"}, Blocker.UNSTABLE_BASE_MODEL),
    ],
)
def test_each_missing_prerequisite_is_a_blocker(
    change: dict[str, object], blocker: Blocker
) -> None:
    result = score(sample_answers(**{**FEASIBLE, **change}))

    assert result.blockers == (blocker,)
    assert not result.fine_tuning_feasible
    assert result.blocker_notes[blocker]


def test_a_hundred_examples_are_enough_to_unblock_tuning() -> None:
    assert score(sample_answers(**{**FEASIBLE, "example_count": 100})).blockers == ()


def test_blockers_are_shown_even_when_prompting_is_recommended() -> None:
    result = score(sample_answers(**{**FEASIBLE, "example_count": 10, "maintenance_funded": False}))

    assert result.stage is Stage.START_WITH_PROMPTING
    assert result.blockers == (Blocker.TOO_FEW_EXAMPLES, Blocker.NO_MAINTENANCE_BUDGET)


def test_self_hosted_base_model_is_not_a_blocker() -> None:
    answers = sample_answers(**{**FEASIBLE, "base_model_stability": "self_hosted"})

    assert score(answers).blockers == ()


@pytest.mark.parametrize(
    ("answers", "primary"),
    [
        pytest.param(
            {"needs_external_knowledge": "changing"},
            Approach.RAG,
            id="facts from changing documents: retrieval",
        ),
        pytest.param(
            {"needs_external_knowledge": "stable", "style_consistency": "low"},
            Approach.RAG,
            id="facts from stable documents: retrieval",
        ),
        pytest.param(
            {
                "task_type": "content_generation",
                "output_format": "free_text",
                "style_consistency": "high",
            },
            Approach.SYSTEM_PROMPT,
            id="one voice every time: system prompt",
        ),
        pytest.param(
            {"reliability_requirement": "critical", "output_format": "free_text"},
            Approach.SYSTEM_PROMPT,
            id="critical reliability: system prompt",
        ),
        pytest.param(
            {
                "task_type": "extraction",
                "domain_specificity": "general",
                "output_format": "strict_schema",
            },
            Approach.FEW_SHOT,
            id="structured task with examples: few-shot",
        ),
        pytest.param(
            {
                "task_type": "summarization",
                "output_format": "free_text",
                "domain_specificity": "general",
                "style_consistency": "low",
                "reliability_requirement": "best_effort",
                "example_count": 0,
            },
            Approach.ZERO_SHOT,
            id="simple general task: zero-shot",
        ),
    ],
)
def test_the_prompting_approach_follows_the_signals(
    answers: dict[str, object], primary: Approach
) -> None:
    result = score(sample_answers(**answers))

    assert result.stage is Stage.START_WITH_PROMPTING
    assert result.primary_approach is primary


def test_full_fine_tuning_needs_thousands_of_examples_a_niche_stability_and_an_adapter_tried() -> (
    None
):
    first = score(example_answers("clinical_coding"))
    after = score(replace(example_answers("clinical_coding"), adapter_fell_short=True))

    assert first.primary_approach is Approach.ADAPTER
    order = next(f for f in first.factors if f.code == "framework_order")
    assert Approach.FULL_FINE_TUNE in order.lowers
    assert "adapter comes first" in order.text
    assert after.primary_approach is Approach.FULL_FINE_TUNE


@pytest.mark.parametrize(
    "change",
    [
        {"example_count": 1_000},
        {"domain_specificity": "specialized"},
        {"change_frequency": "quarterly"},
        {"major_change_expected": True},
        {"build_budget": 15_000},
        {"data_coverage": "common_cases", "example_count": 20_000},
    ],
    ids=[
        "hundreds of examples",
        "not niche",
        "quarterly changes",
        "rebrand",
        "small budget",
        "common cases only",
    ],
)
def test_an_adapter_is_preferred_unless_full_tuning_is_clearly_warranted(
    change: dict[str, object],
) -> None:
    answers = sample_answers(**{**EXAMPLE_PROJECTS["clinical_coding"], **change})
    result = score(answers)

    assert result.primary_approach is not Approach.FULL_FINE_TUNE
    assert "full_fine_tune_warranted" not in {f.code for f in result.factors}


def test_tuning_for_a_stable_core_is_combined_with_a_prompt_for_what_changes() -> None:
    result = score(sample_answers(**TUNING_NEEDED, similar_clients=4))

    assert result.stage is Stage.PILOT_FINE_TUNING
    assert [part.approach for part in result.hybrid] == [
        result.primary_approach,
        Approach.SYSTEM_PROMPT,
    ]
    assert "per-client" in result.hybrid[1].covers
    assert "domain skill" in result.hybrid[0].covers


def test_tuning_with_stable_requirements_and_one_client_needs_no_hybrid() -> None:
    result = score(
        sample_answers(**TUNING_NEEDED, change_frequency="rarely", domain_specificity="niche")
    )

    assert result.stage is Stage.PILOT_FINE_TUNING
    assert result.hybrid == ()


def test_a_prompt_for_behaviour_is_combined_with_retrieval_for_facts() -> None:
    result = score(
        sample_answers(
            task_type="content_generation",
            style_consistency="high",
            reliability_requirement="critical",
            needs_external_knowledge="stable",
            similar_clients=5,
        )
    )

    assert result.primary_approach is Approach.SYSTEM_PROMPT
    assert [part.approach for part in result.hybrid] == [Approach.SYSTEM_PROMPT, Approach.RAG]


def test_a_tuning_option_over_the_build_budget_is_marked_down_and_named() -> None:
    generous = score(sample_answers(**{**TUNING_NEEDED, "build_budget": 1_000_000}))
    tight = score(sample_answers(**{**TUNING_NEEDED, "build_budget": 10_000}))

    factor = next(f for f in tight.factors if f.code == "over_build_budget")
    assert Approach.ADAPTER in factor.lowers
    assert "adapter fine-tuning ($" in factor.text
    assert "$10,000" in factor.text
    assert tight.scores[Approach.ADAPTER] < generous.scores[Approach.ADAPTER]
    assert "over_build_budget" not in {f.code for f in generous.factors}


def test_a_running_cost_over_the_monthly_budget_is_marked_down() -> None:
    result = score(sample_answers(monthly_budget=100))

    factor = next(f for f in result.factors if f.code == "over_monthly_budget")
    assert Approach.SYSTEM_PROMPT in factor.lowers


def test_a_close_launch_favours_prompting() -> None:
    soon = score(sample_answers(**TUNING_NEEDED, weeks_to_launch=2))
    later = score(sample_answers(**TUNING_NEEDED, weeks_to_launch=20))

    factor = next(f for f in soon.factors if f.code == "short_time_to_launch")
    assert set(factor.lowers) == {Approach.ADAPTER, Approach.FULL_FINE_TUNE}
    assert Approach.SYSTEM_PROMPT in factor.raises
    assert soon.scores[Approach.ADAPTER] < later.scores[Approach.ADAPTER]


def test_high_volume_with_a_long_prompt_lets_tuning_pay_back() -> None:
    # A niche task needs a large model; kept in the client's cloud, its long prompt is dear at
    # volume.
    busy = score(
        sample_answers(
            **TUNING_NEEDED,
            domain_specificity="niche",
            data_may_leave_cloud=False,
            monthly_requests=5_000_000,
            prompt_tokens=4_000,
        )
    )
    quiet = score(
        sample_answers(
            **TUNING_NEEDED,
            domain_specificity="niche",
            data_may_leave_cloud=False,
            monthly_requests=1_000,
            prompt_tokens=4_000,
        )
    )

    assert "tuning_pays_back" in {f.code for f in busy.factors}
    assert "tuning_pays_back" not in {f.code for f in quiet.factors}


def test_every_factor_names_what_it_moved_and_says_why() -> None:
    for name in EXAMPLE_PROJECTS:
        for factor in score(example_answers(name)).factors:
            assert factor.raises or factor.lowers, factor.code
            assert factor.text.endswith("."), factor.code
            assert len(factor.text) < 300, factor.code


def test_the_answers_shape_the_sentences() -> None:
    result = score(sample_answers(example_count=250, similar_clients=7, weeks_to_launch=3))
    texts = " ".join(f.text for f in result.factors)

    assert "You have 250 good examples" in texts
    assert "7 clients would share this solution" in texts
    assert "Launch is 3 weeks away" in texts


@pytest.mark.parametrize(
    ("change", "note"),
    [
        ({"data_coverage": "unknown"}, "What the examples cover has not been checked"),
        ({"prompting_status": "falls_short", "gaps": []}, "has not been diagnosed"),
    ],
)
def test_unknowns_and_near_thresholds_lower_the_confidence(
    change: dict[str, object], note: str
) -> None:
    sure = score(sample_answers(**{**FEASIBLE, "task_type": "content_generation"}))
    unsure = score(sample_answers(**{**FEASIBLE, "task_type": "content_generation", **change}))

    assert sure.confidence is Confidence.HIGH
    assert unsure.confidence in (Confidence.MEDIUM, Confidence.LOW)
    assert any(note in text for text in unsure.confidence_notes)


def test_two_doubts_make_confidence_low() -> None:
    result = score(sample_answers(data_coverage="unknown", example_count=110))

    assert result.confidence is Confidence.LOW


def test_sensitivity_names_the_answers_that_would_change_the_outcome() -> None:
    result = recommend(example_answers("contract_review"))

    item = next(i for i in result.sensitivity if i.code == "more_examples")
    assert item.changes == {"example_count": 500, "data_coverage": "full_range"}
    # The data would be ready; the sample's budget still is not, so the pilot waits for it.
    assert (item.stage, item.primary_approach) == (Stage.IMPROVE_PROMPT, Approach.SYSTEM_PROMPT)
    assert item.text == (
        "With at least 500 good examples covering the full range of inputs, the next step "
        "would be to improve the prompt, with a tuning pilot once the budget covers it, still "
        "with system-prompt engineering."
    )


def test_a_count_merely_near_a_threshold_is_no_doubt() -> None:
    # 95 examples says what it is (too few to tune); being near 100 changes nothing now.
    near = score(sample_answers(**{**FEASIBLE, "example_count": 95}))

    assert not any("close to" in note for note in near.confidence_notes)


def test_sensitivity_keeps_only_changes_that_change_something() -> None:
    answers = example_answers("clinical_coding")
    result = recommend(answers)

    assert result.sensitivity
    for item in result.sensitivity:
        assert (item.stage, item.primary_approach) != (
            result.scoring.stage,
            result.scoring.primary_approach,
        )
        assert item.changes, item.code


def test_the_headline_names_the_step_and_the_approach() -> None:
    assert recommend(example_answers("contract_review")).headline == (
        "Meet the fine-tuning prerequisites the gap calls for: make the examples cover the full "
        "range of real inputs and find the budget for a tuning pilot; keep system-prompt "
        "engineering running meanwhile."
    )
    assert recommend(example_answers("invoice_extraction")).headline.startswith(
        "Improve few-shot prompting before training anything"
    )


CONTRACT_KEYS = {
    "ruleset_version",
    "stage",
    "primary_approach",
    "hybrid",
    "scores",
    "confidence",
    "fine_tuning",
    "factors",
    "sensitivity",
    "tco",
}


def test_the_output_follows_the_contract() -> None:
    data = recommend(example_answers("support_assistant")).to_dict()

    assert set(data) >= CONTRACT_KEYS
    assert data["ruleset_version"] == RULESET_VERSION
    assert set(data["scores"]) == {str(a) for a in Approach}  # type: ignore[arg-type]
    assert set(data["fine_tuning"]) >= {"feasible", "blockers"}  # type: ignore[arg-type]
    factor = data["factors"][0]  # type: ignore[index]
    assert set(factor) >= {"code", "raises", "lowers", "text"}
    tco = data["tco"]["approaches"]["adapter"]  # type: ignore[index]
    assert set(tco) >= {"one_off", "monthly", "total", "break_even_month"}
    assert json.loads(json.dumps(data)) == data


def test_the_json_is_byte_identical_in_a_fresh_process() -> None:
    # A different hash seed would expose any output that depends on set or dict iteration.
    here = json.dumps(recommend(example_answers("brand_voice")).to_dict(), sort_keys=True)
    program = (
        "import json; from advisor.scoring import recommend; "
        "from advisor.scoring.examples import example_answers; "
        "print(json.dumps(recommend(example_answers('brand_voice')).to_dict(), sort_keys=True))"
    )
    root = Path(__file__).resolve().parents[2]
    there = subprocess.run(  # noqa: S603 - our own interpreter and a literal program
        [sys.executable, "-c", program],
        cwd=root,
        env={**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()

    assert there == here


def _decision(name: str) -> dict[str, object]:
    """What the rules decided, without wording or prices, which change independently."""
    result = recommend(example_answers(name))
    scoring = result.scoring
    return {
        "stage": scoring.stage,
        "later": scoring.later_stages,
        "primary": scoring.primary_approach,
        "hybrid": [part.approach for part in scoring.hybrid],
        "scores": scoring.scores,
        "confidence": scoring.confidence,
        "blockers": scoring.blockers,
        "factors": [(f.code, f.weights) for f in scoring.factors],
        "sensitivity": [(i.code, i.stage, i.primary_approach) for i in result.sensitivity],
    }


# Change the rules and this digest changes: bump RULESET_VERSION, then update both.
PINNED_RULES = ("2026.12.4", "58a6da36173b4991")


def test_changed_rules_come_with_a_new_ruleset_version() -> None:
    decisions = json.dumps({n: _decision(n) for n in EXAMPLE_PROJECTS}, default=str)
    digest = hashlib.sha256(decisions.encode()).hexdigest()[:16]

    assert (RULESET_VERSION, digest) == PINNED_RULES, (
        "The rules' decisions changed: bump RULESET_VERSION and pin the new digest."
    )


def test_a_faster_pace_of_change_never_makes_tuning_pay_back() -> None:
    """Found by hypothesis: weekly prompt edits once made full fine-tuning 'pay back'."""
    volume_heavy = {
        "output_format": "strict_schema",
        "domain_specificity": "niche",
        "reliability_requirement": "critical",
        "example_count": 5000,
        "example_sources": [],
        "data_coverage": "unknown",
        "base_model_stability": "frequent_updates",
        "build_budget": 0,
        "monthly_budget": 0,
        "maintenance_funded": False,
        "weeks_to_launch": 1,
        "monthly_requests": 2490,
        "latency_target_ms": 1,
        "input_tokens": 1_084_561,
        "output_tokens": 422_183,
        "prompt_tokens": 1935,
        "prompting_status": "falls_short",
        "vendor_lock_in_concern": "low",
    }
    monthly = score(sample_answers(**volume_heavy, change_frequency="monthly"))
    weekly = score(sample_answers(**volume_heavy, change_frequency="weekly"))
    assert weekly.scores[Approach.FULL_FINE_TUNE] <= monthly.scores[Approach.FULL_FINE_TUNE]
    assert weekly.scores[Approach.ADAPTER] <= monthly.scores[Approach.ADAPTER]


def test_weekly_change_is_not_cheaper_to_absorb_with_a_tuned_model() -> None:
    """Found by hypothesis: retraining is capped at once a month, so the weekly changes in
    between once cost prompting money and a tuned model nothing, and tuning 'paid back'."""
    busy = {
        "output_format": "strict_schema",
        "reliability_requirement": "critical",
        "example_count": 755,
        "base_model_stability": "stable",
        "build_budget": 35_577,
        "monthly_budget": 0,
        "maintenance_funded": False,
        "weeks_to_launch": 1,
        "monthly_requests": 215_683,
        "input_tokens": 1346,
        "output_tokens": 4868,
        "prompt_tokens": 15_132,
        "prompting_status": "falls_short",
        "task_type": "classification",
        "domain_specificity": "general",
        "needs_external_knowledge": "none",
        "style_consistency": "low",
        "data_coverage": "unknown",
        "similar_clients": 2,
        "tuned_model_scope": "shared",
        "data_may_leave_cloud": False,
        "batch_allowed": True,
    }
    monthly = score(sample_answers(**busy, change_frequency="monthly"))
    weekly = score(sample_answers(**busy, change_frequency="weekly"))
    assert "tuning_pays_back" not in {f.code for f in weekly.factors}
    assert weekly.scores[Approach.FULL_FINE_TUNE] <= monthly.scores[Approach.FULL_FINE_TUNE]
    assert weekly.scores[Approach.ADAPTER] <= monthly.scores[Approach.ADAPTER]
