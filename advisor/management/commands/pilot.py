"""`manage.py pilot RESULTS|- [--baseline LABEL] [--candidate LABEL] [--target METRIC>=VALUE ...]
[--fell-short METRIC ...] [--format text|json]`."""

import json
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from advisor.management.answers_argument import USAGE_ERROR, problem_lines, read_input
from advisor.scoring.evidence import (
    InvalidPilot,
    Target,
    default_roles,
    parse_target,
    pilot_verdict,
    pilot_verdict_as_text,
)
from advisor.scoring.pilot_results import EvalResults, InvalidResults
from advisor.scoring.results_file import MAX_FILE_BYTES, read_results_file

_FLAGS = {
    "baseline": "--baseline",
    "candidate": "--candidate",
    "targets": "--target",
    "fell_short": "--fell-short",
}


class Command(BaseCommand):
    help = (
        "The pilot's verdict from paired results (promptfoo's JSON output, or a CSV or JSON Lines "
        "file with one row per test case and approach): adopt the fine-tuned model, keep "
        "prompting, or collect more cases. Bad input exits with status 2, naming each problem."
    )
    # Tests pass a file-like `stdin`; from the shell it is the process's standard input.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("results", help="the results file, or - for standard input")
        parser.add_argument("--baseline", help="the prompting approach's label in the file")
        parser.add_argument("--candidate", help="the fine-tuned approach's label in the file")
        parser.add_argument(
            "--target",
            action="extend",
            nargs="+",
            default=[],
            metavar="METRIC>=VALUE",
            help="a target, such as format_compliance>=0.99 or latency_ms<=800 (on the mean; "
            "a pass rate from 0 to 1 for pass/fail metrics)",
        )
        parser.add_argument(
            "--fell-short",
            action="extend",
            nargs="+",
            default=[],
            metavar="METRIC",
            help="a metric prompting fell short on (a target prompting misses counts too)",
        )
        parser.add_argument(
            "--format",
            choices=("json", "text"),
            default="json",
            help="json (the output contract, default) or text (for a person)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        targets = _targets(options["target"])
        stdin = options.get("stdin") or sys.stdin
        name, raw = read_input(options["results"], stdin, MAX_FILE_BYTES)
        try:
            results = read_results_file(raw, filename="" if name == "standard input" else name)
        except InvalidResults as invalid:
            listed = problem_lines(invalid.problems())
            raise CommandError(
                f"{name} cannot be used:\n{listed}", returncode=USAGE_ERROR
            ) from None
        baseline, candidate = _roles(results, options["baseline"], options["candidate"])
        try:
            verdict = pilot_verdict(
                results,
                baseline=baseline,
                candidate=candidate,
                targets=targets,
                fell_short=options["fell_short"],
            )
        except InvalidPilot as invalid:
            problems = [(_FLAGS.get(what, what), why) for what, why in invalid.problems]
            raise CommandError(
                f"The comparison cannot be made:\n{problem_lines(problems)}", returncode=USAGE_ERROR
            ) from None
        for note in results.notes:
            self.stderr.write(note)
        if options["format"] == "text":
            self.stdout.write(pilot_verdict_as_text(verdict), ending="")
        else:
            self.stdout.write(json.dumps(verdict.to_dict(), indent=2))


def _targets(texts: list[str]) -> list[Target]:
    targets, problems = [], []
    for text in texts:
        try:
            targets.append(parse_target(text))
        except ValueError as error:
            problems.append(("--target", str(error)))
    if problems:
        raise CommandError(f"Bad targets:\n{problem_lines(problems)}", returncode=USAGE_ERROR)
    return targets


def _roles(results: EvalResults, baseline: str | None, candidate: str | None) -> tuple[str, str]:
    """The baseline and candidate: as given; the other of two when one is given; else told
    apart by their labels (a prompt against the other), or the user is asked."""
    approaches = results.approaches
    if baseline is None and candidate is not None and len(approaches) == 2:
        baseline = next((a for a in approaches if a != candidate), None)
    if candidate is None and baseline is not None and len(approaches) == 2:
        candidate = next((a for a in approaches if a != baseline), None)
    if baseline is None and candidate is None and (roles := default_roles(approaches)):
        baseline, candidate = roles
    if baseline is None or candidate is None:
        listed = ", ".join(repr(approach) for approach in approaches)
        raise CommandError(
            f"Say which approach is the baseline (prompting) and which the candidate "
            f"(fine-tuned) with --baseline LABEL --candidate LABEL; the results hold {listed}.",
            returncode=USAGE_ERROR,
        )
    return baseline, candidate
