"""A submitted assessment's pilot, recorded and with one of the example results files imported,
through the services (not a test module: shared by the page, report, isolation and browser
tests)."""

from pathlib import Path

from django.contrib.auth.models import User

from advisor import pilots
from advisor.models import Assessment, Pilot
from advisor.scoring.evidence import parse_target

EXAMPLES = Path(__file__).parent / "pilot_examples"


def pilot_with_results(
    assessment: Assessment,
    by: User,
    *,
    results: str = "clear_win.csv",
    drawn: str = "Every tenth record of 2026, set aside before training.",
) -> Pilot:
    """The pilot of a format shortfall (target: at least 95 % compliant) and its results."""
    pilot = pilots.pilot_record(
        assessment=assessment,
        by=by,
        held_out_size=200,
        held_out_drawn=drawn,
        held_out_confirmed=True,
        fell_short=["format_compliance"],
        targets=[parse_target("format_compliance>=0.95")],
    )
    return pilots.pilot_import_results(
        pilot=pilot, raw=(EXAMPLES / results).read_bytes(), filename=results, by=by
    )
