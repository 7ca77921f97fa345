"""The engine's output for every example project, pinned byte for byte (see tests/pinned.py)."""

import json

import pytest

from advisor.scoring import recommend_from_input, recommendation_as_text
from advisor.scoring.examples import EXAMPLE_PROJECTS, SAMPLE_INPUT
from tests.pinned import check_golden

PROJECTS = {"sample": SAMPLE_INPUT, **EXAMPLE_PROJECTS}


@pytest.mark.parametrize("project", PROJECTS)
@pytest.mark.parametrize("horizon", [12, 36])
def test_recommendation_is_unchanged(project: str, horizon: int) -> None:
    recommendation = recommend_from_input(PROJECTS[project], horizon_months=horizon)
    if horizon == 12:  # the contract's other horizons differ only in their costs
        check_golden(f"{project}.json", json.dumps(recommendation.to_dict(), indent=2) + "\n")
    check_golden(f"{project}-{horizon}.txt", recommendation_as_text(recommendation))
