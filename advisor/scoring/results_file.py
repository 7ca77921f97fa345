"""Reading a pilot's results file: promptfoo's JSON output, or a neutral CSV or JSON Lines file.

`read_results_file(raw, filename=...)` is the one entry point (bytes in, `EvalResults` out, or
`InvalidResults` naming every problem), for `manage.py pilot` and the web import alike. The
format comes from the file's extension, or from its content when the name says nothing.

The neutral file has one row per test case and approach: `case_id` and `approach` (required),
`input` and `output` (optional text, kept for the side-by-side comparison), and every other
column a metric; `latency_ms` and `cost` are metrics too.

promptfoo (`promptfoo eval --output results.json`) writes `{evalId, results, config,
shareableUrl}`, where `results` is an EvaluateSummaryV3: `{version: 3, timestamp, prompts,
stats, results: EvaluateResult[]}`. What is read of each EvaluateResult, as declared in
promptfoo's src/types/index.ts (`EvaluateResult`, `GradingResult`, `EvaluateSummaryV3`,
`OutputFile`; github.com/promptfoo/promptfoo at 03c4cf2) and set in src/evaluator.ts:
- `testIdx` (the test case; `vars.case_id` instead when the test has one) and `vars` (its input);
- `provider` `{id, label}`: the approach, by label, else by id;
- `response.output` (text, or JSON for structured output);
- `success` (every assertion passed: the metric `all_checks`), `latencyMs` (`latency_ms`),
  `cost` (kept only when every row has it: promptfoo knows no price for a custom endpoint);
- `gradingResult.namedScores` (else the row's own `namedScores`): a score per named metric (an
  assertion's `metric:`), a pass/fail when every value is 0 or 1;
- `failureReason` 2 (ResultFailureReason.ERROR): the provider failed, so the row has no result.
The overall `score` is left out: a weighted average of the assertions' scores, which the named
scores already give one by one.
"""

import csv
import io
import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from enum import StrEnum
from pathlib import PurePath
from typing import Final

from advisor.scoring.answers_file import nesting_depth, parse_json
from advisor.scoring.pilot_results import (
    ALL_CHECKS,
    APPROACH,
    CASE_ID,
    COST,
    INPUT,
    LATENCY_MS,
    MAX_METRICS,
    MAX_ROWS,
    OUTPUT,
    TEXT_FIELDS,
    EvalResults,
    InvalidResults,
    Problems,
    ResultRow,
    refuse,
    results_from_rows,
    shown,
)

MAX_FILE_BYTES: Final = 16 * 1024 * 1024
"""promptfoo repeats the prompt, the grading and token counts on every row: a few KB a row, so a
thousand rows (500 cases under two approaches) is several MB. 16 MB leaves room."""
MAX_FILE_SIZE_TEXT: Final = "16 MB"
MAX_NESTING: Final = 64
"""promptfoo nests results, grading results and their components a dozen levels deep; 64 is
generous, and stops a file built only to be deep."""
MAX_BLANK_LINES: Final = 1_000  # a few blank lines are harmless; a file of nothing else is not
PROMPTFOO_VERSION: Final = 3
_ERROR: Final = 2  # promptfoo's ResultFailureReason.ERROR


class ResultsFormat(StrEnum):
    PROMPTFOO = "promptfoo"
    CSV = "csv"
    JSONL = "jsonl"


def read_results_file(raw: bytes, *, filename: str = "") -> EvalResults:
    """Decode, parse and check a results file; raises `InvalidResults` naming every problem."""
    if len(raw) > MAX_FILE_BYTES:
        raise refuse(
            f"is larger than {MAX_FILE_SIZE_TEXT}; a pilot's results (even promptfoo's, with "
            "every prompt repeated) fit in a few MB"
        )
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark, as Excel writes, is fine
    except UnicodeDecodeError as error:
        raise refuse(
            f"is not UTF-8 text (byte {error.start + 1:,} cannot be read); save it as UTF-8"
        ) from None
    return _READERS[results_format(text, filename=filename)](text)


