"""Importing a pilot's results: promptfoo's JSON, CSV and JSON Lines, all or nothing."""

import json
import re
from dataclasses import replace

import pytest

from advisor.scoring.pilot_results import (
    MAX_REPORTED_PROBLEMS,
    MAX_ROWS,
    Direction,
    EvalResults,
    InvalidResults,
    Metric,
    MetricKind,
)
from advisor.scoring.results_file import (
    MAX_FILE_BYTES,
    ResultsFormat,
    read_results_file,
    results_format,
    results_from_records,
)
from tests.advisor.pilot_files import (
    csv_bytes,
    csv_text,
    invoice_cases,
    jsonl_bytes,
    promptfoo_bytes,
    promptfoo_document,
)

HEADER = "case_id,approach,format_compliance,accuracy,latency_ms"
GOOD_ROWS = ("c1,prompt,true,0.8,900", "c1,tuned,true,0.9,500")


def problems_of(raw: bytes, filename: str = "") -> list[tuple[str, str]]:
    with pytest.raises(InvalidResults) as refused:
        read_results_file(raw, filename=filename)
    return refused.value.problems()


def refusal(raw: bytes, filename: str = "") -> str:
    """Every problem as one text, to look for a phrase in."""
    return "\n".join(f"{w}: {m}" if w else m for w, m in problems_of(raw, filename))


# --- Valid files ---


def test_promptfoo_csv_and_jsonl_holding_the_same_data_import_identically() -> None:
    cases = invoice_cases()

    from_promptfoo = read_results_file(promptfoo_bytes(cases), filename="results.json")
    from_csv = read_results_file(csv_bytes(cases), filename="results.csv")
    from_jsonl = read_results_file(jsonl_bytes(cases), filename="results.jsonl")

    assert from_promptfoo == from_csv == from_jsonl
    assert from_promptfoo.approaches == ("best-prompt", "tuned-lora")
    assert from_promptfoo.case_ids == ("0", "1", "2", "3")
    assert from_promptfoo.metrics == (
        Metric("all_checks", MetricKind.PASS_FAIL),
        Metric("format_compliance", MetricKind.PASS_FAIL),
        Metric("field_accuracy", MetricKind.SCORE),
        Metric("latency_ms", MetricKind.LATENCY),
        Metric("cost", MetricKind.COST),
    )


def test_a_promptfoo_row_gives_its_output_input_metrics_latency_and_cost() -> None:
    results = read_results_file(promptfoo_bytes(invoice_cases()))

    first = results.results["best-prompt"]["0"]
    assert first.output == json.dumps({"invoice_no": "INV-1040", "total": 100.5})
    assert results.inputs["0"] == "Invoice INV-1040 from Acme Tools, total EUR 100.50"
    assert dict(first.values) == {
        "all_checks": 1.0,
        "format_compliance": 1.0,
        "field_accuracy": 0.9,
        "latency_ms": 820.0,
        "cost": 0.0031,
    }
    assert results.values("best-prompt", "format_compliance") == [1.0, 0.0, 1.0, 0.0]
    assert results.metric("cost").direction is Direction.LOWER_IS_BETTER
    assert results.metric("field_accuracy").direction is Direction.HIGHER_IS_BETTER


def test_promptfoo_cases_are_the_tests_case_id_variable_when_they_have_one() -> None:
    document = promptfoo_document(invoice_cases(2))
    for row in document["results"]["results"]:  # type: ignore[index]
        row["vars"]["case_id"] = f"inv-{row['testIdx'] + 7}"
        row["vars"]["customer"] = "Acme"
    results = read_results_file(json.dumps(document).encode())

    assert results.case_ids == ("inv-7", "inv-8")
    assert results.inputs["inv-7"] == (
        "invoice: Invoice INV-1040 from Acme Tools, total EUR 100.50\ncustomer: Acme"
    )


def test_a_promptfoo_provider_without_a_label_is_known_by_its_id() -> None:
    document = promptfoo_document(invoice_cases(2))
    for row in document["results"]["results"]:  # type: ignore[index]
        del row["provider"]["label"]
    results = read_results_file(json.dumps(document).encode())

    assert results.approaches == ("openai:best-prompt", "openai:tuned-lora")


