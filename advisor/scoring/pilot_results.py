"""A pilot's results: every held-out test case under every approach, checked as a whole.

Readers (`results_file`: promptfoo's JSON, CSV, JSON Lines) turn a file into `ResultRow`s, one
per test case and approach, without judging them; `results_from_rows` checks every row and
returns `EvalResults`, or raises `InvalidResults` naming every problem (where, the value, what is
allowed). Nothing is half-imported: one bad cell refuses the whole file.

The checks are linear in the file's size: each row is looked at once, and lookups go through
dictionaries, so a hostile file at the size limit is refused about as fast as a normal one reads.
"""

import json
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import islice
from types import MappingProxyType
from typing import Final

from advisor.scoring.answers_file import LongNumber

MAX_ROWS: Final = 10_000
"""Rows are cases x approaches: a pilot compares a few hundred held-out cases; 10,000 rows is
room for 5,000 cases under two approaches."""
MAX_APPROACHES: Final = 10  # a pilot compares the best prompt with a tuned model, maybe a few more
MAX_METRICS: Final = 40  # evaluations track a handful of metrics; 40 is generous
MAX_NAME_CHARS: Final = 200  # case ids, approach labels and metric names are short labels
MAX_TEXT_CHARS: Final = 20_000
"""Inputs and outputs are kept for the side-by-side comparison; 20,000 characters is pages."""
MAX_NUMBER_CHARS: Final = 40  # `-1.2345678901234567e-308` is 24; nothing real needs more
MAX_MAGNITUDE: Final = 1e15
"""No score, latency in milliseconds or cost per case comes near a million billion; bounding
values keeps every sum over 10,000 rows exact enough and finite."""
MAX_REPORTED_PROBLEMS: Final = 20
_KEPT_PROBLEMS: Final = 200  # more are counted, not kept: a hostile file must not fill memory
_SHOWN_IDS: Final = 5

CASE_ID: Final = "case_id"
APPROACH: Final = "approach"
INPUT: Final = "input"
OUTPUT: Final = "output"
LATENCY_MS: Final = "latency_ms"
COST: Final = "cost"
ALL_CHECKS: Final = "all_checks"
"""promptfoo's own pass/fail for a test: every assertion passed."""
TEXT_FIELDS: Final = frozenset({CASE_ID, APPROACH, INPUT, OUTPUT})
"""Every other field of a row is a metric."""

ALLOWED_VALUES: Final = (
    "a metric takes true/false (also 1/0, yes/no or pass/fail) or a plain number such as 0.85"
)


class MetricKind(StrEnum):
    """What a metric measures, which decides how it is compared and which way is better."""

    PASS_FAIL = "pass_fail"  # noqa: S105 (a kind of metric, not a password)
    SCORE = "score"
    LATENCY = "latency"
    COST = "cost"


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    kind: MetricKind

    @property
    def direction(self) -> Direction:
        if self.kind in (MetricKind.LATENCY, MetricKind.COST):
            return Direction.LOWER_IS_BETTER
        return Direction.HIGHER_IS_BETTER

    @property
    def label(self) -> str:
        """The metric's name in plain words: `format_compliance` reads "format compliance"."""
        if self.name == LATENCY_MS:
            return "latency"
        if self.name == ALL_CHECKS:
            return "passing all checks"
        if self.name == COST:  # in the results' own currency, which the file does not name
            return "cost per case"
        return re.sub(r"[_\-\s]+", " ", self.name).strip() or self.name


def kind_by_name(name: str) -> MetricKind | None:
    """Latency and cost are known by name (`latency_ms`, `cost`, `latency_p95`,
    `cost_per_request`...): lower is better for them. Other metrics are known by their values."""
    words = re.split(r"[^a-z0-9]+", name.lower())
    if "latency" in words:
        return MetricKind.LATENCY
    if "cost" in words:
        return MetricKind.COST
    return None


