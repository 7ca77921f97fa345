"""Reading an answers file: how the web import and `manage.py recommend` turn bytes into data.

One function for both, so they refuse the same files with the same words: too big, not UTF-8,
not JSON, or nested deeper than an answers file ever is. What it returns still goes through
`parse_answers`, which names every bad field.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

MAX_FILE_BYTES: Final = 256 * 1024
"""An answers file is a few KB; a quarter of a megabyte is room for anything a person writes."""

MAX_FILE_SIZE_TEXT: Final = "256 KB"

MAX_NESTING: Final = 10
"""Answers nest two levels deep (the file, then `assumptions` or a list); ten is generous."""

MAX_NUMBER_DIGITS: Final = 100
"""No answer or assumption comes near a 100-digit number; Python refuses to read 4,300."""


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
        data = json.loads(text, parse_int=_integer)
    except RecursionError:
        raise UnreadableFile(_TOO_DEEP) from None
    except ValueError as error:  # json.JSONDecodeError
        raise UnreadableFile(f"is not valid JSON ({error})") from None
    if _nesting(data) > MAX_NESTING:
        raise UnreadableFile(_TOO_DEEP)
    return data


_TOO_DEEP: Final = f"is nested more than {MAX_NESTING} levels deep; answers are never that deep"


def _nesting(data: object) -> int:
    """How deeply lists and objects nest (a number is 0, `[1]` is 1); without recursion."""
    deepest = 0
    pending: list[tuple[object, int]] = [(data, 0)]
    while pending:
        value, depth = pending.pop()
        deepest = max(deepest, depth)
        if depth > MAX_NESTING:
            break
        if isinstance(value, list):
            pending.extend((item, depth + 1) for item in value)
        elif isinstance(value, Mapping):
            pending.extend((item, depth + 1) for item in value.values())
    return deepest
