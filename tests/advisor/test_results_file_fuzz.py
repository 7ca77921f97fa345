"""Whatever a results file holds, the import returns results or names problems: never a crash."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.scoring.pilot_results import EvalResults, InvalidResults
from advisor.scoring.results_file import read_results_file
from tests.advisor.pilot_files import invoice_cases, promptfoo_document

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FILENAMES = st.sampled_from(["", "r.csv", "r.jsonl", "r.json", "r.txt"])

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
cells = st.one_of(
    st.sampled_from(
        ["true", "0", "1", "0.5", "-1", "1e999", "nan", "", "=1+1", '"', "\x00", "\u202e"]
    ),
    st.text(max_size=12),
)


def imports_or_refuses(raw: bytes, filename: str) -> None:
    problems: list[tuple[str, str]] = []
    try:
        results = read_results_file(raw, filename=filename)
    except InvalidResults as refused:
        problems = refused.problems()
    if problems:
        assert all(isinstance(where, str) and message for where, message in problems)
    else:
        assert isinstance(results, EvalResults)
        assert len(results.approaches) >= 2


@FUZZ
@given(st.binary(max_size=300), FILENAMES)
def test_any_bytes_are_imported_or_refused(raw: bytes, filename: str) -> None:
    imports_or_refuses(raw, filename)


@FUZZ
@given(
    st.lists(
        st.sampled_from(["case_id", "approach", "output", "ok", "score", "latency_ms", "x"]),
        max_size=6,
    ),
    st.lists(st.lists(cells, max_size=6), max_size=8),
)
def test_any_csv_is_imported_or_refused(header: list[str], rows: list[list[str]]) -> None:
    text = "\n".join(",".join(row) for row in [header, *rows])
    imports_or_refuses(text.encode("utf-8", "surrogatepass"), "r.csv")


@FUZZ
@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(["case_id", "approach", "output", "ok", "cost"]), json_values
        ),
        max_size=6,
    )
)
def test_any_json_lines_are_imported_or_refused(records: list[dict[str, object]]) -> None:
    text = "\n".join(json.dumps(record) for record in records)
    imports_or_refuses(text.encode("utf-8", "surrogatepass"), "r.jsonl")


@FUZZ
@given(
    st.integers(0, 7),
    st.sampled_from(
        [
            "testIdx",
            "provider",
            "vars",
            "response",
            "success",
            "latencyMs",
            "cost",
            "gradingResult",
            "namedScores",
            "failureReason",
        ]
    ),
    json_values,
)
def test_any_value_in_a_promptfoo_row_is_imported_or_refused(
    row: int, key: str, value: object
) -> None:
    document = promptfoo_document(invoice_cases())
    document["results"]["results"][row][key] = value  # type: ignore[index]
    imports_or_refuses(json.dumps(document).encode("utf-8", "surrogatepass"), "r.json")
