"""The eval kit: a promptfoo configuration whose asserts follow the gaps, the held-out cases as
its tests CSV, the same bytes for the same pilot."""

import csv
import io
import json
import zipfile

from advisor.scoring.eval_kit import (
    BASELINE_LABEL,
    CANDIDATE_LABEL,
    KitCase,
    eval_kit_zip,
    kit_config,
)
from advisor.scoring.evidence import default_roles, parse_target


def kit(**changes: object) -> dict[str, str]:
    options: dict[str, object] = {
        "title": "Harbor Legal, Contract review",
        "gaps": ["format"],
        "targets": [],
        "current_model": "openai/gpt-6-luna",
        "cases": [KitCase("c-1", 'Clause "7", =SUM(1)'), KitCase("c-2", "Line one\nline two")],
        "held_out_size": 2,
        "output_schema": {"type": "object", "required": ["clause"]},
    }
    options.update(changes)
    archive = zipfile.ZipFile(io.BytesIO(eval_kit_zip(**options)))  # type: ignore[arg-type]
    return {
        name.removeprefix("pilot-kit/"): archive.read(name).decode() for name in archive.namelist()
    }


def test_a_format_gap_checks_every_output_against_the_clients_schema() -> None:
    files = kit()

    config = files["promptfooconfig.yaml"]
    assert "    - type: is-json\n      value: file://schema.json\n" in config
    assert '      metric: "format_compliance"' in config
    assert json.loads(files["schema.json"]) == {"type": "object", "required": ["clause"]}
    assert "type: latency" not in config
    assert "type: cost" not in config


def test_latency_and_cost_gaps_get_thresholds_from_the_targets() -> None:
    config = kit_config(
        title="t",
        gaps=["latency", "cost"],
        targets=[parse_target("latency_ms<=650"), parse_target("cost<=0.002")],
        current_model="none",
    )

    assert "    - type: latency\n      threshold: 650\n" in config
    assert "    - type: cost\n      threshold: 0.002\n" in config
    assert "cache: false" in config  # latency is measured on fresh calls only
    assert "is-json" not in config


def test_the_held_out_cases_are_the_tests_csv_with_the_two_labelled_providers() -> None:
    files = kit()

    rows = list(csv.DictReader(io.StringIO(files["tests.csv"])))
    assert rows == [
        {"case_id": "c-1", "input": 'Clause "7", =SUM(1)'},
        {"case_id": "c-2", "input": "Line one\nline two"},
    ]
    config = files["promptfooconfig.yaml"]
    assert '  - id: "openai:gpt-6-luna"\n    label: "best-prompt"' in config
    assert 'label: "tuned-model"' in config
    assert "tests: file://tests.csv" in config
    assert "{{input}}" in files["prompt.txt"]
    assert (
        "npx promptfoo@latest eval -c promptfooconfig.yaml --output results.json"
        in files["README.md"]
    )
    # The import tells the two apart by these labels, without being asked.
    assert default_roles([BASELINE_LABEL, CANDIDATE_LABEL]) == (BASELINE_LABEL, CANDIDATE_LABEL)


def test_a_kit_without_cases_or_schema_says_what_to_fill_in() -> None:
    files = kit(cases=[], output_schema=None, held_out_size=300, current_model="other")

    assert files["tests.csv"] == "case_id,input\n"
    assert "add the 300 held-out cases" in files["README.md"]
    assert "replace it with the client's schema" in files["README.md"]
    assert json.loads(files["schema.json"]) == {"type": "object"}
    assert "REPLACE-WITH-THE-MODEL-OF-YOUR-BEST-PROMPT" in files["promptfooconfig.yaml"]


def test_the_same_pilot_gives_the_same_bytes() -> None:
    options = {
        "title": "t",
        "gaps": ["format", "cost"],
        "targets": [],
        "current_model": "none",
        "cases": [KitCase("1", "x")],
        "held_out_size": 1,
        "output_schema": None,
    }
    assert eval_kit_zip(**options) == eval_kit_zip(**options)  # type: ignore[arg-type]
