"""`manage.py recommend`: answers from a file or stdin, JSON or text out, status 2 on bad input."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from advisor.scoring import recommend_from_input
from advisor.scoring.examples import EXAMPLE_PROJECTS, sample_input

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, stdin: str | None = None) -> str:
    out = StringIO()
    call_command("recommend", *args, stdout=out, stdin=StringIO(stdin or ""))
    return out.getvalue()


def refusal(*args: str, stdin: str | None = None) -> CommandError:
    with pytest.raises(CommandError) as refused:
        run(*args, stdin=stdin)
    assert refused.value.returncode == 2
    return refused.value


@pytest.fixture
def answers_file(tmp_path: Path) -> Path:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(EXAMPLE_PROJECTS["brand_voice"]), encoding="utf-8")
    return path


def test_it_prints_the_recommendation_for_a_file_as_json(answers_file: Path) -> None:
    printed = json.loads(run(str(answers_file)))

    assert printed == recommend_from_input(EXAMPLE_PROJECTS["brand_voice"]).to_dict()
    assert printed["stage"] == "start_with_prompting"
    assert printed["primary_approach"] == "system_prompt"
    assert printed["fine_tuning"]["blockers"][0] == "too_few_examples"


def test_it_reads_an_export_with_its_version_and_every_optional_answer() -> None:
    exported = sample_input(
        answers_version="2026.12",
        prompting_status="falls_short",
        gaps=["format"],
        batch_allowed=True,
        current_model="google/gemini-2.5-flash",
        data_may_leave_cloud=False,
        tuned_model_hosting="provider",
        tuned_model_scope="per_client",
        prompting_built=["system_prompt"],
        shortfall_metric="format_compliance",
        shortfall_measured=85,
        shortfall_target=99,
        heldout_set_size=300,
        adapter_fell_short=False,
        unknown=["data_may_leave_cloud"],  # assumed: it may not
    )

    printed = json.loads(run("-", stdin=json.dumps(exported)))

    assert printed == recommend_from_input(exported).to_dict()


def test_it_reads_the_answers_from_stdin() -> None:
    printed = json.loads(run("-", stdin=json.dumps(EXAMPLE_PROJECTS["invoice_extraction"])))

    # The format problem calls for a pilot; the cost, for the prompt's own levers first.
    assert printed["stage"] == "improve_prompt"
    assert printed["later_stages"] == ["pilot_fine_tuning"]


def test_the_same_file_gives_the_same_bytes(answers_file: Path) -> None:
    assert run(str(answers_file)) == run(str(answers_file))


def test_it_costs_over_the_horizon_asked_for(answers_file: Path) -> None:
    printed = json.loads(run(str(answers_file), "--horizon-months", "36"))

    assert printed["horizon_months"] == 36
    assert printed["tco"]["horizon_months"] == 36


def test_it_applies_assumption_overrides_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(sample_input(assumptions={"labour_rate_per_hour": 200})))

    printed = json.loads(run(str(path)))

    labour = next(a for a in printed["tco"]["assumptions"] if a["name"] == "labour_rate_per_hour")
    assert labour["value"] == 200
    assert labour["source"] == "Set in the answers file"


def test_the_text_format_reads_as_a_report(answers_file: Path) -> None:
    printed = run(str(answers_file), "--format", "text", "--horizon-months", "24")

    assert printed.startswith("Recommendation (rules ")
    assert "Start with system-prompt engineering" in printed
    assert "Primary approach:  System-prompt engineering" in printed
    assert "Fine-tuning: not feasible yet" in printed
    assert "Too few examples: You have 60 good examples" in printed
    assert "Total cost of ownership over 24 months (USD)" in printed
    assert "Priced on (plan starting " in printed
    assert "Why (the decisive reasons)" in printed
    assert "{" not in printed


@pytest.mark.parametrize(
    ("stdin", "named"),
    [
        pytest.param("{not json", "standard input is not valid JSON", id="invalid JSON"),
        pytest.param("[1, 2]", "answers: must be a JSON object", id="not an object"),
        pytest.param(
            json.dumps(sample_input(tone="warm")), "tone: is not a known answer", id="unknown key"
        ),
        pytest.param(
            json.dumps({k: v for k, v in sample_input().items() if k != "gaps"}),
            "gaps: is required",
            id="missing key",
        ),
        pytest.param(
            json.dumps(sample_input(example_count="many")),
            "example_count: must be a whole number",
            id="wrong type",
        ),
        pytest.param(
            json.dumps(sample_input(weeks_to_launch=10_000)),
            "weeks_to_launch: must be a whole number from 1 to 520",
            id="out of range",
        ),
        pytest.param(
            json.dumps(sample_input(change_frequency="hourly")),
            "change_frequency: must be one of: weekly, monthly",
            id="unknown value",
        ),
        pytest.param(
            json.dumps(sample_input(build_budget=float("nan"))),
            "build_budget: must be a number",
            id="NaN",
        ),
        pytest.param(
            json.dumps(
                sample_input(
                    prompting_status="falls_short",
                    shortfall_metric="accuracy",
                    shortfall_measured=80,
                    shortfall_target=180,
                )
            ),
            "shortfall_target: must be a percentage from 0 to 100 when shortfall_metric is "
            "accuracy",
            id="a percentage over 100",
        ),
        pytest.param(
            json.dumps(sample_input(answers_version="2099.1")),
            'answers_version: must be "2026.12"',
            id="an answers version from the future",
        ),
        pytest.param(
            json.dumps(sample_input(assumptions={"labour_rate_per_hour": "a lot"})),
            "assumptions.labour_rate_per_hour: must be a number",
            id="bad assumption override",
        ),
    ],
)
def test_invalid_input_is_refused_with_status_2_naming_the_field(stdin: str, named: str) -> None:
    assert named in str(refusal("-", stdin=stdin))


def test_every_bad_field_is_named_at_once() -> None:
    message = str(refusal("-", stdin=json.dumps(sample_input(task_type="x", example_count=-1))))

    assert "task_type: must be one of" in message
    assert "example_count: must be a whole number" in message


def test_a_missing_file_is_refused_with_status_2(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.json"

    assert str(refusal(str(missing))) == f"Cannot read {missing}: No such file or directory"


@pytest.mark.parametrize("months", ["0", "121"])
def test_a_horizon_out_of_range_is_refused_with_status_2(months: str) -> None:
    message = str(refusal("-", "--horizon-months", months, stdin="{}"))

    assert message == f"--horizon-months must be from 1 to 120 (got {months})"


# What a fresh shell gives: none of the app's own settings in the environment.
APP_VARIABLES = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}


def _manage(*args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    """`manage.py recommend` as a person runs it: its own process, no app settings set."""
    clean = {k: v for k, v in os.environ.items() if k not in APP_VARIABLES}
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, str(ROOT / "manage.py"), "recommend", *args],
        input=stdin,
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_the_real_command_prints_json_or_exits_2_without_a_traceback() -> None:
    valid = _manage("-", "--horizon-months", "24", stdin=json.dumps(sample_input()))
    assert valid.returncode == 0, valid.stderr
    assert json.loads(valid.stdout)["horizon_months"] == 24

    invalid = _manage("-", stdin=json.dumps(sample_input(data_coverage="most")))
    assert invalid.returncode == 2
    assert "data_coverage: must be one of: unknown, common_cases, full_range" in invalid.stderr
    assert invalid.stdout == ""

    nested = _manage("-", stdin="[" * 100_000 + "]" * 100_000)
    assert nested.returncode == 2
    assert "standard input is nested more than 10 levels deep" in nested.stderr
    assert "Traceback" not in invalid.stderr + nested.stderr


def with_raw(field: str, literal: str) -> str:
    """The sample answers as JSON text, with one answer written as the given raw literal."""
    marker = "__replace_me__"
    return json.dumps(sample_input(**{field: marker})).replace(f'"{marker}"', literal)


def with_raw_assumption(literal: str) -> str:
    text = json.dumps(sample_input(assumptions={"labour_rate_per_hour": "__replace_me__"}))
    return text.replace('"__replace_me__"', literal)


HOSTILE_FILES = [
    pytest.param(
        "[" * 100_000 + "]" * 100_000,
        "standard input is nested more than 10 levels deep",
        id="nested 100,000 deep",
    ),
    pytest.param(
        '{"a": ' * 50 + "1" + "}" * 50,
        "standard input is nested more than 10 levels deep",
        id="nested 50 deep",
    ),
    pytest.param(
        with_raw("example_count", "9" * 5_000),
        "example_count: must be a whole number from 0 to 10,000,000 (got a number of 5,000",
        id="5,000-digit integer",
    ),
    pytest.param(
        with_raw("build_budget", "-" + "9" * 400),
        "build_budget: must be a number from 0 to 1,000,000,000",
        id="400-digit integer",
    ),
    pytest.param(
        with_raw_assumption("9" * 400),
        "assumptions.labour_rate_per_hour: must be a number from 0 to",
        id="400-digit assumption",
    ),
    pytest.param(
        with_raw_assumption("9" * 5_000),
        "assumptions.labour_rate_per_hour: must be a number from 0 to",
        id="5,000-digit assumption",
    ),
    pytest.param(
        with_raw("weeks_to_launch", "1e999999"),
        "weeks_to_launch: must be a whole number",
        id="float overflowing to infinity",
    ),
    pytest.param(
        with_raw("build_budget", "NaN"), "build_budget: must be a number", id="NaN literal"
    ),
    pytest.param(
        json.dumps(
            sample_input(prompting_status="falls_short", gaps=["cost"] * 36_000),
            separators=(",", ":"),
        ),
        "gaps: must be a list of distinct values from: knowledge",
        id="36,000 gaps",
    ),
    pytest.param(
        " " * (300 * 1024) + "{}",
        "standard input is larger than 256 KB",
        id="over the size limit",
    ),
    pytest.param(
        '{"task_type": "\x00"}', "standard input is not valid JSON", id="control character"
    ),
]


@pytest.mark.parametrize(("stdin", "named"), HOSTILE_FILES)
def test_a_hostile_file_is_refused_with_status_2_naming_the_problem(stdin: str, named: str) -> None:
    message = str(refusal("-", stdin=stdin))

    assert named in message
    assert len(message) < 5_000


def test_a_file_over_the_size_limit_is_refused_like_standard_input(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_bytes(b" " * (256 * 1024) + json.dumps(sample_input()).encode())

    assert str(refusal(str(path))).startswith(f"{path} is larger than 256 KB")


def test_thousands_of_unknown_assumptions_get_a_short_answer_naming_the_known_ones_once() -> None:
    unknown = {f"{number:x}": 0 for number in range(25_000)}  # short names: a file under 256 KB
    compact = json.dumps(sample_input(assumptions=unknown), separators=(",", ":"))
    message = str(refusal("-", stdin=compact))

    assert message.count("labour_rate_per_hour") == 1
    assert "  and 24,981 more problems" in message
    assert len(message.splitlines()) == 22
    assert len(message) < 5_000
