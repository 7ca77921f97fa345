"""Locust users for `benchmarks/web.py`: log in, then loop over a wizard step, the result page and
/healthz. Not meant to be run by hand: web.py starts it with the environment variables below.

BENCH_WEB_ACCOUNTS  JSON file written by web.py: one account per simulated user (login, own
                    project, own draft, own submitted assessment) and the step's answers.
BENCH_WEB_SUMMARY   where to write the figures (JSON) when locust quits.
BENCH_WEB_WARMUP    seconds to run, unmeasured, once every user has logged in.
BENCH_WEB_DURATION  seconds to measure after the warm-up; then the run stops.
BENCH_WEB_THINK     mean seconds a user waits between two rounds (0: none).
"""

import json
import os
import re
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

import gevent
from gevent.event import Event
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser, ResponseContextManager
from locust.env import Environment
from locust.exception import StopUser
from locust.stats import StatsEntry

# Request names: stats are grouped by kind, not per project or assessment id.
STEP_GET, STEP_POST, RESULT, FLOOR = "step GET", "step POST", "result", "floor"
LOGIN = "login"
STALE_STATUS = 409  # the wizard's optimistic-locking answer; correct behaviour, not an error
LOGIN_BARRIER_TIMEOUT_S = 120.0

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION_INPUT = re.compile(r'<input[^>]*\bname="version"[^>]*>')
VALUE_ATTRIBUTE = re.compile(r'\bvalue="(\d+)"')

with open(os.environ["BENCH_WEB_ACCOUNTS"], encoding="utf-8") as accounts_file:
    SETUP: dict[str, Any] = json.load(accounts_file)
ACCOUNTS: list[dict[str, Any]] = SETUP["accounts"]
STEP_FIELDS: list[tuple[str, str]] = [(name, value) for name, value in SETUP["step_fields"]]
MEASURE_SECONDS = float(os.environ["BENCH_WEB_DURATION"])
WARMUP_SECONDS = float(os.environ.get("BENCH_WEB_WARMUP", "0"))
THINK_SECONDS = float(os.environ.get("BENCH_WEB_THINK", "0"))

# Shared by every user greenlet of this (single) locust process.
_next_account = iter(ACCOUNTS)
_login_attempts = 0
_failed_logins = 0
_everyone_in = Event()
_stale_saves = 0
_measuring_since: float | None = None


def _csrf_token(html: str) -> str | None:
    match = CSRF_INPUT.search(html)
    return match.group(1) if match else None


def _form_version(html: str) -> str | None:
    tag = VERSION_INPUT.search(html)
    value = VALUE_ATTRIBUTE.search(tag.group(0)) if tag else None
    return value.group(1) if value else None


def _expect(response: ResponseContextManager, status: int, location: str = "") -> None:
    """Fail on any other status; a redirect must also lead to `location` (not to the login)."""
    target = urlsplit(str(response.headers.get("location") or "")).path
    if response.status_code != status:
        response.failure(f"HTTP {response.status_code}, expected {status}")
    elif location and target != location:
        response.failure(f"redirected to {target!r}, expected {location!r}")
    else:
        response.success()


def _post(
    user: FastHttpUser, url: str, fields: list[tuple[str, str]], name: str
) -> ResponseContextManager:
    return user.client.post(
        url,
        data=urlencode(fields),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        name=name,
        allow_redirects=False,
        catch_response=True,
    )


def _start_measuring(environment: Environment) -> None:
    """Once everyone has logged in, let the server warm up (database connections, templates),
    then forget the figures so far, measure for a fixed time and stop."""
    global _measuring_since
    _everyone_in.set()
    gevent.sleep(WARMUP_SECONDS)
    environment.stats.reset_all()
    _measuring_since = time.monotonic()
    gevent.sleep(MEASURE_SECONDS)
    if environment.runner is not None:
        environment.runner.quit()


class WizardUser(FastHttpUser):
    """One agency member working on their own draft, so no two users ever save the same one."""

    # Spread around the mean so users do not fall into step; 0 means no wait at all.
    wait_time = between(THINK_SECONDS * 0.5, THINK_SECONDS * 1.5)

    def on_start(self) -> None:
        global _login_attempts, _failed_logins
        self.account = next(_next_account)
        logged_in = self._log_in()
        _login_attempts += 1
        _failed_logins += not logged_in
        if _login_attempts == len(ACCOUNTS):
            gevent.spawn(_start_measuring, self.environment)
        if not logged_in:
            raise StopUser  # counted in the summary: the stats of the logins are reset
        _everyone_in.wait(LOGIN_BARRIER_TIMEOUT_S)

    def _log_in(self) -> bool:
        with self.client.get("/accounts/login/", name=LOGIN, catch_response=True) as page:
            _expect(page, 200)
            token = _csrf_token(page.text or "")
        if token is None:
            return False
        fields = [
            ("csrfmiddlewaretoken", token),
            ("username", self.account["username"]),
            ("password", self.account["password"]),
            ("next", ""),
        ]
        with _post(self, "/accounts/login/", fields, LOGIN) as response:
            # A failed login answers 200 with the form again; success redirects to the dashboard.
            _expect(response, 302, SETUP["dashboard_url"])
            return bool(response.status_code == 302)

    @task
    def wizard_round(self) -> None:
        """GET a step, POST it with a fresh version, then the result page and the floor."""
        global _stale_saves
        account = self.account
        with self.client.get(account["step_url"], name=STEP_GET, catch_response=True) as page:
            _expect(page, 200)
            html = page.text or ""
            token, version = _csrf_token(html), _form_version(html)
            if page.status_code == 200 and (token is None or version is None):
                page.failure("no CSRF token or version field in the step form")
        if token is not None and version is not None:
            fields = [("csrfmiddlewaretoken", token), ("version", version), *STEP_FIELDS]
            fields.append(("action", "next"))
            with _post(self, account["step_url"], fields, STEP_POST) as response:
                if response.status_code == STALE_STATUS:
                    _stale_saves += 1
                    response.success()
                else:
                    _expect(response, 302, account["next_step_url"])
        with self.client.get(account["result_url"], name=RESULT, catch_response=True) as page:
            _expect(page, 200)
        with self.client.get("/healthz", name=FLOOR, catch_response=True) as page:
            _expect(page, 200)


def _figures(entry: StatsEntry) -> dict[str, float]:
    return {
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "rps": entry.total_rps,
        "p50_ms": entry.get_response_time_percentile(0.5),
        "p95_ms": entry.get_response_time_percentile(0.95),
        "max_ms": entry.max_response_time,
    }


@events.quitting.add_listener
def write_summary(environment: Environment, **_: Any) -> None:
    """Hand web.py the figures, computed by locust's own percentile code."""
    stats = environment.stats
    entries = {name: entry for (name, _), entry in stats.entries.items() if name != LOGIN}
    step = StatsEntry(stats, "step GET+POST", "")
    for name in (STEP_GET, STEP_POST):
        if name in entries:
            step.extend(entries[name])
    measured = time.monotonic() - _measuring_since if _measuring_since else 0.0
    summary = {
        "users": len(ACCOUNTS),
        "failed_logins": _failed_logins,
        "measured_seconds": measured,
        "stale_saves": _stale_saves,
        "rows": {name: _figures(entry) for name, entry in entries.items()},
        "step": _figures(step),
        "total": _figures(stats.total),
        "errors": [
            f"{error.occurrences} x {error.method} {error.name}: {error.error}"
            for error in stats.errors.values()
        ],
    }
    with open(os.environ["BENCH_WEB_SUMMARY"], "w", encoding="utf-8") as summary_file:
        json.dump(summary, summary_file)
