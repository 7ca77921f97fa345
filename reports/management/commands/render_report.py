"""`manage.py render_report ANSWERS.json --out FILE [--variant full|executive] [--format pdf|docx]
[--agency NAME] [--client NAME] [--project NAME] [--prepared-by NAME]`."""

import os
import sys
import tempfile
import unicodedata
from argparse import ArgumentParser
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import models
from django.utils import timezone

from advisor.management.answers_argument import (
    USAGE_ERROR,
    invalid_answers_error,
    read_answers_argument,
)
from advisor.models import Assessment
from advisor.scoring import InvalidAnswers, default_assumptions, parse_answers
from advisor.scoring.answers import Answers
from advisor.services import frozen_result
from projects.models import Client, Organization, Project
from reports.content import VARIANT_SECTIONS, report_context
from reports.docx import render_report_docx
from reports.pdf import render_report_pdf

FORMATS = {".pdf": "pdf", ".docx": "docx"}
DEFAULT_NAMES = {
    "agency": "Your agency",
    "client": "Your client",
    "project": "Your project",
    "prepared_by": "the team",
}
# The field each name would fill in the app, whose rules it follows.
NAME_FIELDS: dict[str, tuple[type[models.Model], str]] = {
    "agency": (Organization, "name"),
    "client": (Client, "name"),
    "project": (Project, "name"),
    "prepared_by": (Client, "contact_name"),  # a person's name
}


class Command(BaseCommand):
    help = (
        "Render the client report for one project's answers, read as JSON from FILE or from "
        "standard input ('-'), to a PDF or Word file. Nothing is read from or saved in the "
        "database: the agency, client and project are named here. Invalid answers or options "
        "exit with status 2, saying what is wrong."
    )
    # Tests pass a file-like `stdin`; from the shell it is the process's standard input.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="the answers as a JSON file, or - for standard input")
        parser.add_argument(
            "--out", required=True, help="the file to write, such as report.pdf or report.docx"
        )
        parser.add_argument(
            "--variant",
            default="full",
            help="full (the whole report, default) or executive (the short summary)",
        )
        parser.add_argument(
            "--format",
            help="pdf or docx (default: from the suffix of --out, and pdf for any other suffix)",
        )
        for option, what in (
            ("agency", "the agency the report is from"),
            ("client", "the client it is for"),
            ("project", "the project it is about"),
            ("prepared_by", "who prepared it"),
        ):
            default = DEFAULT_NAMES[option]
            parser.add_argument(
                f"--{option.replace('_', '-')}",
                default=default,
                help=f'{what} (default "{default}")',
            )

    def handle(self, *args: Any, **options: Any) -> None:
        variant: str = options["variant"]
        if variant not in VARIANT_SECTIONS:
            raise _usage(f"--variant must be full or executive (got {variant!r})")
        out = Path(options["out"])
        output_format = _format(options["format"], out)
        names = {option: _name(option, options[option]) for option in DEFAULT_NAMES}
        name, data = read_answers_argument(options["file"], options.get("stdin") or sys.stdin)
        try:
            answers, overrides = parse_answers(data)
        except InvalidAnswers as invalid:
            raise invalid_answers_error(name, invalid) from None
        with _written_in_place(out) as partial:
            assessment = unsaved_assessment(
                answers=answers,
                overrides=overrides,
                agency=names["agency"],
                client=names["client"],
                project=names["project"],
            )
            context = report_context(
                assessment=assessment,
                variant=variant,
                organization=assessment.project.client.organization,
                prepared_by=names["prepared_by"],
            )
            if output_format == "pdf":
                partial.write(render_report_pdf(context).pdf)
            else:
                partial.write(render_report_docx(context).docx)
        self.stdout.write(f"Wrote the {variant} report to {out}")


def unsaved_assessment(
    *, answers: Answers, overrides: Mapping[str, float], agency: str, client: str, project: str
) -> Assessment:
    """A submitted assessment as the app would store it, with its agency, client and project,
    none of them saved: the report reads them as it reads stored ones."""
    organization = Organization(name=agency)
    project_ = Project(client=Client(organization=organization, name=client), name=project)
    assessment = Assessment(project=project_, number=1, status=Assessment.Status.SUBMITTED)
    # The Advisor's default figures, in US dollars, with any the answers file sets.
    assumptions = default_assumptions().with_overrides(overrides)
    today = timezone.localdate()
    frozen_result(answers, assumptions=assumptions, plan_starts=today).stored_on(assessment)
    assessment.submitted_at = timezone.now()
    return assessment


def _usage(message: str) -> CommandError:
    return CommandError(message, returncode=USAGE_ERROR)


def _format(asked: str | None, out: Path) -> str:
    """The format asked for, else the one --out's suffix names, else PDF."""
    implied = FORMATS.get(out.suffix.lower())
    if asked is None:
        return implied or "pdf"
    if asked not in FORMATS.values():
        raise _usage(f"--format must be pdf or docx (got {asked!r})")
    if implied and implied != asked:
        raise _usage(f"--format {asked} does not match --out {out} (a {implied} file name)")
    return asked


def _name(option: str, value: str) -> str:
    """A name as the app's forms take it: trimmed, composed (NFC) and checked like the field
    it would fill (one line, no invisible characters, not too long)."""
    flag = f"--{option.replace('_', '-')}"
    text = unicodedata.normalize("NFC", value.strip())
    if not text:
        raise _usage(f"{flag} must not be empty")
    model, name = NAME_FIELDS[option]
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)  # noqa: S101 - a plain text field
    try:
        field.clean(text, None)
    except ValidationError as invalid:
        raise _usage(f"{flag}: {' '.join(invalid.messages)}") from None
    return text


@contextmanager
def _written_in_place(out: Path) -> Iterator[IO[bytes]]:
    """A hidden file beside `out` to write the report to, put in place once written: a failed
    render leaves no half-written report, and a folder that cannot be written is found before
    the report is rendered."""
    if out.is_dir():
        raise _usage(f"--out {out} is a folder; name the file to write in it")
    folder = out.parent
    if not folder.is_dir():
        raise _usage(f"--out: the folder {folder} does not exist")
    try:
        partial = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below
            dir=folder, prefix=f".{out.name}.", suffix=".part", delete=False
        )
    except OSError as error:
        raise _usage(f"--out: cannot write in {folder}: {error.strerror}") from None
    try:
        with partial:
            yield partial
        umask = os.umask(0)
        os.umask(umask)
        try:
            os.chmod(partial.name, 0o666 & ~umask)  # as any new file, not the hidden file's 0600
            os.replace(partial.name, out)
        except OSError as error:
            raise _usage(f"--out: cannot write {out}: {error.strerror}") from None
    finally:
        with suppress(FileNotFoundError):
            os.unlink(partial.name)
