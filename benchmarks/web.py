"""Load-test the questionnaire wizard over HTTP: gunicorn, PostgreSQL and locust on this machine.

Run `python benchmarks/web.py [--users 20] [--duration 30]` (or `make bench-web`). It creates a
throw-away PostgreSQL database, migrates it and seeds one account per simulated user (each with
its own project, its own draft and one submitted assessment, so users never save the same draft),
collects the static files, serves the app with gunicorn on a free loopback port with production
settings, and lets locust users log in through the login form and loop: GET the "use-case" step,
POST it (CSRF token and version read from that page), GET the result page, GET /healthz. After
the run it stops gunicorn and drops the database, also on failure or Ctrl-C.

How to read the figures: measuring starts after every user has logged in (logins are not in the
figures) and a --warmup, and lasts --duration seconds. Each user waits about --think seconds
(default 1) between rounds, so the server runs well below its capacity and p50/p95 show what
the pages themselves cost. "floor" is /healthz, a view doing one `SELECT 1` behind the same
middleware (session, user, memberships): the cost of the stack itself. "step GET+POST" pools
both kinds of wizard request; its p95 against the floor's is the ratio in the last line, and the
target is no errors and a ratio of at most 3. With `--think 0` users fire as fast as they get
answers: rps is then the throughput the machine sustains, but every latency is mostly queueing
(even the floor's), so the ratio tends to 1 and says little. Errors are failed logins and every
response with another status than expected (a redirect to the login page counts); a 409 from
the wizard's stale-save check is correct behaviour and reported apart. The last line is

    web: users=<n> errors=<n> step_p95_ms=<x> floor_p95_ms=<y> ratio=<x/y>

`--check` exits with status 1 when the target is missed. Locust runs on the same machine as the
server (and so does anything else running there: the load average is printed), so the figures
are pessimistic; compare runs made on a quiet machine.
"""

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import server

LOCUSTFILE = Path(__file__).with_name("locustfile_web.py")
TAG = "bench-web"
STEP = "use-case"  # the wizard step every user GETs and POSTs
ORGANIZATIONS = 4  # the users are spread over this many agencies
TARGET_RATIO = 3.0  # wizard step p95 at most this many times the floor's p95
ROWS = ("step GET", "step POST", "step GET+POST", "result", "floor", "all")


def seed(*, users: int, into: Path) -> None:
    """Create the benchmark's organizations, users, projects and assessments (in a subprocess
    with DATABASE_URL set), and write what the locust users need as JSON."""
    server.setup_django()
    from django.db import transaction
    from django.urls import reverse

    from advisor import questionnaire
    from advisor.forms import to_initial
    from advisor.scoring.examples import sample_input
    from advisor.services import assessment_start, assessment_submit
    from projects.models import Client, Project

    answers = sample_input()
    step = questionnaire.STEPS_BY_SLUG[STEP]
    following = questionnaire.STEPS[questionnaire.STEPS.index(step) + 1]
    step_fields: list[tuple[str, str]] = []
    for field in step.fields:
        value = to_initial(field, answers[field])
        values = value if isinstance(value, list) else [value]
        step_fields += [(field, "" if item is None else str(item)) for item in values]

    accounts: list[dict[str, Any]] = []
    with transaction.atomic():
        password, users_and_agencies = server.seed_accounts(
            users=users, organizations=ORGANIZATIONS
        )
        clients = {}
        for number, (user, organization) in enumerate(users_and_agencies, start=1):
            if organization.pk not in clients:
                clients[organization.pk] = Client.objects.create(
                    organization=organization, name="Bench client"
                )
            project = Project.objects.create(
                client=clients[organization.pk], name=f"Bench project {number}", created_by=user
            )
            started = assessment_start(project=project, by=user, answers=answers)
            submitted = assessment_submit(assessment=started, by=user)
            draft = assessment_start(
                project=project, by=user, answers=submitted.answers, based_on=submitted
            )
            accounts.append(
                {
                    "username": user.email,
                    "password": password,
                    "step_url": draft.step_url(step.slug),
                    "next_step_url": draft.step_url(following.slug),
                    "result_url": submitted.url("result"),
                }
            )
    setup = {
        "accounts": accounts,
        "step_fields": step_fields,
        "dashboard_url": reverse("projects:dashboard"),
    }
    into.write_text(json.dumps(setup, indent=1), encoding="utf-8")


def benchmark(options: argparse.Namespace) -> dict[str, Any]:
    """Set everything up, run locust, tear everything down; return locust's figures."""
    with tempfile.TemporaryDirectory(prefix="advisor-bench-web-") as tmp_name:
        tmp = Path(tmp_name)
        load_before = os.getloadavg()[0]  # other work on the machine skews every figure
        with server.served_app(
            options,
            tag=TAG,
            tmp=tmp,
            seed_script=Path(__file__),
            extra_env=server.locust_env(tmp, options),
        ) as served:
            server.say(
                TAG,
                f"locust: {options.users} users log in, then {options.warmup:g} s warm-up and "
                f"{options.duration} s measured",
            )
            summary = server.run_locust(
                options, locustfile=LOCUSTFILE, host=served.host, env=served.env, tmp=tmp
            )
            summary |= {
                "load_before": load_before,
                "warmup_seconds": options.warmup,
                "think_seconds": options.think,
            }
            if summary["total"]["failures"] and (log := served.log_tail(3000)):
                summary["server_log"] = log
            return summary


def report(summary: dict[str, Any], *, users: int) -> bool:
    """Print the table and the last line; True when the target is met."""
    rows: dict[str, dict[str, float]] = {
        **summary["rows"],
        "step GET+POST": summary["step"],
        "all": summary["total"],
    }
    server.print_server_log(summary, tag=TAG)
    print()
    print(
        f"{summary['measured_seconds']:.1f} s measured after {summary['warmup_seconds']:g} s "
        f"warm-up; {users} users, {summary['think_seconds']:g} s think time; "
        f"load average before the run {summary['load_before']:.2f}"
    )
    server.print_table(rows, ROWS)
    server.print_errors(summary)
    errors = int(summary["total"]["failures"]) + int(summary["failed_logins"])
    step_p95, floor_p95 = summary["step"]["p95_ms"], rows.get("floor", {}).get("p95_ms", 0)
    ratio = step_p95 / floor_p95 if floor_p95 else float("inf")
    met = errors == 0 and ratio <= TARGET_RATIO
    print(
        f"failed logins: {summary['failed_logins']}; stale saves (409, not errors): "
        f"{summary['stale_saves']}"
    )
    print(
        f"target: no errors, step p95 <= {TARGET_RATIO:g} x floor p95: {'met' if met else 'MISSED'}"
    )
    print(
        f"web: users={users} errors={errors} step_p95_ms={step_p95} "
        f"floor_p95_ms={floor_p95} ratio={ratio:.2f}"
    )
    return met


def main() -> int:
    parser = server.argument_parser(
        __doc__.splitlines()[0],
        users=20,
        duration=30,
        think=1.0,
        think_help="mean seconds each user waits between rounds (0: no wait, saturates the server)",
    )
    options = parser.parse_args()
    if options.users < 1 or options.duration < 1:
        parser.error("--users and --duration must be at least 1")
    if options.seed_into:
        seed(users=options.users, into=options.seed_into)
        return 0

    summary = server.run_guarded(lambda: benchmark(options), tag=TAG)
    met = report(summary, users=options.users)
    return 1 if options.check and not met else 0


if __name__ == "__main__":
    sys.exit(main())