def test_promptfoo_structured_output_is_kept_as_json_text() -> None:
    document = promptfoo_document(invoice_cases(2))
    for row in document["results"]["results"]:  # type: ignore[index]
        row["response"]["output"] = {"invoice_no": "INV-1", "lines": [1, 2]}
    results = read_results_file(json.dumps(document).encode())

    assert results.output("tuned-lora", "1") == '{"invoice_no":"INV-1","lines":[1,2]}'


def test_cost_is_left_out_with_a_note_when_promptfoo_priced_only_some_rows() -> None:
    cases = [replace(c, cost=None) if c.approach == "tuned-lora" else c for c in invoice_cases()]
    results = read_results_file(promptfoo_bytes(cases))

    assert "cost" not in [metric.name for metric in results.metrics]
    assert results.notes == (
        "Cost is left out: promptfoo reported it for 4 of 8 results (it knows no price for a "
        "custom or self-hosted model).",
    )


def test_named_scores_of_zero_and_one_are_pass_fail_and_fractions_are_scores() -> None:
    results = read_results_file(promptfoo_bytes(invoice_cases()))

    assert results.metric("format_compliance").kind is MetricKind.PASS_FAIL
    assert results.metric("field_accuracy").kind is MetricKind.SCORE


@pytest.mark.parametrize(
    ("passed", "failed"),
    [("true", "false"), ("TRUE", "False"), ("1", "0"), ("yes", "no"), ("pass", "fail")],
)
def test_pass_fail_values_may_be_written_several_ways(passed: str, failed: str) -> None:
    results = read_results_file(
        csv_text("case_id,approach,ok", f"a,p,{passed}", f"a,t,{failed}"), filename="r.csv"
    )
    assert results.metric("ok").kind is MetricKind.PASS_FAIL
    assert results.values("p", "ok") == [1.0]
    assert results.values("t", "ok") == [0.0]


def test_latency_and_cost_are_known_by_name_and_lower_is_better() -> None:
    results = read_results_file(
        csv_text(
            "case_id,approach,latency_p95,cost_per_request,latency_ms,cost",
            "a,p,1,0,900,0",
            "a,t,0,1,500,1",
        ),
        filename="r.csv",
    )
    kinds = {metric.name: metric.kind for metric in results.metrics}
    assert kinds == {
        "latency_p95": MetricKind.LATENCY,
        "latency_ms": MetricKind.LATENCY,
        "cost_per_request": MetricKind.COST,
        "cost": MetricKind.COST,
    }


def test_a_csv_from_excel_with_a_byte_order_mark_crlf_and_quoted_cells_reads() -> None:
    raw = (
        "\ufeffcase_id,approach,output,ok\r\n"
        'a,p,"Dear client,\r\nthanks ""so"" much",true\r\n'
        "a,t,-,false\r\n"
        "\r\n"
    ).encode()
    results = read_results_file(raw, filename="export.csv")

    assert results.output("p", "a") == 'Dear client,\r\nthanks "so" much'
    assert results.output("t", "a") == "-"  # an output may start with anything


def test_stored_rows_read_back_unchanged() -> None:
    results = read_results_file(promptfoo_bytes(invoice_cases()))

    assert results_from_records(results.to_rows()) == results


def test_the_file_order_of_approaches_cases_and_metrics_is_kept() -> None:
    results = read_results_file(
        csv_text("approach,case_id,zeta,alpha", "t,b,1,0.5", "p,b,0,0.5", "t,a,1,1", "p,a,1,0"),
        filename="r.csv",
    )
    assert results.approaches == ("t", "p")
    assert results.case_ids == ("b", "a")
    assert [metric.name for metric in results.metrics] == ["zeta", "alpha"]


@pytest.mark.parametrize(
    ("text", "filename", "expected"),
    [
        ("case_id,approach\n", "", ResultsFormat.CSV),
        ('{"case_id": 1, "approach": "p", "ok": true}\n{"case_id": 1}\n', "", ResultsFormat.JSONL),
        ('{"case_id": 1, "approach": "p", "ok": true}', "", ResultsFormat.JSONL),
        ('{\n  "evalId": "x",\n  "results": {}\n}', "", ResultsFormat.PROMPTFOO),
        ('{"evalId": "x", "results": {"version": 3}}', "", ResultsFormat.PROMPTFOO),
        ('{"case_id": 1}\n', "results.csv", ResultsFormat.CSV),
        ("anything", "results.JSONL", ResultsFormat.JSONL),
        ("anything", "results.ndjson", ResultsFormat.JSONL),
        ("[1, 2]", "results.json", ResultsFormat.PROMPTFOO),
    ],
)
def test_the_format_comes_from_the_extension_else_the_content(
    text: str, filename: str, expected: ResultsFormat
) -> None:
    assert results_format(text, filename=filename) is expected


