"""The engine's output for every example project, pinned byte for byte.

A refactoring must leave these files unchanged; a deliberate change of the rules regenerates
them (`UPDATE_GOLDEN=1 make test`) and the diff is reviewed like code.
"""

import json
import os
from pathlib import Path

import pytest

from advisor.scoring import recommend_from_input, recommendation_as_text
from advisor.scoring.examples import EXAMPLE_PROJECTS, SAMPLE_INPUT

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
PROJECTS = {"sample": SAMPLE_INPUT, **EXAMPLE_PROJECTS}


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, f"{name} changed; see its diff"


@pytest.mark.parametrize("project", PROJECTS)
@pytest.mark.parametrize("horizon", [12, 36])
def test_recommendation_is_unchanged(project: str, horizon: int) -> None:
    recommendation = recommend_from_input(PROJECTS[project], horizon_months=horizon)
    if horizon == 12:  # the contract's other horizons differ only in their costs
        check_golden(f"{project}.json", json.dumps(recommendation.to_dict(), indent=2) + "\n")
    check_golden(f"{project}-{horizon}.txt", recommendation_as_text(recommendation))
