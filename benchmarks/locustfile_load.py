"""Locust users for `benchmarks/load.py`: agency staff doing the whole journey, round after round.
Not meant to be run by hand: load.py starts it with the environment variables that
`locust_users.py` describes, plus

BENCH_SENT          where to write, when locust quits, the answers each user saved (JSON).
BENCH_REPORT_EVERY  a user finalises a client report, waits until a worker has made its
                    documents and downloads a PDF every this many rounds (0: never).
BENCH_LABEL         put in the names of the clients and projects made, so that several runs
                    against one database make different ones.

and PYTHONPATH set to the repository: the answers come from the app's own pure-Python
questionnaire and example answers (no Django is set up here).
"""

import json
import os
import re
import time
from collections import Counter
from typing import Any

import gevent
import locust_users
from locust import events, task
from locust.env import Environment
from locust_users import (
    LOGIN,
    SETUP,
    BenchUser,
    csrf_token,
    expect,
    form_version,
    post,
    redirect_path,
)

from advisor import questionnaire
from advisor.scoring import TaskType, parse_answers
from advisor.scoring.examples import sample_input

# Request names: stats are grouped by kind, not per client, project or assessment.
CLIENT_CREATE, PROJECT_CREATE, ASSESSMENT_START = (
    "client create",
    "project create",
    "assessment start",
)
STEP_GET, STEP_POST, REVIEW, SUBMIT, RESULT = "step GET", "step POST", "review", "submit", "result"
REPORT_DRAFT, REPORT, REPORT_DOWNLOAD = "report draft", "report", "report download"
REPORT_STATUS = "report status"
FLOOR = "floor"
STEP_POOL = "step GET+POST"

CLIENT_URL = re.compile(r"/clients/(\d+)/")
PROJECT_URL = re.compile(r"/projects/(\d+)/")
FIRST_STEP_URL = re.compile(rf"/projects/(\d+)/assessments/(\d+)/{questionnaire.STEPS[0].slug}/")
REPORT_URL = re.compile(r"/reports/(\d+)/")
# The report editor's form with a cover note, its plan empty, sent with the "Finalise" button.
FINALISE_FIELDS = [
    ("recipient", "Load contact"),
    ("cover_note", "Dear client,\nhere is our advice."),
    ("override_approach", ""),
    ("override_rationale", ""),
    ("steps-TOTAL_FORMS", "0"),
    ("steps-INITIAL_FORMS", "0"),
    ("steps-MIN_NUM_FORMS", "0"),
    ("steps-MAX_NUM_FORMS", "20"),
    ("action", "finalise"),
]
TASK_TYPES = tuple(TaskType)

REPORT_EVERY = int(os.environ.get("BENCH_REPORT_EVERY", "0"))
LABEL = os.environ.get("BENCH_LABEL", "")
# While its documents are made, the user's page asks for their state; here every half second
# (the page itself starts at one second), so a ready time is at most that late.
STATUS_POLL_S = 0.5
READY_TIMEOUT_S = 300.0

# Time from the "Finalise" click to the documents seen ready, for the reports whose documents
# were seen ready while measuring; and what became of every report finalised.
_ready_ms: list[float] = []
_reports: Counter[str] = Counter()

# Assessment id -> what its user saved: {"user", "round", "status", "answers"}; "answers" holds
# every applicable answer of the steps saved so far (a draft) or all the answers (submitted).
_sent: dict[int, dict[str, Any]] = {}


def round_answers(*, user: int, round_number: int) -> dict[str, object]:
    """The sample project's answers, varied so that each user's every round is distinguishable;
    the optional ones as the form offers them (their defaults)."""
    answers = sample_input(
        example_count=round_number,
        similar_clients=user,
        task_type=str(TASK_TYPES[round_number % len(TASK_TYPES)]),
        build_budget=20_000 + 250 * user,
    )
    return parse_answers(answers)[0].to_dict()


def form_fields(step: questionnaire.Step, answers: dict[str, object]) -> list[tuple[str, str]]:
    """The step's answers as a browser posts them: yes/no, one entry per ticked box, "" for
    an empty number."""
    fields: list[tuple[str, str]] = []
    for field in step.fields:
        value = answers[field]
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, bool):
                fields.append((field, "yes" if item else "no"))
            else:
                fields.append((field, "" if item is None else str(item)))
    return fields


