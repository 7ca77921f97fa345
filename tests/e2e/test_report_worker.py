"""A report's documents made by a real worker process, as in production: the consultant
finalises, the page says the documents are on their way and shows them, without a reload by
hand, once the worker (`manage.py worker`, started here) has stored them. The worker replaces
its task runner after each task here, so the second version is made by a fresh one."""

import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from playwright.sync_api import Page, expect

from advisor import services
from advisor.scoring.examples import EXAMPLE_PROJECTS
from projects.models import Membership
from reports.models import Report, WorkerHeartbeat
from tests.e2e.browser import assert_accessible, heading, log_in, status_message
from tests.factories import ClientFactory, ProjectFactory

pytestmark = pytest.mark.e2e

WORKER_START_SECONDS = 60.0
FINAL = re.compile(r"version \d+\s+Final\s*$")  # not "Finalising"


def _database_url() -> str:
    """The test database, for the worker process to share with the live server."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.postgresql":
        user = urllib.parse.quote(db["USER"] or "")
        password = f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
        host = db["HOST"] or "localhost"
        return f"postgres://{user}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"
    name = str(db["NAME"])
    if connection.is_in_memory_db():
        pytest.skip("a worker process cannot share SQLite's in-memory test database")
    return f"sqlite:///{name}"


@pytest.fixture
def worker(transactional_db: None, settings: Any, tmp_path: Path) -> Iterator[None]:
    """`manage.py worker` in a process of its own, on the test database and media folder; the
    live server queues in the database. Stopped (TERM, as a deployment would) afterwards."""
    url = _database_url()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CONN_MAX_AGE": "0",
        "LOG_LEVEL": "WARNING",
    }
    log = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 - our own command
        [
            sys.executable,
            str(Path(django_settings.BASE_DIR) / "manage.py"),
            "worker",
            "--max-tasks=1",
            "--interval=0.2",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + WORKER_START_SECONDS
        while not WorkerHeartbeat.objects.exists():
            assert process.poll() is None, (tmp_path / "worker.log").read_text()
            assert time.monotonic() < deadline, "the worker never noted its heartbeat"
            time.sleep(0.1)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
    assert process.returncode == 0, (tmp_path / "worker.log").read_text()
    assert not WorkerHeartbeat.objects.exists()  # a clean stop takes its heartbeat away


def test_a_worker_makes_the_documents_and_the_page_follows(
    page: Page, admin: Membership, worker: None
) -> None:
    client = ClientFactory(organization=admin.organization, name="Fjord Travel")
    project = ProjectFactory(client=client, name="Brochure writer", created_by=admin.user)
    assessment = services.assessment_submit(
        assessment=services.assessment_start(
            project=project, by=admin.user, answers=dict(EXAMPLE_PROJECTS["brand_voice"])
        ),
        by=admin.user,
    )
    log_in(page, admin.user.email)
    page.goto(assessment.url("report"))
    page.get_by_role("button", name="Write the client report").click()
    page.get_by_label("Cover note").fill("Dear Ingrid,\nhere is our advice.")

    page.get_by_role("button", name="Finalise").click()

    expect(status_message(page).filter(has_text="Version 1 is being finalised")).to_be_visible()
    expect(heading(page)).to_contain_text("Finalising")
    documents = page.get_by_role("region", name="The documents")
    expect(documents.get_by_role("status")).to_contain_text(
        re.compile("Waiting for a worker|Making the PDF")
    )
    expect(page.get_by_role("button", name="Create share link")).to_have_count(0)
    assert_accessible(page)
    # The page reloads itself once the worker has stored the four documents.
    expect(heading(page)).to_have_text(FINAL, timeout=60_000)
    expect(documents.get_by_role("row")).to_have_count(5)
    expect(documents.get_by_role("link", name="Download full report (PDF)")).to_be_visible()
    assert_accessible(page)
    report = Report.objects.get()
    assert (report.status, report.render_attempts) == ("final", 1)
    pdf = report.files.get(variant="full", format="pdf")
    assert pdf.file.open("rb").read().startswith(b"%PDF-")

    # Version 2 goes to the fresh runner that replaced the first after its one task.
    page.get_by_role("button", name="Edit (makes version 2)").click()
    page.get_by_role("button", name="Finalise").click()
    expect(status_message(page).filter(has_text="Version 2 is being finalised")).to_be_visible()
    expect(heading(page)).to_have_text(FINAL, timeout=60_000)
    assert Report.objects.final().count() == 2

    health = json.loads(page.request.get("/healthz").body())
    assert health["queue"]["waiting"] == 0
    assert health["workers"]["alive"] == 1
    restarts = WorkerHeartbeat.objects.get().restarts
    assert restarts >= 1
