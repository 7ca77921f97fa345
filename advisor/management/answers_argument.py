"""The file a command is given: a file, or standard input for '-', read as the web import reads
it; what is wrong with it is a usage error naming every problem."""

from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from django.core.management.base import CommandError

from advisor.scoring.answers import InvalidAnswers
from advisor.scoring.answers_file import MAX_FILE_BYTES, UnreadableFile, read_answers_file

# Usage errors exit with 2, like argparse's own: the input was wrong, not the program.
USAGE_ERROR = 2


def read_answers_argument(file: str, stdin: TextIO) -> tuple[str, object]:
    """A name for messages, and the parsed JSON of FILE (or of standard input for '-').

    Raises `CommandError` (status 2) saying why the file cannot be read.
    """
    name, raw = read_input(file, stdin, MAX_FILE_BYTES)
    try:
        return name, read_answers_file(raw)
    except UnreadableFile as unreadable:
        raise CommandError(f"{name} {unreadable}", returncode=USAGE_ERROR) from None


def invalid_answers_error(name: str, invalid: InvalidAnswers) -> CommandError:
    """The usage error for answers that do not validate: one line per bad field."""
    return CommandError(
        f"{name} has invalid answers:\n{problem_lines(invalid.problems())}",
        returncode=USAGE_ERROR,
    )


def problem_lines(problems: Iterable[tuple[str, str]]) -> str:
    """One indented line per problem, naming where it is when that is known."""
    return "\n".join(
        f"  {where}: {message}" if where else f"  {message}" for where, message in problems
    )


def read_input(file: str, stdin: TextIO, max_bytes: int) -> tuple[str, bytes]:
    """Return a name for messages and the bytes of the file, or of standard input for '-'.

    Reads at most one byte more than `max_bytes`, so a huge input is refused without being
    read whole.
    """
    limit = max_bytes + 1
    if file == "-":
        binary = getattr(stdin, "buffer", None)
        if binary is not None:
            return "standard input", binary.read(limit)
        # A text stream (as tests pass): a character is at least one byte, so this is enough.
        return "standard input", stdin.read(limit).encode("utf-8", "surrogatepass")
    try:
        with Path(file).open("rb") as opened:
            return file, opened.read(limit)
    except OSError as error:
        reason = error.strerror or str(error)
        raise CommandError(f"Cannot read {file}: {reason}", returncode=USAGE_ERROR) from None
