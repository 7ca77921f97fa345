"""Combined designs: which approach covers which part of the job."""

from dataclasses import dataclass

from advisor.scoring.answers import (
    Answers,
    ChangeFrequency,
    DomainSpecificity,
    ExternalKnowledge,
    Gap,
    OutputFormat,
    StyleConsistency,
)
from advisor.scoring.contract import HybridPartDict
from advisor.scoring.outcomes import Approach, Stage

_STABLE_REQUIREMENTS = frozenset({ChangeFrequency.YEARLY, ChangeFrequency.RARELY})


@dataclass(frozen=True, slots=True)
class HybridPart:
    """One approach in a combined design, and the part of the job it covers."""

    approach: Approach
    covers: str

    def to_dict(self) -> HybridPartDict:
        """Return JSON-ready data (`for` as in the output contract)."""
        return {"approach": str(self.approach), "for": self.covers}


def _tuned_core(answers: Answers) -> str:
    parts = []
    if Gap.SKILL in answers.gaps or answers.domain_specificity is DomainSpecificity.NICHE:
        parts.append("the domain skill and terminology")
    if Gap.FORMAT in answers.gaps or answers.output_format is OutputFormat.STRICT_SCHEMA:
        parts.append("the output format")
    if answers.style_consistency is StyleConsistency.HIGH:
        parts.append("the consistent voice")
    if Gap.MODEL_VARIABILITY in answers.gaps:
        parts.append("consistent behaviour")
    if {Gap.COST, Gap.LATENCY} & set(answers.gaps):
        parts.append("the core task on a smaller, faster model")
    return "the stable core: " + (", ".join(parts) or "the task itself")


def hybrid(answers: Answers, stage: Stage, primary: Approach) -> tuple[HybridPart, ...]:
    """The parts of a combined design, or () when one approach does the whole job."""
    facts = HybridPart(Approach.RAG, "facts from the client's documents, looked up on each request")
    if stage is Stage.PILOT_FINE_TUNING:
        parts = [HybridPart(primary, _tuned_core(answers))]
        volatile = (
            answers.change_frequency not in _STABLE_REQUIREMENTS or answers.major_change_expected
        )
        if volatile or answers.similar_clients > 1:
            parts.append(
                HybridPart(
                    Approach.SYSTEM_PROMPT,
                    "the per-client details and the requirements that change",
                )
            )
        if answers.needs_external_knowledge is not ExternalKnowledge.NONE:
            parts.append(facts)
        return tuple(parts) if len(parts) > 1 else ()
    if (
        answers.needs_external_knowledge is not ExternalKnowledge.NONE
        and primary is not Approach.RAG
    ):
        return (HybridPart(primary, "the behaviour, voice and format of the answers"), facts)
    return ()