class AgencyStaff(BenchUser):
    """One agency member: logs in once, then per round creates a client, a project for it, and
    takes a new assessment of it through every step to the result (sometimes the report).
    Every client, project and draft is their own, so no two users ever save the same draft."""

    def on_start(self) -> None:
        self.round_number = 0
        self.token: str | None = None  # the CSRF token of the last page read
        super().on_start()

    def log_in(self) -> bool:
        # Then the dashboard the login leads to: its token serves the first round's forms.
        return super().log_in() and self.page(SETUP["dashboard_url"], LOGIN) is not None

    def page(self, url: str, name: str) -> str | None:
        """GET a page that must answer 200; keep its CSRF token; return its HTML."""
        with self.client.get(url, name=name, catch_response=True) as response:
            expect(response, 200)
            html = (response.text or "") if response.status_code == 200 else None
        if html is not None:
            self.token = csrf_token(html) or self.token
        return html

    def send(
        self, url: str, fields: list[tuple[str, str]], name: str, leads_to: re.Pattern[str]
    ) -> re.Match[str] | None:
        """POST a form with the last token read; it must redirect to a URL `leads_to` matches."""
        token = [("csrfmiddlewaretoken", self.token or "")]
        with post(self, url, token + fields, name) as response:
            target = redirect_path(response)
            found = leads_to.fullmatch(target) if response.status_code == 302 else None
            if found is None:
                response.failure(
                    f"HTTP {response.status_code} to {target!r}, expected a redirect to "
                    f"{leads_to.pattern}"
                )
            else:
                response.success()
        return found

    @task
    def journey(self) -> None:
        """One round; a failed request ends it (the next round starts afresh)."""
        self.round_number += 1
        user, round_number = int(self.account["number"]), self.round_number
        answers = round_answers(user=user, round_number=round_number)
        label = f"{LABEL}{user}-{round_number}"
        client = self.send(
            "/clients/new/",
            [("name", f"Load client {label}"), ("industry", "Retail"), ("contact_name", "")],
            CLIENT_CREATE,
            CLIENT_URL,
        )
        if client is None:
            return
        self.wait()
        project = self.send(
            "/projects/new/",
            [("client", client[1]), ("name", f"Load project {label}"), ("description", "")],
            PROJECT_CREATE,
            PROJECT_URL,
        )
        if project is None:
            return
        self.wait()
        started = self.send(
            f"/projects/{project[1]}/assessments/new/", [], ASSESSMENT_START, FIRST_STEP_URL
        )
        if started is None:
            return
        assessment_url = f"/projects/{started[1]}/assessments/{started[2]}/"
        if not self.answer_steps(assessment_url, int(started[2]), answers):
            return
        self.wait()
        if self.page(f"{assessment_url}review/", REVIEW) is None:
            return
        self.wait()
        result_url = re.compile(re.escape(f"{assessment_url}result/"))
        if self.send(f"{assessment_url}submit/", [], SUBMIT, result_url) is None:
            return
        _sent[int(started[2])].update(status="submitted", answers=answers)
        self.wait()
        if self.page(f"{assessment_url}result/", RESULT) is None:
            return
        if REPORT_EVERY and (user + round_number) % REPORT_EVERY == 0:
            self.wait()
            self.report(assessment_url)
        self.wait()
        with self.client.get("/healthz", name=FLOOR, catch_response=True) as floor:
            expect(floor, 200)

    def answer_steps(self, assessment_url: str, pk: int, answers: dict[str, object]) -> bool:
        """GET and POST every step (token and version read from the page); record what each
        successful save stored. True when every step was saved."""
        steps = questionnaire.STEPS
        for index, step in enumerate(steps):
            url = f"{assessment_url}{step.slug}/"
            following = steps[index + 1].slug if index + 1 < len(steps) else "review"
            self.wait()
            html = self.page(url, STEP_GET)
            version = form_version(html or "")
            if html is None or version is None:
                return False
            self.wait()
            fields = [("version", version), *form_fields(step, answers), ("action", "next")]
            leads_to = re.compile(re.escape(f"{assessment_url}{following}/"))
            if self.send(url, fields, STEP_POST, leads_to) is None:
                return False
            saved = _sent.setdefault(
                pk,
                {"user": self.account["number"], "round": self.round_number, "answers": {}},
            )
            saved["status"] = "draft"
            saved["answers"].update(
                {field: answers[field] for field in questionnaire.applicable_fields(step, answers)}
            )
        return True

    def report(self, assessment_url: str) -> None:
        """Open the client report's draft, finalise it with a cover note, follow its documents'
        state as its page does until a worker has made them, and download the executive
        summary."""
        draft = self.send(f"{assessment_url}report/draft/", [], REPORT_DRAFT, REPORT_URL)
        if draft is None:
            return
        self.wait()
        clicked = time.monotonic()
        if self.send(draft[0], FINALISE_FIELDS, REPORT, REPORT_URL) is None:
            return
        _reports["finalised"] += 1
        state = self.documents_state(f"{draft[0]}status/")
        _reports[state] += 1
        if state != "ready":
            return
        if locust_users.measuring():
            _ready_ms.append((time.monotonic() - clicked) * 1000)
        download = f"{draft[0]}download/executive/"
        with self.client.get(download, name=REPORT_DOWNLOAD, catch_response=True) as response:
            expect(response, 200)
            if response.status_code == 200 and not (response.content or b"").startswith(b"%PDF"):
                response.failure("the download is not a PDF")

    def documents_state(self, status_url: str) -> str:
        """Ask for the report's state until its documents are ready or failed (or time out)."""
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            with self.client.get(status_url, name=REPORT_STATUS, catch_response=True) as response:
                expect(response, 200)
                state = response.json().get("state") if response.status_code == 200 else None
            if state == "failed":
                return "failed"
            if state == "ready":
                return "ready"
            gevent.sleep(STATUS_POLL_S)
        return "timed out"


@events.quitting.add_listener
def write_summary(environment: Environment, **_: Any) -> None:
    """Hand load.py the figures (locust's own percentile code) and the answers each user saved."""
    figures = locust_users.summary(environment, {STEP_POOL: (STEP_GET, STEP_POST)})
    figures["reports"] = {"ready_ms": _ready_ms, "counts": dict(_reports)}
    locust_users.write_summary(figures)
    with open(os.environ["BENCH_SENT"], "w", encoding="utf-8") as sent_file:
        json.dump(_sent, sent_file)
