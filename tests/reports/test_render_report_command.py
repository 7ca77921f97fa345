"""`manage.py render_report`: the client report for an answers file, as a PDF or a Word file,
without the database; bad input exits with status 2 and one clear message."""

import io
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from advisor import services
from advisor.scoring import parse_answers
from advisor.scoring.examples import EXAMPLE_PROJECTS, sample_input
from reports.content import report_context
from reports.management.commands.render_report import unsaved_assessment
from tests.personas import Agency
from tests.reports.test_docx import read_docx, read_html, report_html

ROOT = Path(__file__).resolve().parents[2]
NAMES = ("--agency", "Northwind AI", "--client", "Harbor Legal", "--project", "Contract review")


def run(*args: str, stdin: str = "") -> str:
    out = StringIO()
    call_command("render_report", *args, stdout=out, stdin=StringIO(stdin))
    return out.getvalue()


def refusal(*args: str, stdin: str = "") -> str:
    with pytest.raises(CommandError) as refused:
        run(*args, stdin=stdin)
    assert refused.value.returncode == 2
    return str(refused.value)


@pytest.fixture
def answers_file(tmp_path: Path) -> Path:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(EXAMPLE_PROJECTS["contract_review"]), encoding="utf-8")
    return path


# No database mark: any query would fail these tests, so they prove the command needs none.
@pytest.mark.parametrize("variant", ["full", "executive"])
def test_it_writes_the_word_report_the_app_would_write(
    answers_file: Path, tmp_path: Path, variant: str
) -> None:
    out = tmp_path / "report.docx"

    printed = run(str(answers_file), "--out", str(out), "--variant", variant, *NAMES)

    assert printed == f"Wrote the {variant} report to {out}\n"
    word = read_docx(Document(out))
    answers, overrides = parse_answers(EXAMPLE_PROJECTS["contract_review"])
    assessment = unsaved_assessment(
        answers=answers,
        overrides=overrides,
        agency="Northwind AI",
        client="Harbor Legal",
        project="Contract review",
    )
    organization = assessment.project.client.organization
    ctx = report_context(
        assessment=assessment, variant=variant, organization=organization, prepared_by="the team"
    )
    assert word.text == read_html(report_html(ctx)).text
    assert word.text.startswith("Northwind AI Draft · ")
    assert "Contract review Prompting or fine-tuning: how Harbor Legal should build it" in word.text
    assert "Prepared by the team, Northwind AI" in word.text
    assert oct(out.stat().st_mode & 0o777) != oct(0o600)  # an ordinary file, not a hidden one's
    assert {p.name for p in tmp_path.iterdir()} == {"answers.json", "report.docx"}


@pytest.mark.parametrize(
    ("variant", "title"), [("full", "Recommendation report"), ("executive", "Executive summary")]
)
def test_it_writes_the_pdf_report_from_standard_input(
    tmp_path: Path, variant: str, title: str
) -> None:
    out = tmp_path / "report"  # no suffix: a PDF
    run("-", "--out", str(out), "--variant", variant, stdin=json.dumps(sample_input()))

    reader = PdfReader(io.BytesIO(out.read_bytes()))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert reader.metadata.title == "Your project: prompting or fine-tuning? · Your client"
    assert reader.metadata.author == "Your agency"
    assert f"Draft · {title}".upper() in text.upper()
    assert ("Appendix" in text) == (variant == "full")


