"""Reading an answers file, as the web import and `manage.py recommend` both do."""

import json

import pytest

from advisor.scoring.answers_file import (
    MAX_FILE_BYTES,
    MAX_NESTING,
    LongNumber,
    UnreadableFile,
    read_answers_file,
)
from advisor.scoring.examples import sample_input


def unreadable(raw: bytes) -> str:
    with pytest.raises(UnreadableFile) as refused:
        read_answers_file(raw)
    return str(refused.value)


def test_an_exported_file_reads_back_as_it_was_written() -> None:
    data = sample_input(assumptions={"labour_rate_per_hour": 150}, unknown=["input_tokens"])

    assert read_answers_file(json.dumps(data, indent=2).encode()) == data


def test_a_byte_order_mark_is_fine() -> None:
    assert read_answers_file(b"\xef\xbb\xbf{}") == {}


def test_a_file_of_exactly_the_limit_is_read_and_one_byte_more_is_refused() -> None:
    at_limit = b"{}" + b" " * (MAX_FILE_BYTES - 2)

    assert read_answers_file(at_limit) == {}
    assert unreadable(at_limit + b" ").startswith("is larger than 256 KB")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\xff\xfe{}", "is not valid JSON: it is not UTF-8 text"),
        (b"{not json", "is not valid JSON (Expecting property name"),
        (b"", "is not valid JSON (Expecting value"),
        (b'{"task_type": "a\x01b"}', "is not valid JSON (Invalid control character"),
    ],
)
def test_what_is_not_json_is_refused_saying_why(raw: bytes, reason: str) -> None:
    assert unreadable(raw).startswith(reason)


@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 2_000, 40_000])
def test_nesting_deeper_than_any_answers_file_is_refused(depth: int) -> None:
    for opening, closing in ((b"[", b"]"), (b'{"":', b"}")):
        raw = opening * depth + b"1" + closing * depth
        assert "nested more than 10 levels deep" in unreadable(raw)


def test_nesting_up_to_the_limit_is_read() -> None:
    raw = b"[" * MAX_NESTING + b"]" * MAX_NESTING

    assert read_answers_file(raw) is not None


def test_a_number_too_long_for_python_becomes_a_value_every_answer_refuses() -> None:
    data = read_answers_file(b'{"n": -' + b"9" * 5_000 + b', "m": ' + b"9" * 100 + b"}")

    assert isinstance(data, dict)
    assert data["n"] == LongNumber(digits=5_000, start="-99999999999")
    assert repr(data["n"]) == "a number of 5,000 digits (-99999999999...)"
    assert data["m"] == int("9" * 100)