def results_format(text: str, *, filename: str = "") -> ResultsFormat:
    """The format by the file's extension, else by its content: JSON Lines when each line is an
    object, promptfoo when the file is one JSON document, CSV otherwise."""
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".csv":
        return ResultsFormat.CSV
    if suffix in (".jsonl", ".ndjson"):
        return ResultsFormat.JSONL
    body = text.lstrip()
    if not body.startswith("{"):
        return ResultsFormat.PROMPTFOO if suffix == ".json" else ResultsFormat.CSV
    first_line, _, rest = body.partition("\n")
    try:
        first = parse_json(first_line)
    except (ValueError, RecursionError):
        return ResultsFormat.PROMPTFOO  # an indented JSON document starts with a lone "{"
    if not rest.strip():  # one line: a single row, or promptfoo's JSON without indentation
        is_promptfoo = suffix == ".json" or (isinstance(first, dict) and "results" in first)
        return ResultsFormat.PROMPTFOO if is_promptfoo else ResultsFormat.JSONL
    return ResultsFormat.JSONL


def results_from_records(records: list[Mapping[str, object]]) -> EvalResults:
    """Results from neutral rows as `EvalResults.to_rows()` gives them (a stored import)."""
    rows = [
        _record_row(record, where=f"record {number}") for number, record in enumerate(records, 1)
    ]
    return results_from_rows(rows)


# --- CSV ---


def _read_csv(text: str) -> EvalResults:
    problems = Problems()
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [name.strip() for name in next(reader, [])]
    except csv.Error as error:
        raise refuse(f"row 1 (the header) cannot be read as CSV ({error})") from None
    _check_header(header)
    rows: list[ResultRow] = []
    complete, blank = True, 0
    number = 1
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                blank += 1
                if blank > MAX_BLANK_LINES:
                    raise refuse(f"has more than {MAX_BLANK_LINES:,} blank rows")
                continue
            if len(rows) == MAX_ROWS:
                raise refuse(f"has more than {MAX_ROWS:,} rows; a pilot's results have fewer")
            if len(cells) != len(header):
                problems.add(
                    f"row {number}",
                    f"has {len(cells)} cells; the header has {len(header)} columns",
                )
                complete = False
                continue
            rows.append(_record_row(dict(zip(header, cells, strict=True)), where=f"row {number}"))
    except csv.Error as error:
        problems.add(f"row {number + 1}", f"cannot be read as CSV ({error})")
        complete = False
    return results_from_rows(rows, earlier=problems, complete=complete)


def _check_header(header: list[str]) -> None:
    """The columns, refused at once when wrong: every row would repeat the problem."""
    if not header or header == [""]:
        raise refuse("is empty: the first row names the columns (case_id, approach, metrics)")
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        separator = "semicolons" if ";" in header[0] else "tabs"
        raise refuse(f"separates its columns with {separator}; save it with commas")
    if len(header) > MAX_METRICS + len(TEXT_FIELDS):
        raise refuse(
            f"has {len(header):,} columns; a pilot's results have case_id, approach, input, "
            f"output and at most {MAX_METRICS} metrics"
        )
    problems = Problems()
    for required in (CASE_ID, APPROACH):
        if required not in header:
            problems.add("row 1 (the header)", f"has no {required} column; it is required")
    seen: set[str] = set()
    for position, name in enumerate(header, start=1):
        if not name:
            problems.add(f"row 1 (the header), column {position}", "has no name")
        elif name in seen:
            problems.add(f"row 1 (the header), column {position}", f"repeats {shown(name)}")
        seen.add(name)
    problems.raise_if_any()


# --- JSON Lines ---


