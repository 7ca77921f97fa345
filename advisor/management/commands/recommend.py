"""`manage.py recommend FILE|- [--format text|json] [--horizon-months N]`."""

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError

from advisor.scoring import (
    DEFAULT_HORIZON_MONTHS,
    MAX_HORIZON_MONTHS,
    InvalidAnswers,
    recommend_from_input,
    recommendation_as_text,
)
from advisor.scoring.answers_file import MAX_FILE_BYTES, UnreadableFile, read_answers_file

# Usage errors exit with 2, like argparse's own: the input was wrong, not the program.
USAGE_ERROR = 2


class Command(BaseCommand):
    help = (
        "Recommend prompting or fine-tuning for one project's answers, read as JSON from FILE "
        "or from standard input ('-'). Invalid answers exit with status 2, naming each bad field."
    )
    # Tests pass a file-like `stdin`; from the shell it is the process's standard input.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="the answers as a JSON file, or - for standard input")
        parser.add_argument(
            "--format",
            choices=("json", "text"),
            default="json",
            help="json (the output contract, default) or text (for a person)",
        )
        parser.add_argument(
            "--horizon-months",
            type=int,
            default=DEFAULT_HORIZON_MONTHS,
            help=f"months of total cost of ownership, 1 to {MAX_HORIZON_MONTHS} "
            f"(default {DEFAULT_HORIZON_MONTHS})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        horizon: int = options["horizon_months"]
        if not 1 <= horizon <= MAX_HORIZON_MONTHS:
            raise CommandError(
                f"--horizon-months must be from 1 to {MAX_HORIZON_MONTHS} (got {horizon})",
                returncode=USAGE_ERROR,
            )
        name, raw = _read(options["file"], options.get("stdin") or sys.stdin)
        try:
            data = read_answers_file(raw)
            recommendation = recommend_from_input(data, horizon_months=horizon)
        except UnreadableFile as unreadable:
            raise CommandError(f"{name} {unreadable}", returncode=USAGE_ERROR) from None
        except InvalidAnswers as invalid:
            problems = "\n".join(
                f"  {field}: {message}" if field else f"  {message}"
                for field, message in invalid.problems()
            )
            raise CommandError(
                f"{name} has invalid answers:\n{problems}", returncode=USAGE_ERROR
            ) from None
        if options["format"] == "text":
            self.stdout.write(recommendation_as_text(recommendation), ending="")
        else:
            self.stdout.write(json.dumps(recommendation.to_dict(), indent=2))


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