# --- Malformed and hostile files: each refused whole, with a clear message ---

TOO_LONG_NAME = "x" * 10_000


@pytest.mark.parametrize(
    ("raw", "filename", "expected"),
    [
        # The file as a whole
        (b"", "r.csv", "is empty"),
        ("case_id,approach,ok\n".encode("utf-16"), "r.csv", "is not UTF-8"),
        (b"case_id,approach,ok\na,p,\xff\n", "r.csv", "byte 25 cannot be read"),
        (csv_text("case_id,approach"), "r.csv", "holds no results"),
        (csv_text("case_id,approach", "a,p", "a,t"), "r.csv", "has no metric"),
        (
            csv_text("case_id;approach;ok", "a;p;1"),
            "r.csv",
            "separates its columns with semicolons",
        ),
        (csv_text("case_id,ok", "a,1"), "r.csv", "has no approach column"),
        (csv_text("case_id,approach,ok,ok", "a,p,1,1"), "r.csv", 'repeats "ok"'),
        (csv_text("case_id,approach,,ok", "a,p,1,1"), "r.csv", "column 3: has no name"),
        (csv_text(HEADER, *GOOD_ROWS, "c2,prompt,true"), "r.csv", "row 4: has 3 cells"),
        (csv_text(HEADER, 'c1,prompt,"true,0.8,900'), "r.csv", "cannot be read as CSV"),
        (csv_text(HEADER, *GOOD_ROWS[:1]), "r.csv", 'one approach only ("prompt")'),
        # Cases that do not pair up
        (csv_text(HEADER, *GOOD_ROWS, GOOD_ROWS[0]), "r.csv", "already has a row under approach"),
        (csv_text(HEADER, *GOOD_ROWS, "c2,tuned,true,0.9,500"), "r.csv", 'no row for case "c2"'),
        (
            csv_text("case_id,approach,input,ok", "a,p,one text,1", "a,t,another,1"),
            "r.csv",
            "differs from the input of case",
        ),
        # Values
        (csv_text(HEADER, "c1,prompt,maybe,0.8,900", GOOD_ROWS[1]), "r.csv", '"maybe" is not a'),
        (
            csv_text(HEADER, "c1,prompt,true,,900", GOOD_ROWS[1]),
            "r.csv",
            "column accuracy: is empty",
        ),
        (csv_text(HEADER, "c1,prompt,true,0.8,-5", GOOD_ROWS[1]), "r.csv", "is negative"),
        (csv_text(HEADER, "c1,prompt,true,0.8,yes", GOOD_ROWS[1]), "r.csv", "takes milliseconds"),
        (csv_text(HEADER, "c1,prompt,true,0.8,1e999", GOOD_ROWS[1]), "r.csv", "far larger"),
        (csv_text(HEADER, "c1,prompt,true,nan,900", GOOD_ROWS[1]), "r.csv", '"nan" is not a'),
        (csv_text(HEADER, "c1,prompt,true,inf,900", GOOD_ROWS[1]), "r.csv", '"inf" is not a'),
        (csv_text(HEADER, "c1,prompt,true,85%,900", GOOD_ROWS[1]), "r.csv", '"85%" is not a'),
        (
            csv_text(HEADER, f"c1,prompt,true,{'9' * 10_000},900", GOOD_ROWS[1]),
            "r.csv",
            "a number of 10,000 digits",
        ),
        (
            csv_text(HEADER, "c1,prompt,true,0.8,900", "c1,tuned,0.7,0.9,500"),
            "r.csv",
            "0.7 is a score, but this metric is pass/fail at row 2",
        ),
        # Labels
        (csv_text(HEADER, "=HYPERLINK(1),prompt,1,1,1"), "r.csv", "run as a formula"),
        (csv_text(HEADER, "c1,@SUM(A1),1,1,1"), "r.csv", "run as a formula"),
        (csv_text("case_id,approach,+cmd", "a,p,1", "a,t,1"), "r.csv", "run as a formula"),
        (csv_text(HEADER, f"{TOO_LONG_NAME},prompt,1,1,1"), "r.csv", "10,000 characters long"),
        (csv_text(HEADER, "c1,prompt\u202e,1,1,1"), "r.csv", "(U+202E)"),
        (csv_text(HEADER, ",prompt,1,1,1"), "r.csv", "column case_id: is empty"),
        # Texts
        (csv_text("case_id,approach,output,ok", f"a,p,{'y' * 25_000},1"), "r.csv", "up to 20,000"),
        (csv_text("case_id,approach,output,ok", "a,p,fine\u202eevil,1"), "r.csv", "(U+202E)"),
        (csv_text("case_id,approach,output,ok", "a,p,nul\x00here,1"), "r.csv", "(U+0000)"),
        # JSON Lines
        (b'{"case_id": "a", "approach": "p", "ok": NaN}\n', "r.jsonl", "not a finite number"),
        (b'{"case_id": "a", "approach": "p", "ok": Infinity}\n', "r.jsonl", "not a finite number"),
        (b'{"case_id": "a", "approach": "p", "ok": 1e400}\n', "r.jsonl", "not a finite number"),
        (
            b'{"case_id": "a", "approach": "p", "ok": ' + b"9" * 5_000 + b"}\n",
            "r.jsonl",
            "a number of 5,000 digits",
        ),
        (b'{"case_id": "a", "approach": "p", "ok": 10000000000000000}\n', "r.jsonl", "far larger"),
        (b'{"case_id": "a", "approach": "p", "ok": [true]}\n', "r.jsonl", "a list is not a"),
        (b'{"case_id": "a", "approach": "p", "ok": null}\n', "r.jsonl", "ok: is missing"),
        (b'{"case_id": "a", "approach": "p"\n', "r.jsonl", "line 1: is not valid JSON"),
        (b'[1, 2]\n{"case_id": "a"}\n', "r.jsonl", "line 1: is a list, not an object"),
        (b'{"case_id": "\\ud800", "approach": "p", "ok": 1}\n', "r.jsonl", "(U+D800)"),
        (b'{"case_id": true, "approach": "p", "ok": 1}\n', "r.jsonl", "true is not usable as"),
        (b'{"case_id": "a", "approach": "p", " ok": 1}\n', "r.jsonl", "spaces around it"),
        (b'{"case_id": "a", "ok": 1}\n', "r.jsonl", "field approach: is missing"),
        (b'{"x": ' + b"[" * 100 + b"]" * 100 + b"}\n", "r.jsonl", "nested more than 64 levels"),
        (b"[" * 100_000 + b"]" * 100_000, "r.jsonl", "nested more than 64 levels"),
    ],
)
def test_a_bad_file_is_refused_saying_where_and_why(
    raw: bytes, filename: str, expected: str
) -> None:
    assert expected in refusal(raw, filename)