def _read_jsonl(text: str) -> EvalResults:
    problems = Problems()
    rows: list[ResultRow] = []
    complete, blank, records = True, 0, 0
    for number, line in enumerate(io.StringIO(text), start=1):
        if not line.strip():
            blank += 1
            if blank > MAX_BLANK_LINES:
                raise refuse(f"has more than {MAX_BLANK_LINES:,} blank lines")
            continue
        records += 1
        if records > MAX_ROWS:
            raise refuse(f"has more than {MAX_ROWS:,} rows; a pilot's results have fewer")
        where = f"line {number}"
        try:
            record = _json(line)
        except InvalidResults as unreadable:
            problems.add(where, unreadable.all_problems[0][1])
            complete = False
            continue
        if not isinstance(record, dict):
            problems.add(where, f"is {shown(record)}, not an object with case_id and approach")
            complete = False
            continue
        rows.append(_record_row(record, where=where, field_word="field"))
    return results_from_rows(rows, earlier=problems, complete=complete)


def _record_row(
    record: Mapping[str, object], *, where: str, field_word: str = "column"
) -> ResultRow:
    """A neutral row: the text fields by name, every other field a metric."""
    return ResultRow(
        where=where,
        case_id=record.get(CASE_ID),
        approach=record.get(APPROACH),
        input=record.get(INPUT) or None,
        output=record.get(OUTPUT) or None,
        metrics={name: value for name, value in record.items() if name not in TEXT_FIELDS},
        field_word=field_word,
    )


def _json(text: str) -> object:
    """Parse JSON text; raises `InvalidResults` saying why it cannot be read."""
    try:
        data = parse_json(text)
    except RecursionError:
        raise refuse(_TOO_DEEP) from None
    except ValueError as error:  # json.JSONDecodeError
        raise refuse(f"is not valid JSON ({error})") from None
    brackets = text.count("[") + text.count("{")
    if brackets > MAX_NESTING and nesting_depth(data, limit=MAX_NESTING) > MAX_NESTING:
        raise refuse(_TOO_DEEP)
    return data


_TOO_DEEP: Final = f"is nested more than {MAX_NESTING} levels deep; results are never that deep"


# --- promptfoo ---


def _read_promptfoo(text: str) -> EvalResults:
    data = _json(text)
    summary = data.get("results") if isinstance(data, dict) else None
    items = summary.get("results") if isinstance(summary, dict) else None
    if not isinstance(summary, dict) or not isinstance(items, list):
        raise refuse(
            "is not promptfoo's results: expected the JSON that `promptfoo eval --output "
            "results.json` writes, with its rows under results.results"
        )
    if summary.get("version") != PROMPTFOO_VERSION:
        raise InvalidResults(
            [
                (
                    "results.version",
                    f"is {shown(summary.get('version'))}; the Advisor reads promptfoo's results "
                    f"format version {PROMPTFOO_VERSION}",
                )
            ]
        )
    if len(items) > MAX_ROWS:
        raise refuse(f"has {len(items):,} results; a pilot's results may have at most {MAX_ROWS:,}")
    problems = Problems()
    rows = [
        _promptfoo_row(item, f"results.results[{index}]", problems)
        for index, item in enumerate(items)
    ]
    usable = [row.metrics for row in rows if row.metrics is not None]
    with_cost = sum(COST in metrics for metrics in usable)
    notes: list[str] = []
    if 0 < with_cost < len(usable):
        notes.append(
            f"Cost is left out: promptfoo reported it for {with_cost:,} of {len(usable):,} "
            "results (it knows no price for a custom or self-hosted model)."
        )
        rows = [_without(row, COST) for row in rows]
    return results_from_rows(rows, notes=notes, earlier=problems)


def _without(row: ResultRow, metric: str) -> ResultRow:
    if row.metrics is None:
        return row
    kept = {name: value for name, value in row.metrics.items() if name != metric}
    return replace(row, metrics=kept)


