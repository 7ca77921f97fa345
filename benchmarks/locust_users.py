"""What the benchmarks' locust users share: reading forms (CSRF token, the wizard's version),
checking answers, logging in through the login form, the measuring window and the figures.
Imported by `locustfile_web.py` and `locustfile_load.py`, which locust runs with these
environment variables (set by `server.py`):

BENCH_ACCOUNTS  JSON file written by the driver's seeding: {"accounts": [{"username",
                "password", ...}, ...], "dashboard_url": ..., ...}, one account per user.
BENCH_SUMMARY   where to write the figures (JSON) when locust quits.
BENCH_WARMUP    seconds to run, unmeasured, once every user has logged in.
BENCH_DURATION  seconds to measure after the warm-up; then the run stops.
BENCH_THINK     mean seconds a user waits between two rounds or pages (0: none).
BENCH_SPREAD    optional: each user starts after a random part of this many seconds, once
                everyone is in, so that users of a long round do not move in step.
"""

import json
import os
import random
import re
import time
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

import gevent
from gevent.event import Event
from locust import between
from locust.contrib.fasthttp import FastHttpUser, ResponseContextManager
from locust.env import Environment
from locust.exception import StopUser
from locust.stats import RequestStats, StatsEntry

LOGIN = "login"
LOGIN_BARRIER_TIMEOUT_S = 120.0
PERCENTILES = (50, 95, 99)

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION_INPUT = re.compile(r'<input[^>]*\bname="version"[^>]*>')
VALUE_ATTRIBUTE = re.compile(r'\bvalue="(\d+)"')

with open(os.environ["BENCH_ACCOUNTS"], encoding="utf-8") as accounts_file:
    SETUP: dict[str, Any] = json.load(accounts_file)
ACCOUNTS: list[dict[str, Any]] = SETUP["accounts"]
MEASURE_SECONDS = float(os.environ["BENCH_DURATION"])
WARMUP_SECONDS = float(os.environ.get("BENCH_WARMUP", "0"))
THINK_SECONDS = float(os.environ.get("BENCH_THINK", "0"))
SPREAD_SECONDS = float(os.environ.get("BENCH_SPREAD", "0"))

# Shared by every user greenlet of this (single) locust process.
_next_account = iter(ACCOUNTS)
_login_attempts = 0
_failed_logins = 0
_everyone_in = Event()
_measuring_since: float | None = None
_login_figures: dict[str, float] | None = None


def csrf_token(html: str) -> str | None:
    match = CSRF_INPUT.search(html)
    return match.group(1) if match else None


def form_version(html: str) -> str | None:
    tag = VERSION_INPUT.search(html)
    value = VALUE_ATTRIBUTE.search(tag.group(0)) if tag else None
    return value.group(1) if value else None


def redirect_path(response: ResponseContextManager) -> str:
    return urlsplit(str(response.headers.get("location") or "")).path


def expect(response: ResponseContextManager, status: int, location: str = "") -> None:
    """Fail on any other status; a redirect must also lead to `location` (not to the login)."""
    target = redirect_path(response)
    if response.status_code != status:
        response.failure(f"HTTP {response.status_code}, expected {status}")
    elif location and target != location:
        response.failure(f"redirected to {target!r}, expected {location!r}")
    else:
        response.success()


def post(
    user: FastHttpUser, url: str, fields: Iterable[tuple[str, str]], name: str
) -> ResponseContextManager:
    """POST a form as a browser does, without following the redirect."""
    return user.client.post(
        url,
        data=urlencode(list(fields)),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        name=name,
        allow_redirects=False,
        catch_response=True,
    )


def _start_measuring(environment: Environment) -> None:
    """Once everyone has logged in, let the server warm up (database connections, templates),
    then forget the figures so far, measure for a fixed time and stop."""
    global _measuring_since, _login_figures
    _everyone_in.set()
    login = environment.stats.entries.get((LOGIN, "POST"))
    _login_figures = figures(login) if login is not None else None
    gevent.sleep(WARMUP_SECONDS)
    environment.stats.reset_all()
    _measuring_since = time.monotonic()
    gevent.sleep(MEASURE_SECONDS)
    if environment.runner is not None:
        environment.runner.quit()


def measuring() -> bool:
    """Whether the measured time has begun."""
    return _measuring_since is not None


class BenchUser(FastHttpUser):
    """An agency member with an account of their own, logged in once through the login form;
    the measuring starts when every user is in."""

    abstract = True
    # Spread around the mean so users do not fall into step; 0 means no wait at all.
    wait_time = between(THINK_SECONDS * 0.5, THINK_SECONDS * 1.5)

    def on_start(self) -> None:
        global _login_attempts, _failed_logins
        self.account = next(_next_account)
        logged_in = self.log_in()
        _login_attempts += 1
        _failed_logins += not logged_in
        if _login_attempts == len(ACCOUNTS):
            gevent.spawn(_start_measuring, self.environment)
        if not logged_in:
            raise StopUser  # counted in the summary: the stats of the logins are reset
        _everyone_in.wait(LOGIN_BARRIER_TIMEOUT_S)
        gevent.sleep(random.uniform(0, SPREAD_SECONDS))

    def log_in(self) -> bool:
        with self.client.get("/accounts/login/", name=LOGIN, catch_response=True) as page:
            expect(page, 200)
            token = csrf_token(page.text or "")
        if token is None:
            return False
        fields = [
            ("csrfmiddlewaretoken", token),
            ("username", self.account["username"]),
            ("password", self.account["password"]),
            ("next", ""),
        ]
        with post(self, "/accounts/login/", fields, LOGIN) as response:
            # A failed login answers 200 with the form again; success redirects to the dashboard.
            expect(response, 302, SETUP["dashboard_url"])
            return bool(response.status_code == 302)


def figures(entry: StatsEntry) -> dict[str, float]:
    """Counts, rate and percentiles of one kind of request, by locust's own percentile code."""
    return {
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "rps": entry.total_rps,
        **{f"p{p}_ms": entry.get_response_time_percentile(p / 100) for p in PERCENTILES},
        "max_ms": entry.max_response_time,
    }


def pooled(stats: RequestStats, name: str, parts: Iterable[str]) -> StatsEntry:
    """One entry for several kinds of request (say, a step's GET and POST)."""
    entry = StatsEntry(stats, name, "")
    for (entry_name, _), part in stats.entries.items():
        if entry_name in parts:
            entry.extend(part)
    return entry


def summary(environment: Environment, pools: Mapping[str, Iterable[str]]) -> dict[str, Any]:
    """The measured figures per kind of request, per pool, in total, and the failures."""
    stats = environment.stats
    entries = {name: entry for (name, _), entry in stats.entries.items() if name != LOGIN}
    measured = time.monotonic() - _measuring_since if _measuring_since else 0.0
    return {
        "users": len(ACCOUNTS),
        "failed_logins": _failed_logins,
        "logins": _login_figures,
        "measured_seconds": measured,
        "rows": {name: figures(entry) for name, entry in entries.items()},
        "pools": {name: figures(pooled(stats, name, parts)) for name, parts in pools.items()},
        "total": figures(stats.total),
        "errors": [
            f"{error.occurrences} x {error.method} {error.name}: {error.error}"
            for error in stats.errors.values()
        ],
    }


def write_summary(data: Mapping[str, Any]) -> None:
    with open(os.environ["BENCH_SUMMARY"], "w", encoding="utf-8") as summary_file:
        json.dump(data, summary_file)
