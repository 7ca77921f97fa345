"""What every format of the client report must hold to: no internal words, and the helpers that
make a submitted assessment and its report context (shared by the PDF and Word tests)."""

import re
from datetime import date

from advisor import services
from advisor.models import Assessment
from advisor.scoring import Approach
from reports.content import NextStepItem, Override, ReportEdits, Section, report_context
from tests.personas import Agency

VARIANTS = ("executive", "full")
# Words that name the tool, its parts or its files: none may reach a client.
INTERNAL_WORDS = re.compile(
    r"genai|weasyprint|django|python|\bUSD\b|\bAdvisor\b|ruleset|assessment \d|"
    r"\b[a-z]+_[a-z_]+\b",  # an identifier such as system_prompt or labour_rate_per_hour
)
VERSION = re.compile(r"\b\d+\.\d+\.\d+\b")
ABOUT = re.compile(r"About this report: .*?\.(?=\s|$)", re.S)


def submitted(agency: Agency, answers: dict[str, object]) -> Assessment:
    user = agency.admin.user
    started = services.assessment_start(project=agency.project, by=user, answers=answers)
    return services.assessment_submit(assessment=started, by=user, plan_starts=date(2026, 11, 29))


def context(assessment: Assessment, variant: str, edits: ReportEdits | None = None) -> dict:
    return report_context(
        assessment=assessment,
        variant=variant,
        organization=assessment.project.client.organization,
        prepared_by="Dana Demo",
        edits=edits,
    )


def internal_words(text: str) -> list[str]:
    """What in the text names the tool, an identifier or a version, outside the one line
    ("About this report: ...") that carries the versions and dates; [] when nothing does."""
    [about] = ABOUT.findall(text)
    rest = text.replace(about, "")
    return INTERNAL_WORDS.findall(rest) + VERSION.findall(rest)


# A comment on every section, the cover note, a hidden section, an override and a plan: the
# consultant's edits the PDF and Word tests look for where they were placed.
NOTES = {section: f"Comment number {i} for this section." for i, section in enumerate(Section)}
EDITED = ReportEdits(
    recipient="Jo Client",
    cover_note="We looked at your contracts.\n\nHere is what we found.",
    notes={s: n for s, n in NOTES.items() if s is not Section.CHANGES},
    hidden=frozenset({Section.RISKS}),
    override=Override(Approach.ADAPTER, "Your lawyers need one fixed clause format."),
    next_steps=(NextStepItem("Collect 500 signed contracts", "Harbor Legal", "2 weeks"),),
    version=2,
    final=True,
    dated=date(2026, 12, 3),
)