@dataclass(frozen=True, slots=True)
class CaseResult:
    """One test case under one approach: its output, and each metric's value (pass/fail as 1.0
    for a pass and 0.0 for a fail)."""

    output: str | None
    values: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class EvalResults:
    """Every case under every approach, each with a value for every metric.

    `approaches` and `case_ids` keep the file's order; `metrics` lists quality metrics (pass/fail
    and scores) first in the file's order, then latency, then cost. `notes` say what was left out
    of the file and why, in a sentence each.
    """

    approaches: tuple[str, ...]
    case_ids: tuple[str, ...]
    metrics: tuple[Metric, ...]
    inputs: Mapping[str, str | None]
    results: Mapping[str, Mapping[str, CaseResult]]
    notes: tuple[str, ...] = ()

    def metric(self, name: str) -> Metric:
        """The metric called `name`; KeyError when the results have none."""
        for metric in self.metrics:
            if metric.name == name:
                return metric
        raise KeyError(name)

    def values(
        self, approach: str, metric: str, case_ids: Sequence[str] | None = None
    ) -> list[float]:
        """One approach's values of one metric, case by case (in `case_ids` order if given)."""
        cases = self.results[approach]
        return [cases[case_id].values[metric] for case_id in (case_ids or self.case_ids)]

    def output(self, approach: str, case_id: str) -> str | None:
        return self.results[approach][case_id].output

    def to_rows(self) -> list[dict[str, object]]:
        """The results as neutral rows (what a JSON Lines file holds): `results_from_records`
        reads them back unchanged, so they can be stored and checked again later."""
        rows: list[dict[str, object]] = []
        for approach in self.approaches:
            for case_id in self.case_ids:
                result = self.results[approach][case_id]
                row: dict[str, object] = {CASE_ID: case_id, APPROACH: approach}
                if (text := self.inputs[case_id]) is not None:
                    row[INPUT] = text
                if result.output is not None:
                    row[OUTPUT] = result.output
                for metric in self.metrics:
                    value = result.values[metric.name]
                    row[metric.name] = bool(value) if metric.kind is MetricKind.PASS_FAIL else value
                rows.append(row)
        return rows


@dataclass(frozen=True, slots=True)
class ResultRow:
    """One test case under one approach as a reader found it, not yet checked.

    `where` names the row in the file ("row 4", "line 4", "results.results[3]"); `fields` says
    where the file keeps a field when not under its own name (promptfoo's `latencyMs`); `metrics` is
    None for a row the reader already refused (it still counts when cases are paired).
    """

    where: str
    case_id: object
    approach: object
    input: object = None
    output: object = None
    metrics: Mapping[str, object] | None = field(default_factory=dict)
    fields: Mapping[str, str] = field(default_factory=dict)
    field_word: str = "column"
    path: str | None = None  # for JSON, where the fields not in `fields` are: `namedScores`

    def location(self, name: str) -> str:
        if name in self.fields:
            return f"{self.where}.{self.fields[name]}"
        if self.path is not None:
            return f"{self.where}.{self.path}.{shown(name, quoted=False)}"
        return f"{self.where}, {self.field_word} {shown(name, quoted=False)}"


class InvalidResults(ValueError):
    """The results cannot be used; `problems()` lists each (where, what is wrong and allowed)."""

    def __init__(self, problems: Sequence[tuple[str, str]], *, total: int | None = None) -> None:
        self.all_problems: list[tuple[str, str]] = list(problems)
        self.total = max(total or 0, len(self.all_problems))
        lines = (f"{where}: {message}" if where else message for where, message in self.problems())
        super().__init__("; ".join(lines))

    def problems(self, limit: int = MAX_REPORTED_PROBLEMS) -> list[tuple[str, str]]:
        """The first `limit` problems as (where, message); when there are more, a last
        ("", "and N more problems")."""
        shown_problems = list(islice(self.all_problems, limit))
        if self.total > limit:
            shown_problems.append(("", f"and {self.total - limit:,} more problems"))
        return shown_problems


class Problems:
    """Problems in file order: the first few hundred kept, all counted."""

    def __init__(self) -> None:
        self.kept: list[tuple[str, str]] = []
        self.count = 0

    def add(self, where: str, message: str) -> None:
        self.count += 1
        if len(self.kept) < _KEPT_PROBLEMS:
            self.kept.append((where, message))

    def raise_if_any(self) -> None:
        if self.count:
            raise InvalidResults(self.kept, total=self.count)


def refuse(message: str) -> InvalidResults:
    """A problem with the file as a whole (too big, not UTF-8...), refused at once."""
    return InvalidResults([("", message)])


def shown(value: object, *, quoted: bool = True) -> str:
    """A received value the way it looked in the file, kept short; looks only at the start of
    long text, so showing a huge value costs no more than a small one."""
    if isinstance(value, str):
        text = value[:40] + ("..." if len(value) > 40 else "")
        return json.dumps(text, ensure_ascii=False) if quoted else text
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int):
        return str(value) if value.bit_length() < 100 else "a number over 30 digits long"
    if isinstance(value, float):
        return json.dumps(value, allow_nan=True)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return repr(value)  # a LongNumber, which keeps its repr short