def _promptfoo_row(item: object, where: str, problems: Problems) -> ResultRow:
    """One EvaluateResult as a row; a row with no result (an error, no output) is refused."""
    if not isinstance(item, dict):
        problems.add(where, f"is {shown(item)}, not a promptfoo result")
        return ResultRow(where=where, case_id=None, approach=None, metrics=None)
    variables = item.get("vars")
    if not isinstance(variables, dict):
        variables = {}
    fields = {INPUT: "vars", OUTPUT: "response.output", ALL_CHECKS: "success"}
    fields |= {LATENCY_MS: "latencyMs", COST: "cost"}
    case_id = variables.get(CASE_ID)
    fields[CASE_ID] = "vars.case_id" if case_id is not None else "testIdx"
    if case_id is None:
        case_id = item.get("testIdx")
    approach, fields[APPROACH] = _provider(item.get("provider"))
    response = item.get("response")
    output = response.get("output") if isinstance(response, dict) else None
    row = ResultRow(
        where=where,
        case_id=case_id,
        approach=approach,
        input=_input(variables),
        output=output,
        metrics=None,
        fields=fields,
        path=_named_scores(item)[1],
    )
    if item.get("failureReason") == _ERROR:
        problems.add(
            f"{where}.error",
            f"promptfoo recorded an error for this test ({shown(item.get('error'))}); run it "
            "again so that every case has a result under every approach",
        )
        return row
    if output is None:
        problems.add(
            f"{where}.response.output",
            "is missing: promptfoo got no output for this test; run it again so that every case "
            "has a result under every approach",
        )
        return row
    metrics = _promptfoo_metrics(item, where, problems)
    return replace(row, metrics=metrics) if metrics is not None else row


def _promptfoo_metrics(
    item: Mapping[str, object], where: str, problems: Problems
) -> dict[str, object] | None:
    """A result's metrics: whether it passed, its named scores, latency and cost."""
    success = item.get("success")
    if not isinstance(success, bool):
        problems.add(f"{where}.success", f"is {shown(success)}; promptfoo writes true or false")
        return None
    metrics: dict[str, object] = {ALL_CHECKS: success}
    scores, path = _named_scores(item)
    for name, value in scores.items():
        if name in (ALL_CHECKS, LATENCY_MS, COST) or name in TEXT_FIELDS:
            problems.add(
                f"{where}.{path}",
                f"names a metric {shown(name)}, which the Advisor keeps for promptfoo's fields",
            )
            continue
        metrics[name] = value
    if "latencyMs" in item:
        metrics[LATENCY_MS] = item["latencyMs"]
    if item.get("cost") is not None:
        metrics[COST] = item["cost"]
    return metrics


def _provider(raw: object) -> tuple[object, str]:
    """The approach: the provider's label, else its id; and where it was found."""
    if isinstance(raw, str):
        return raw, "provider"
    if not isinstance(raw, dict):
        return None, "provider"
    label = raw.get("label")
    if isinstance(label, str) and label.strip():
        return label, "provider.label"
    return raw.get("id"), "provider.id"


def _named_scores(item: Mapping[str, object]) -> tuple[Mapping[str, object], str]:
    """The grading result's named scores, else the row's own (promptfoo writes both), and
    where they were found."""
    grading = item.get("gradingResult")
    if isinstance(grading, dict) and isinstance(grading.get("namedScores"), dict):
        return grading["namedScores"], "gradingResult.namedScores"
    scores = item.get("namedScores")
    return (scores if isinstance(scores, dict) else {}), "namedScores"


def _input(variables: Mapping[str, object]) -> object:
    """The test's input: its only variable, else one `name: value` line per variable."""
    shown_vars = {name: value for name, value in variables.items() if name != CASE_ID}
    if len(shown_vars) == 1:
        return next(iter(shown_vars.values()))
    lines = []
    for name, value in shown_vars.items():
        text = (
            value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=repr)
        )
        lines.append(f"{name}: {text}")
    return "\n".join(lines) or None


_READERS: Final[dict[ResultsFormat, Callable[[str], EvalResults]]] = {
    ResultsFormat.PROMPTFOO: _read_promptfoo,
    ResultsFormat.CSV: _read_csv,
    ResultsFormat.JSONL: _read_jsonl,
}
