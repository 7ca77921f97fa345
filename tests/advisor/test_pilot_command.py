"""`manage.py pilot`: a results file in, the verdict out as JSON or text, status 2 on bad input."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.advisor.pilot_files import csv_bytes, invoice_cases, promptfoo_bytes

EXAMPLES = Path(__file__).resolve().parent / "pilot_examples"
FORMAT_GAP = ("--fell-short", "format_compliance", "--target", "format_compliance>=0.95")


def run(*args: str, stdin: str = "") -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("pilot", *args, stdout=out, stderr=err, stdin=StringIO(stdin))
    return out.getvalue(), err.getvalue()


def refusal(*args: str, stdin: str = "") -> str:
    with pytest.raises(CommandError) as refused:
        run(*args, stdin=stdin)
    assert refused.value.returncode == 2
    return str(refused.value)


# --- The three example files ---


def test_a_clear_win_adopts_the_tuned_model() -> None:
    printed = json.loads(run(str(EXAMPLES / "clear_win.csv"), *FORMAT_GAP)[0])

    assert printed["verdict"] == "adopt_fine_tuning"
    assert printed["n_cases"] == 200
    assert (printed["baseline_approach"], printed["candidate_approach"]) == (
        "best-prompt",
        "tuned-llama-8b",
    )
    assert [m["name"] for m in printed["metrics"]] == [
        "format_compliance",
        "field_accuracy",
        "latency_ms",
        "cost",
    ]
    assert not any(m["regression"] for m in printed["metrics"])


def test_a_win_with_a_regression_keeps_prompting() -> None:
    printed = json.loads(run(str(EXAMPLES / "win_with_regression.json"), *FORMAT_GAP)[0])

    assert printed["verdict"] == "keep_prompting"
    by_name = {m["name"]: m for m in printed["metrics"]}
    assert by_name["format_compliance"]["better"]
    assert by_name["exact_total"]["regression"]
    assert printed["reasons"][0].startswith("Keep prompting: on the same 120 held-out cases")


def test_too_few_cases_asks_for_more() -> None:
    printed = json.loads(run(str(EXAMPLES / "too_few_cases.jsonl"), *FORMAT_GAP)[0])

    assert printed["verdict"] == "inconclusive_collect_more"
    assert printed["n_cases"] == 12
    assert printed["more_cases"] >= 18


def test_the_text_format_is_for_a_person() -> None:
    text, _ = run(str(EXAMPLES / "clear_win.csv"), *FORMAT_GAP, "--format", "text")

    assert text.startswith("Verdict: adopt the fine-tuned model\n")
    assert "Compared on 200 held-out cases: 'tuned-llama-8b' (fine-tuned)" in text
    assert "- Format compliance is clearly better:" in text


# --- Choosing the approaches ---


def test_the_approaches_can_be_named_and_one_name_is_enough_for_two(tmp_path: Path) -> None:
    path = tmp_path / "results.csv"
    path.write_bytes(csv_bytes(invoice_cases(40)))

    named = json.loads(
        run(str(path), "--baseline", "best-prompt", "--candidate", "tuned-lora", *FORMAT_GAP)[0]
    )
    one = json.loads(run(str(path), "--candidate", "tuned-lora", *FORMAT_GAP)[0])
    swapped = json.loads(run(str(path), "--baseline", "tuned-lora", *FORMAT_GAP[:2])[0])

    assert named == one
    assert swapped["baseline_approach"] == "tuned-lora"
    assert swapped["metrics"][0]["difference"] == -named["metrics"][0]["difference"]


def test_approaches_that_cannot_be_told_apart_must_be_named(tmp_path: Path) -> None:
    path = tmp_path / "results.csv"
    path.write_text("case_id,approach,ok\na,gpt,1\na,llama,0\na,mistral,1\n", encoding="utf-8")

    assert refusal(str(path), "--fell-short", "ok") == (
        "Say which approach is the baseline (prompting) and which the candidate (fine-tuned) "
        "with --baseline LABEL --candidate LABEL; the results hold 'gpt', 'llama', 'mistral'."
    )


# --- Input ---


def test_it_reads_promptfoo_json_from_standard_input() -> None:
    raw = promptfoo_bytes(invoice_cases(40)).decode()
    printed = json.loads(run("-", *FORMAT_GAP, stdin=raw)[0])

    assert printed["n_cases"] == 40
    assert printed["verdict"] == "adopt_fine_tuning"


def test_a_note_about_what_was_left_out_goes_to_standard_error(tmp_path: Path) -> None:
    document = json.loads(promptfoo_bytes(invoice_cases(40)))
    for row in document["results"]["results"][::2]:
        del row["cost"]
    path = tmp_path / "results.json"
    path.write_text(json.dumps(document), encoding="utf-8")

    out, err = run(str(path), *FORMAT_GAP)

    assert err.startswith("Cost is left out: promptfoo reported it for 40 of 80 results")
    assert "cost" not in [m["name"] for m in json.loads(out)["metrics"]]


# --- Bad input: status 2 and the problems, never a traceback ---


def test_a_bad_file_exits_2_listing_its_problems(tmp_path: Path) -> None:
    path = tmp_path / "results.csv"
    path.write_text(
        "case_id,approach,ok,latency_ms\na,prompt,maybe,900\na,tuned,1,-3\nb,tuned,1,400\n",
        encoding="utf-8",
    )
    assert refusal(str(path), "--fell-short", "ok") == (
        f"{path} cannot be used:\n"
        '  row 2, column ok: "maybe" is not a metric value; a metric takes true/false (also '
        "1/0, yes/no or pass/fail) or a plain number such as 0.85\n"
        '  row 3, column latency_ms: "-3" is negative; this metric takes milliseconds, zero or '
        "more"
    )


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (b"\xff\xfe\x00\x01", "results.csv", "is not UTF-8 text"),
        (b"[" * 200_000, "results.json", "nested more than 64 levels deep"),
        (b'{"case_id": "a", "approach": "p", "ok": NaN}', "results.jsonl", "not a finite number"),
        (b"=cmd|' /C calc'!A0,p,1\n", "results.csv", "has no case_id column"),
        (b'{"results": {"version": 2, "results": []}}', "results.json", "format version 3"),
    ],
)
def test_hostile_files_exit_2_with_a_message(
    tmp_path: Path, content: bytes, name: str, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert expected in refusal(str(path), "--fell-short", "ok")


def test_a_file_too_large_is_refused_without_reading_it_whole(tmp_path: Path) -> None:
    path = tmp_path / "results.csv"
    path.write_bytes(b" " * (16 * 1024 * 1024 + 10))
    assert "is larger than 16 MB" in refusal(str(path), "--fell-short", "ok")


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.csv"
    assert refusal(str(missing)) == f"Cannot read {missing}: No such file or directory"


def test_bad_targets_and_unknown_metrics_exit_2_naming_the_option() -> None:
    example = str(EXAMPLES / "clear_win.csv")

    assert refusal(example, "--target", "format_compliance=0.9") == (
        "Bad targets:\n  --target: 'format_compliance=0.9' is not a target; write "
        "METRIC>=VALUE or METRIC<=VALUE, such as format_compliance>=0.99 or latency_ms<=800"
    )
    assert refusal(example, "--fell-short", "tone", "--target", "latency_ms>=5") == (
        "The comparison cannot be made:\n"
        "  --fell-short: 'tone' is not a metric in the results (format_compliance, "
        "field_accuracy, latency_ms, cost)\n"
        "  --target: latency_ms is better lower: write latency_ms<=VALUE"
    )
    assert refusal(example).startswith(
        "The comparison cannot be made:\n  --fell-short: say which metrics prompting fell short on"
    )