def promptfoo_with(change: str) -> bytes:
    """The invoice pilot as promptfoo's JSON, with one thing changed."""
    document = promptfoo_document(invoice_cases(2))
    summary = document["results"]
    rows = summary["results"]  # type: ignore[index]
    if change == "version":
        summary["version"] = 2  # type: ignore[index]
    elif change == "error":
        rows[1].update(failureReason=2, error="429 Too Many Requests", response=None)
    elif change == "no output":
        del rows[2]["response"]["output"]
    elif change == "success":
        rows[0]["success"] = "yes"
    elif change == "named score missing":
        del rows[3]["gradingResult"]["namedScores"]["field_accuracy"]  # also the row's own
    elif change == "named score clash":
        rows[0]["gradingResult"]["namedScores"]["cost"] = 1
    elif change == "no provider":
        rows[0]["provider"] = {}
    elif change == "row":
        rows[0] = "a row"
    elif change == "label":
        rows[0]["provider"]["label"] = "x" * 10_000
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            "version",
            "results.version: is 2; the Advisor reads promptfoo's results format version 3",
        ),
        ("error", 'results.results[1].error: promptfoo recorded an error for this test ("429 Too'),
        ("no output", "results.results[2].response.output: is missing: promptfoo got no output"),
        ("success", 'results.results[0].success: is "yes"; promptfoo writes true or false'),
        ("named score missing", "results.results[3].gradingResult.namedScores.field_accuracy"),
        ("named score clash", 'names a metric "cost", which the Advisor keeps'),
        ("no provider", "results.results[0].provider.id: is missing: every row needs an approach"),
        ("row", 'results.results[0]: is "a row", not a promptfoo result'),
        ("label", "results.results[0].provider.label: is 10,000 characters long"),
    ],
)
def test_a_bad_promptfoo_file_is_refused_naming_the_json_path(change: str, expected: str) -> None:
    assert expected in refusal(promptfoo_with(change), "results.json")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b'{"evalId": "x"}', "is not promptfoo's results"),
        (b"[]", "is not promptfoo's results"),
        (b"{", "is not valid JSON"),
        (b"[" * 100_000, "nested more than 64 levels"),
    ],
)
def test_a_json_file_that_is_not_promptfoos_results_is_refused(raw: bytes, expected: str) -> None:
    assert expected in refusal(raw, "results.json")


