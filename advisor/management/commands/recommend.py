"""`manage.py recommend FILE|- [--format text|json] [--horizon-months N]`."""

import json
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from advisor.management.answers_argument import (
    USAGE_ERROR,
    invalid_answers_error,
    read_answers_argument,
)
from advisor.scoring import (
    DEFAULT_HORIZON_MONTHS,
    MAX_HORIZON_MONTHS,
    InvalidAnswers,
    recommend_from_input,
    recommendation_as_text,
)


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
        name, data = read_answers_argument(options["file"], options.get("stdin") or sys.stdin)
        try:
            recommendation = recommend_from_input(data, horizon_months=horizon)
        except InvalidAnswers as invalid:
            raise invalid_answers_error(name, invalid) from None
        if options["format"] == "text":
            self.stdout.write(recommendation_as_text(recommendation), ending="")
        else:
            self.stdout.write(json.dumps(recommendation.to_dict(), indent=2))
