"""Example projects in the answers contract, for tests, demo data, the CLI and benchmarks."""

from collections.abc import Mapping
from typing import Final

from advisor.scoring.answers import Answers, parse_answers

SAMPLE_INPUT: Final[Mapping[str, object]] = {
    "task_type": "classification",
    "output_format": "light_structure",
    "domain_specificity": "specialized",
    "needs_external_knowledge": "none",
    "style_consistency": "medium",
    "reliability_requirement": "high",
    "example_count": 300,
    "example_sources": ["client_records"],
    "data_coverage": "common_cases",
    "change_frequency": "quarterly",
    "major_change_expected": False,
    "similar_clients": 1,
    "base_model_stability": "stable",
    "build_budget": 25_000,
    "monthly_budget": 2_000,
    "maintenance_funded": True,
    "weeks_to_launch": 10,
    "monthly_requests": 50_000,
    "latency_target_ms": None,
    "input_tokens": 400,
    "output_tokens": 150,
    "prompt_tokens": 1_200,
    "prompting_status": "not_tried",
    "gaps": [],
    "structured_output_tried": False,
    "vendor_lock_in_concern": "medium",
}
"""A plain mid-sized project: every answer filled in, prompting not tried yet."""

EXAMPLE_PROJECTS: Final[Mapping[str, Mapping[str, object]]] = {
    # The seed story: a brand voice, few examples, a rebrand coming, prompting untried.
    "brand_voice": {
        **SAMPLE_INPUT,
        "task_type": "content_generation",
        "output_format": "free_text",
        "domain_specificity": "general",
        "style_consistency": "high",
        "example_count": 60,
        "example_sources": ["client_records", "manual"],
        "major_change_expected": True,
        "maintenance_funded": False,
        "weeks_to_launch": 6,
        "monthly_requests": 20_000,
        "input_tokens": 300,
        "output_tokens": 400,
        "prompt_tokens": 1_500,
    },
    # A help desk whose answers depend on product documentation that keeps changing.
    "support_assistant": {
        **SAMPLE_INPUT,
        "task_type": "question_answering",
        "output_format": "free_text",
        "domain_specificity": "general",
        "needs_external_knowledge": "changing",
        "example_count": 150,
        "change_frequency": "monthly",
        "monthly_requests": 200_000,
        "prompting_status": "falls_short",
        "gaps": ["knowledge"],
    },
    # A stable strict format, plenty of data, structured output already tried at high volume.
    "invoice_extraction": {
        **SAMPLE_INPUT,
        "task_type": "extraction",
        "output_format": "strict_schema",
        "domain_specificity": "specialized",
        "style_consistency": "low",
        "example_count": 2_000,
        "data_coverage": "full_range",
        "change_frequency": "yearly",
        "monthly_requests": 3_000_000,
        "monthly_budget": 20_000,
        "build_budget": 40_000,
        "prompt_tokens": 3_000,
        "prompting_status": "falls_short",
        "gaps": ["format", "cost"],
        "structured_output_tried": True,
    },
    # A niche notation with a huge, stable, representative data set and a self-hosted base.
    "clinical_coding": {
        **SAMPLE_INPUT,
        "task_type": "classification",
        "output_format": "strict_schema",
        "domain_specificity": "niche",
        "reliability_requirement": "critical",
        "example_count": 20_000,
        "data_coverage": "full_range",
        "change_frequency": "rarely",
        "base_model_stability": "self_hosted",
        "build_budget": 250_000,
        "monthly_budget": 15_000,
        "weeks_to_launch": 26,
        "monthly_requests": 2_000_000,
        "prompting_status": "falls_short",
        "gaps": ["skill"],
        "structured_output_tried": True,
        "vendor_lock_in_concern": "high",
    },
    # Routing tickets, where a prompt already does the job.
    "ticket_triage": {
        **SAMPLE_INPUT,
        "domain_specificity": "general",
        "prompting_status": "meets_bar",
    },
    # Tuning is indicated, but the data is thin and nobody has checked what it covers.
    "contract_review": {
        **SAMPLE_INPUT,
        "task_type": "extraction",
        "domain_specificity": "specialized",
        "reliability_requirement": "critical",
        "example_count": 150,
        "data_coverage": "unknown",
        "prompting_status": "falls_short",
        "gaps": ["model_variability"],
        "structured_output_tried": True,
    },
}
"""Named projects covering the main outcomes; each validates against the contract."""


def sample_input(**overrides: object) -> dict[str, object]:
    """Raw contract data for `SAMPLE_INPUT` with some answers replaced (not validated)."""
    return {**SAMPLE_INPUT, **overrides}


def sample_answers(**overrides: object) -> Answers:
    """Validated answers for `SAMPLE_INPUT` with some answers replaced."""
    answers, _ = parse_answers(sample_input(**overrides))
    return answers


def example_answers(name: str) -> Answers:
    """Validated answers of one of the `EXAMPLE_PROJECTS`."""
    answers, _ = parse_answers(EXAMPLE_PROJECTS[name])
    return answers
