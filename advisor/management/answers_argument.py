"""The answers a command is given: a JSON file, or standard input for '-', read as the web
import reads them; what is wrong with them is a usage error naming every bad field."""

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
    name, raw = _read(file, stdin)
    try:
        return name, read_answers_file(raw)
    except UnreadableFile as unreadable:
        raise CommandError(f"{name} {unreadable}", returncode=USAGE_ERROR) from None


def invalid_answers_error(name: str, invalid: InvalidAnswers) -> CommandError:
    """The usage error for answers that do not validate: one line per bad field."""
    problems = "\n".join(
        f"  {field}: {message}" if field else f"  {message}"
        for field, message in invalid.problems()
    )
    return CommandError(f"{name} has invalid answers:\n{problems}", returncode=USAGE_ERROR)


def _read(file: str, stdin: TextIO) -> tuple[str, bytes]:
    """Return a name for messages and the bytes of the file, or of standard input for '-'.

    Reads at most one byte more than an answers file may hold, so a huge input is refused
    without being read whole.
    """
    limit = MAX_FILE_BYTES + 1
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