# Control characters other than tab and line breaks, lone surrogates, and the bidi controls that
# reorder the text around them (so an output could read one way here and another in a report).
_BAD_TEXT: Final = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
# Labels are one line of visible text: no control, invisible format or separator characters.
_BAD_LABEL_CATEGORIES: Final = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_FORMULA_STARTS: Final = tuple("=+-@")  # spreadsheets run a cell starting so as a formula
_NUMBER: Final = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_WORDS: Final = {"true": 1.0, "false": 0.0, "yes": 1.0, "no": 0.0, "pass": 1.0, "fail": 0.0}


def _label(raw: object, what: str) -> str | tuple[None, str]:
    """A case id, approach or metric name as text, or (None, why it is refused)."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        if abs(raw) >= 10**18:
            return None, f"{shown(raw)} is too large to be {what}; use text or a shorter number"
        raw = str(raw)
    if raw is None:
        return None, f"is missing: every row needs {what}"
    if not isinstance(raw, str):
        return None, f"{shown(raw)} is not usable as {what}: use text or a whole number"
    text = raw.strip()
    if not text:
        return None, f"is empty: every row needs {what}"
    if len(text) > MAX_NAME_CHARS:
        return None, f"is {len(text):,} characters long; {what} is at most {MAX_NAME_CHARS}"
    if text.startswith(_FORMULA_STARTS):
        return None, (
            f"{shown(text)} starts with {text[0]!r}, which spreadsheets run as a formula; "
            f"start {what} with a letter or a digit"
        )
    for char in text:
        if unicodedata.category(char) in _BAD_LABEL_CATEGORIES:
            return None, (
                f"{shown(text)} contains an invisible or control character "
                f"(U+{ord(char):04X}); {what} is one line of visible text"
            )
    return text


def _text(raw: object, what: str) -> str | tuple[None, str] | None:
    """An input or output as text (None when there is none), or (None, why it is refused)."""
    if raw is None:
        return None
    if isinstance(raw, str):
        text = raw
    elif isinstance(raw, dict | list):
        try:  # structured output (JSON mode) is kept as compact JSON text
            text = json.dumps(raw, ensure_ascii=False, separators=(",", ":"), default=repr)
        except (ValueError, RecursionError):
            return None, f"cannot be kept as text: {what} is text or JSON"
    elif isinstance(raw, bool | int | float):
        text = json.dumps(raw)
    else:
        text = repr(raw)
    if not text:
        return None
    if len(text) > MAX_TEXT_CHARS:
        return None, f"is {len(text):,} characters long; {what} is kept up to {MAX_TEXT_CHARS:,}"
    if bad := _BAD_TEXT.search(text):
        return None, (
            f"contains a control character (U+{ord(bad.group()):04X}) at position "
            f"{bad.start() + 1:,}; {what} may hold text, tabs and line breaks only"
        )
    return text


@dataclass(frozen=True, slots=True)
class _Value:
    number: float
    word: bool  # written true/false, yes/no or pass/fail (or a JSON boolean), not as a number


def _value(raw: object, named_kind: MetricKind | None) -> _Value | str:
    """A metric's value, or why it is refused."""
    value = _value_from_text(raw) if isinstance(raw, str) else _value_from_json(raw)
    if isinstance(value, str) or named_kind is None:
        return value
    unit = "milliseconds" if named_kind is MetricKind.LATENCY else "a cost per case"
    if value.word:
        return f"{shown(raw)} is not a number; this metric takes {unit}"
    if value.number < 0:
        return f"{shown(raw)} is negative; this metric takes {unit}, zero or more"
    return value


def _value_from_json(raw: object) -> _Value | str:
    if isinstance(raw, bool):
        return _Value(1.0 if raw else 0.0, word=True)
    if raw is None:
        return "is missing: every row needs a value for every metric, so the cases pair up"
    if isinstance(raw, LongNumber) or (isinstance(raw, int) and abs(raw) > MAX_MAGNITUDE):
        return f"{shown(raw)} is far larger than any metric (at most 1e15)"
    if not isinstance(raw, int | float):
        return f"{shown(raw)} is not a metric value; {ALLOWED_VALUES}"
    if not math.isfinite(raw):
        return f"{shown(raw)} is not a finite number; {ALLOWED_VALUES}"
    if abs(raw) > MAX_MAGNITUDE:
        return f"{shown(raw)} is far larger than any metric (at most 1e15)"
    return _Value(float(raw), word=False)


