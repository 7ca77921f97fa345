"""What text may contain before it reaches a page or a client report.

Invisible control and format characters are refused everywhere: the bidi controls among them
(U+202A to U+202E, U+2066 to U+2069) reorder the text around them, so a name could read one way
in the form and another in the PDF. One-line fields (names, the contact line, the footer) refuse
line breaks and tabs too; multi-line fields (notes, descriptions) keep ordinary line breaks and
tabs. The rules sit on the model fields, so forms, the admin and `full_clean` all apply them.
Surrounding whitespace is not refused: the forms trim it (Django's default), as does the data
migration that cleans older rows.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# Cc: control characters (NUL, escape, tab, line feed...); Cf: invisible format characters,
# bidi controls included; Zl/Zp: the line and paragraph separators; Cs: lone surrogates, which
# no database stores.
UNWANTED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
# What a multi-line field keeps: line feeds (with or without a carriage return before) and tabs.
MULTI_LINE_ALLOWED = frozenset("\n\t")


def _unwanted_at(text: str, index: int, *, multiline: bool) -> bool:
    char = text[index]
    if unicodedata.category(char) not in UNWANTED_CATEGORIES:
        return False
    if not multiline:
        return True
    if char == "\r":
        return not text.startswith("\n", index + 1)
    return char not in MULTI_LINE_ALLOWED


def first_unwanted_character(text: str, *, multiline: bool = False) -> str | None:
    """The first character this kind of field refuses, or None if the text is fine."""
    return next(
        (text[i] for i in range(len(text)) if _unwanted_at(text, i, multiline=multiline)), None
    )


def describe_problem(char: str, *, multiline: bool) -> str:
    """What is wrong with the text, naming the character by its code point."""
    code = f"U+{ord(char):04X}"
    if char in LINE_BREAKS:
        if multiline:
            return f"This contains an unusual line break ({code}); use an ordinary new line."
        return f"This must fit on one line: it contains a line break ({code})."
    if char == "\t":
        return f"This must fit on one line: it contains a tab ({code}); use a space instead."
    return f"This contains an invisible control character ({code}); please remove it."


@deconstructible
class PlainTextValidator:
    """Refuses invisible control and format characters; one-line text also line breaks and tabs."""

    code = "control_character"

    def __init__(self, *, multiline: bool = False) -> None:
        self.multiline = multiline

    def __call__(self, value: object) -> None:
        if not isinstance(value, str):
            return
        char = first_unwanted_character(value, multiline=self.multiline)
        if char is not None:
            raise ValidationError(
                describe_problem(char, multiline=self.multiline),
                code=self.code,
                params={"value": value},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlainTextValidator) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash((type(self), self.multiline))


ONE_LINE = PlainTextValidator()
MULTI_LINE = PlainTextValidator(multiline=True)

_LINE_BREAK_RUN = re.compile("(?:[" + re.escape("".join(sorted(LINE_BREAKS))) + "\t])+")
_STRAY_CARRIAGE_RETURN = re.compile(r"\r(?!\n)")
_UNUSUAL_LINE_BREAK = re.compile("[" + re.escape("".join(sorted(LINE_BREAKS - {"\n", "\r"}))) + "]")


def clean_text(text: str, *, multiline: bool = False) -> str:
    """The text with what the validators refuse taken out, for data saved before they existed.

    One-line text gets a space for each run of line breaks and tabs; multi-line text gets an
    ordinary new line for each unusual line break. Other invisible characters are dropped, the
    ends trimmed and the result put in composed form (NFC), as the forms do.
    """
    if multiline:
        text = _UNUSUAL_LINE_BREAK.sub("\n", _STRAY_CARRIAGE_RETURN.sub("\n", text))
    else:
        text = _LINE_BREAK_RUN.sub(" ", text)
    kept = (char for i, char in enumerate(text) if not _unwanted_at(text, i, multiline=multiline))
    return unicodedata.normalize("NFC", "".join(kept).strip())
