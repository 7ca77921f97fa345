"""Reading an answers file: how the web import and `manage.py recommend` turn bytes into data.

One function for both, so they refuse the same files with the same words: too big, not UTF-8,
not JSON, or nested deeper than an answers file ever is. What it returns still goes through
`parse_answers`, which names every bad field.
"""

import json
import sys
from dataclasses import dataclass
from typing import Final

MAX_FILE_BYTES: Final = 256 * 1024
"""An answers file is a few KB; a quarter of a megabyte is room for anything a person writes."""

MAX_FILE_SIZE_TEXT: Final = "256 KB"

MAX_NESTING: Final = 10
"""Answers nest two levels deep (the file, then `assumptions` or a list); ten is generous."""

MAX_NUMBER_DIGITS: Final = 100
"""No answer or assumption comes near a 100-digit number; Python refuses to read 4,300."""

_PYTHON_DIGITS_LIMIT: Final = 4_300  # Python's default int_max_str_digits


class UnreadableFile(ValueError):
    """The file cannot be read as answers. The message is a phrase about the file, such as
    "is not valid JSON (...)", to follow the file's name."""


@dataclass(frozen=True, slots=True)
class LongNumber:
    """A whole number in the file too long to be any answer; every answer refuses it by name."""

    digits: int
    start: str

    def __repr__(self) -> str:
        return f"a number of {self.digits:,} digits ({self.start}...)"


def parse_json(text: str) -> object:
    """Parse JSON; integers too long for Python to read become `LongNumber`. Raises
    `json.JSONDecodeError` on bad JSON and `RecursionError` on absurd nesting.

    Parsed in C first; only a file that Python refuses for a long integer is parsed again
    with a (slower) Python hook for every integer. Without Python's limit (it can be switched
    off), the hook always runs: reading a huge integer would otherwise take quadratic time.
    """
    if 0 < sys.get_int_max_str_digits() <= _PYTHON_DIGITS_LIMIT:
        try:
            return json.loads(text)
        except ValueError as error:
            if isinstance(error, json.JSONDecodeError):
                raise
    return json.loads(text, parse_int=_integer)


def _integer(text: str) -> int | LongNumber:
    if len(text) > MAX_NUMBER_DIGITS:
        return LongNumber(digits=len(text.lstrip("-")), start=text[:12])
    return int(text)


def read_answers_file(raw: bytes) -> object:
    """Decode and parse an answers file; raises `UnreadableFile` saying why it cannot be read."""
    if len(raw) > MAX_FILE_BYTES:
        raise UnreadableFile(
            f"is larger than {MAX_FILE_SIZE_TEXT}; an answers file is only a few KB"
        )
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark, as some Windows editors add, is fine
    except UnicodeDecodeError:
        raise UnreadableFile("is not valid JSON: it is not UTF-8 text") from None
    try:
        data = parse_json(text)
    except RecursionError:
        raise UnreadableFile(_TOO_DEEP) from None
    except ValueError as error:  # json.JSONDecodeError
        raise UnreadableFile(f"is not valid JSON ({error})") from None
    # Fewer brackets than the limit cannot nest deeper than it; only then is the walk skipped.
    brackets = text.count("[") + text.count("{")
    if brackets > MAX_NESTING and nesting_depth(data) > MAX_NESTING:
        raise UnreadableFile(_TOO_DEEP)
    return data


_TOO_DEEP: Final = f"is nested more than {MAX_NESTING} levels deep; answers are never that deep"


def nesting_depth(data: object, limit: int = MAX_NESTING) -> int:
    """How deeply lists and objects nest (a number is 0, `[1]` is 1), counted up to one level
    past `limit`; level by level without recursion, picking out only the containers, so a long
    flat list is one quick pass."""
    deepest = 0
    level: list[list[object] | dict[str, object]] = [data] if isinstance(data, list | dict) else []
    while level and deepest <= limit:
        deepest += 1
        inner: list[list[object] | dict[str, object]] = []
        for container in level:
            items = container if isinstance(container, list) else container.values()
            inner += [item for item in items if isinstance(item, list | dict)]
        level = inner
    return deepest