@pytest.mark.django_db
def test_its_assessment_holds_what_submitting_would_store(acme: Agency) -> None:
    data = EXAMPLE_PROJECTS["invoice_extraction"]
    user = acme.admin.user
    stored = services.assessment_submit(
        assessment=services.assessment_start(project=acme.project, by=user, answers=dict(data)),
        by=user,
        plan_starts=timezone.localdate(),
    )
    answers, overrides = parse_answers(data)

    unsaved = unsaved_assessment(
        answers=answers, overrides=overrides, agency="Acme", client="Acme Retail", project="P"
    )

    assert unsaved.pk is None
    assert unsaved.project.pk is None
    assert unsaved.project.client.organization.pk is None
    for field in ("answers", "recommendation", "costs", "ruleset_version", "status"):
        assert getattr(unsaved, field) == getattr(stored, field), field
    assert unsaved.questionnaire_version == stored.questionnaire_version


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--variant", "short"), "--variant must be full or executive (got 'short')"),
        (("--format", "odt"), "--format must be pdf or docx (got 'odt')"),
        (("--format", "docx"), "--format docx does not match --out {out} (a pdf file name)"),
        (("--agency", "  "), "--agency must not be empty"),
        (("--client", "Harbor\u202eLegal"), "--client: This contains an invisible control"),
        (("--project", "x" * 121), "--project: Ensure this value has at most 120 characters"),
    ],
)
def test_a_bad_option_is_refused_with_status_2(
    answers_file: Path, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    out = tmp_path / "report.pdf"

    assert refusal(str(answers_file), "--out", str(out), *args).startswith(message.format(out=out))
    assert not out.exists()


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("missing/report.pdf", "--out: the folder {tmp}/missing does not exist"),
        (".", "--out {tmp} is a folder; name the file to write in it"),
        ("/sys/report.pdf", "--out: cannot write in /sys: Permission denied"),
    ],
)
def test_an_out_file_that_cannot_be_written_is_refused_before_rendering(
    answers_file: Path, tmp_path: Path, out: str, message: str
) -> None:
    target = out if out.startswith("/") else f"{tmp_path}/{out}"

    assert refusal(str(answers_file), "--out", target) == message.format(tmp=tmp_path)


def test_invalid_answers_are_refused_naming_every_bad_field(tmp_path: Path) -> None:
    bad = json.dumps(sample_input(task_type="poetry", example_count=-1))
    message = refusal("-", "--out", str(tmp_path / "r.pdf"), stdin=bad)

    assert message.startswith("standard input has invalid answers:")
    assert "task_type: must be one of" in message
    assert "example_count: must be a whole number" in message
    assert refusal(str(tmp_path / "none.json"), "--out", str(tmp_path / "r.pdf")) == (
        f"Cannot read {tmp_path / 'none.json'}: No such file or directory"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_failed_render_leaves_no_file_behind(
    answers_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(context: object) -> None:
        raise RuntimeError("the renderer broke")

    monkeypatch.setattr("reports.management.commands.render_report.render_report_docx", broken)
    with pytest.raises(RuntimeError):
        run(str(answers_file), "--out", str(tmp_path / "report.docx"))

    assert [p.name for p in tmp_path.iterdir()] == ["answers.json"]


# What a fresh shell gives: none of the app's settings, and a database that does not answer.
APP_VARIABLES = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
NO_DATABASE = "postgres://nobody@127.0.0.1:9/none"  # the discard port: nothing listens there


def _manage(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in APP_VARIABLES}
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, str(ROOT / "manage.py"), "render_report", *args],
        input=stdin,
        cwd=ROOT,
        env={**clean, "DATABASE_URL": NO_DATABASE},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_the_real_command_renders_without_a_database_or_exits_2_without_a_traceback(
    tmp_path: Path,
) -> None:
    out = tmp_path / "report.docx"
    rendered = _manage(
        "-", "--out", str(out), "--variant", "executive", stdin=json.dumps(sample_input())
    )
    assert rendered.returncode == 0, rendered.stderr
    assert "Draft · Executive summary" in read_docx(Document(out)).text

    invalid = _manage(
        "-", "--out", str(tmp_path / "r.pdf"), stdin=json.dumps(sample_input(data_coverage="most"))
    )
    assert invalid.returncode == 2
    assert invalid.stderr.splitlines() == [
        "CommandError: standard input has invalid answers:",
        '  data_coverage: must be one of: unknown, common_cases, full_range (got "most")',
    ]
    assert invalid.stdout == ""
    assert not (tmp_path / "r.pdf").exists()