def test_every_problem_is_listed_the_first_twenty_then_how_many_more() -> None:
    rows = [f"c{i},{a},maybe,0.8,900" for i in range(50) for a in ("prompt", "tuned")]
    problems = problems_of(csv_text(HEADER, *rows), "r.csv")

    assert len(problems) == 21
    assert problems[0] == (
        "row 2, column format_compliance",
        '"maybe" is not a metric value; a metric takes true/false (also 1/0, yes/no or '
        "pass/fail) or a plain number such as 0.85",
    )
    assert problems[-1] == ("", "and 80 more problems")


def test_one_bad_cell_among_many_good_rows_refuses_the_whole_file() -> None:
    rows = [f"c{i},{a},true,0.8,900" for i in range(400) for a in ("prompt", "tuned")]
    rows[517] = "c258,tuned,true,0.8,fast"

    assert refusal(csv_text(HEADER, *rows), "r.csv") == (
        'row 519, column latency_ms: "fast" is not a metric value; a metric takes true/false '
        "(also 1/0, yes/no or pass/fail) or a plain number such as 0.85"
    )


# --- Size limits, refused at once ---


def test_a_file_over_the_size_limit_is_refused_before_it_is_read() -> None:
    assert "is larger than 16 MB" in refusal(b" " * (MAX_FILE_BYTES + 1), "r.csv")


def test_more_rows_than_the_limit_are_refused_without_checking_them() -> None:
    rows = [f"c{i},p,1" for i in range(MAX_ROWS + 1)]
    assert "has more than 10,000 rows" in refusal(csv_text("case_id,approach,ok", *rows), "r.csv")
    lines = b"".join(b'{"case_id": 1, "approach": "p", "ok": 1}\n' for _ in range(MAX_ROWS + 1))
    assert "has more than 10,000 rows" in refusal(lines, "r.jsonl")
    document = {"results": {"version": 3, "results": [{}] * (MAX_ROWS + 1)}}
    assert "has 10,001 results" in refusal(json.dumps(document).encode(), "r.json")


def test_too_many_columns_or_blank_lines_are_refused_at_once() -> None:
    header = "case_id,approach," + ",".join(f"m{i}" for i in range(10_000))
    assert "has 10,002 columns" in refusal(csv_text(header), "r.csv")
    assert "more than 1,000 blank lines" in refusal(b"\n" * 5_000, "r.jsonl")
    assert "more than 1,000 blank rows" in refusal(
        b"case_id,approach,ok\n" + b"\n" * 5_000, "r.csv"
    )
    many = {f"m{i}": 1 for i in range(50)}
    line = json.dumps({"case_id": 1, "approach": "p", **many}).encode()
    assert "more than 40 metrics" in refusal(line, "r.jsonl")


def test_a_hostile_file_at_the_row_limit_is_refused_with_a_bounded_list_of_problems() -> None:
    # Every case under its own approach (nothing pairs up), every cell bad, every id repeated.
    # How fast it is refused is measured by `make bench-pilot`.
    hostile = [f"c{i % 7},a{i % 9},maybe,x,-1" for i in range(MAX_ROWS)]
    problems = problems_of(csv_text(HEADER, *hostile), "r.csv")
    assert len(problems) == MAX_REPORTED_PROBLEMS + 1
    assert problems[0][0] == "row 2, column format_compliance"
    assert re.fullmatch(r"and [\d,]+ more problems", problems[-1][1])


def test_equal_results_compare_equal_whatever_the_format() -> None:
    # The equality the import tests rely on looks inside the read-only mappings.
    first = read_results_file(csv_text(HEADER, *GOOD_ROWS), filename="r.csv")
    second = read_results_file(csv_text(HEADER, *GOOD_ROWS), filename="r.csv")
    changed = read_results_file(
        csv_text(HEADER, GOOD_ROWS[0], "c1,tuned,true,0.91,500"), filename="r.csv"
    )
    assert isinstance(first, EvalResults)
    assert first == second
    assert first != changed