def _value_from_text(raw: str) -> _Value | str:
    text = raw.strip()
    if not text:
        return "is empty: every row needs a value for every metric, so the cases pair up"
    if (word := _WORDS.get(text.lower())) is not None:
        return _Value(word, word=True)
    if len(text) > MAX_NUMBER_CHARS:
        if text.isdigit():
            return f"is a number of {len(text):,} digits, far larger than any metric"
        return f"{shown(raw)} is not a metric value; {ALLOWED_VALUES}"
    if not _NUMBER.fullmatch(text):
        return f"{shown(raw)} is not a metric value; {ALLOWED_VALUES}"
    number = float(text)
    if not math.isfinite(number) or abs(number) > MAX_MAGNITUDE:
        return f"{shown(raw)} is far larger than any metric (at most 1e15)"
    return _Value(number, word=False)


@dataclass(slots=True)
class _MetricSeen:
    """What the values of one metric looked like, to decide its kind once every row is read."""

    named_kind: MetricKind | None
    word_at: str | None = None  # the first value written as a word
    fraction_at: str | None = None  # the first number other than 0 and 1
    fraction: float = 0.0


def results_from_rows(
    rows: Sequence[ResultRow],
    *,
    notes: Sequence[str] = (),
    earlier: Problems | None = None,
    complete: bool = True,
) -> EvalResults:
    """Check every row and return the results, or raise `InvalidResults` naming each problem.

    `earlier` holds problems a reader already found; `complete` is False when the reader could
    not make a row of some part of the file, so missing cases would only repeat its problems.
    """
    problems = earlier or Problems()
    if not rows and not problems.count:
        raise refuse("holds no results: no row has a test case under an approach")
    if len(rows) > MAX_ROWS:
        raise refuse(f"has {len(rows):,} rows; a pilot's results may have at most {MAX_ROWS:,}")
    table = _Table(_metric_names(rows, problems), problems)
    for row in rows:
        table.add(row)
    metrics = _metric_kinds(table.seen, problems)
    if complete and not problems.count:
        _check_pairing(list(table.approaches), list(table.inputs), table.first_row, problems)
    problems.raise_if_any()
    return EvalResults(
        approaches=tuple(table.approaches),
        case_ids=tuple(table.inputs),
        metrics=metrics,
        inputs=MappingProxyType(table.inputs),
        results=MappingProxyType(
            {
                approach: MappingProxyType(
                    {case_id: table.results[approach, case_id] for case_id in table.inputs}
                )
                for approach in table.approaches
            }
        ),
        notes=tuple(notes),
    )


@dataclass(slots=True)
class _Table:
    """The rows checked so far: results by (approach, case id), in the file's order."""

    seen: dict[str, _MetricSeen]
    problems: Problems
    results: dict[tuple[str, str], CaseResult] = field(default_factory=dict)
    first_row: dict[tuple[str, str], str] = field(default_factory=dict)
    inputs: dict[str, str | None] = field(default_factory=dict)
    input_at: dict[str, str] = field(default_factory=dict)
    approaches: dict[str, None] = field(default_factory=dict)

    def add(self, row: ResultRow) -> None:
        problems = self.problems
        case_id = _checked_label(row, CASE_ID, row.case_id, "a case id", problems)
        approach = _checked_label(row, APPROACH, row.approach, "an approach", problems)
        case_input = _checked_text(row, INPUT, row.input, "an input", problems)
        output = _checked_text(row, OUTPUT, row.output, "an output", problems)
        values = _row_values(row, self.seen, problems)
        if case_id is None or approach is None:
            return
        key = (approach, case_id)
        if key in self.first_row:
            problems.add(
                row.location(CASE_ID),
                f"case {shown(case_id)} already has a row under approach {shown(approach)} "
                f"({self.first_row[key]}); each case appears once under each approach",
            )
            return
        self.first_row[key] = row.where
        self.approaches.setdefault(approach, None)
        self._add_input(row, case_id, case_input)
        if values is not None:
            self.results[key] = CaseResult(output=output, values=MappingProxyType(values))

    def _add_input(self, row: ResultRow, case_id: str, case_input: str | None) -> None:
        """The case's input: the same under every approach that gives one."""
        known = self.inputs.setdefault(case_id, None)
        if case_input is None:
            return
        if known is None:
            self.inputs[case_id], self.input_at[case_id] = case_input, row.where
        elif known != case_input:
            self.problems.add(
                row.location(INPUT),
                f"differs from the input of case {shown(case_id)} at {self.input_at[case_id]}; "
                "the approaches must be compared on the same cases",
            )


def _metric_names(rows: Sequence[ResultRow], problems: Problems) -> dict[str, _MetricSeen]:
    """Every metric any row has, in the order first seen, each name checked once."""
    seen: dict[str, _MetricSeen] = {}
    refused: set[str] = set()
    for row in rows:
        for name in row.metrics or ():
            if name in seen or name in refused:
                continue
            label = _label(name, "a metric name")
            if isinstance(label, tuple):
                refused.add(name)
                problems.add(row.location(name), f"the metric name {label[1]}")
            elif label != name:  # surrounding spaces
                refused.add(name)
                problems.add(row.location(name), "the metric name has spaces around it")
            else:
                seen[name] = _MetricSeen(named_kind=kind_by_name(name))
            if len(seen) + len(refused) > MAX_METRICS:
                raise refuse(
                    f"has more than {MAX_METRICS} metrics (the first rows name "
                    f"{len(seen) + len(refused)}); a pilot compares a handful"
                )
    if not seen and not problems.count:
        raise refuse(
            "has no metric: add a column (or field) per metric, such as format_compliance "
            "with true/false or accuracy with a score"
        )
    return seen


def _checked_label(
    row: ResultRow, name: str, raw: object, what: str, problems: Problems
) -> str | None:
    label = _label(raw, what)
    if isinstance(label, tuple):
        problems.add(row.location(name), label[1])
        return None
    return label


def _checked_text(
    row: ResultRow, name: str, raw: object, what: str, problems: Problems
) -> str | None:
    text = _text(raw, what)
    if isinstance(text, tuple):
        problems.add(row.location(name), text[1])
        return None
    return text


def _row_values(
    row: ResultRow, seen: Mapping[str, _MetricSeen], problems: Problems
) -> dict[str, float] | None:
    """The row's value for every metric (None when the row is refused): each checked, and what
    it looked like noted for the metric's kind."""
    if row.metrics is None:
        return None
    row_values: dict[str, float] = {}
    for name, metric in seen.items():
        value = _value(row.metrics.get(name), metric.named_kind)
        if isinstance(value, str):
            problems.add(row.location(name), value)
            continue
        row_values[name] = value.number
        if value.word and metric.word_at is None:
            metric.word_at = row.location(name)
        if value.number not in (0.0, 1.0) and metric.fraction_at is None:
            metric.fraction_at, metric.fraction = row.location(name), value.number
    return row_values if len(row_values) == len(seen) else None


def _metric_kinds(seen: Mapping[str, _MetricSeen], problems: Problems) -> tuple[Metric, ...]:
    """Each metric's kind: latency and cost by name; pass/fail when every value is a yes/no or
    0/1; a score when every value is a number. Quality metrics first, then latency, then cost."""
    metrics: list[Metric] = []
    for name, metric in seen.items():
        if metric.named_kind is not None:
            metrics.append(Metric(name, metric.named_kind))
        elif metric.word_at is not None and metric.fraction_at is not None:
            problems.add(
                metric.fraction_at,
                f"{shown(metric.fraction)} is a score, but this metric is pass/fail at "
                f"{metric.word_at}; a metric is either pass/fail (true/false, 1/0) or a score "
                "(numbers) on every row",
            )
        elif metric.fraction_at is None:
            metrics.append(Metric(name, MetricKind.PASS_FAIL))
        else:
            metrics.append(Metric(name, MetricKind.SCORE))
    order = (MetricKind.PASS_FAIL, MetricKind.SCORE, MetricKind.LATENCY, MetricKind.COST)
    quality = [m for m in metrics if m.kind in order[:2]]
    return tuple(quality + [m for kind in order[2:] for m in metrics if m.kind is kind])


def _check_pairing(
    approaches: Sequence[str],
    case_ids: Sequence[str],
    rows_by_key: Mapping[tuple[str, str], str],
    problems: Problems,
) -> None:
    """Every case under every approach, and two approaches at least (a few, at most)."""
    if len(approaches) == 1:
        problems.add(
            "",
            f"holds one approach only ({shown(approaches[0])}); a pilot compares at least two "
            "(the best prompt and the tuned model) on the same cases",
        )
    if len(approaches) > MAX_APPROACHES:
        problems.add(
            "",
            f"holds {len(approaches)} approaches; a pilot compares at most {MAX_APPROACHES}",
        )
        return
    for approach in approaches:
        missing = [case_id for case_id in case_ids if (approach, case_id) not in rows_by_key]
        if missing:
            named = ", ".join(shown(case_id) for case_id in missing[:_SHOWN_IDS])
            more = f" and {len(missing) - _SHOWN_IDS:,} more" if len(missing) > _SHOWN_IDS else ""
            problems.add(
                f"approach {shown(approach)}",
                f"has no row for case {named}{more}, which other approaches have; every case "
                "needs one row under every approach",
            )
