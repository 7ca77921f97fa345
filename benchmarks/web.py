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
import math
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import FrameType
from typing import Any

import psycopg
from psycopg import sql

REPO = Path(__file__).resolve().parents[1]
LOCUSTFILE = Path(__file__).with_name("locustfile_web.py")
STEP = "use-case"  # the wizard step every user GETs and POSTs
ORGANIZATIONS = 4  # the users are spread over this many agencies
TARGET_RATIO = 3.0  # wizard step p95 at most this many times the floor's p95
LOGIN_ALLOWANCE_S = 150  # locust's own time limit on top of warm-up and duration, for logins
HEALTH_TIMEOUT_S = 30.0
COMMAND_TIMEOUT_S = 300.0
ROWS = ("step GET", "step POST", "step GET+POST", "result", "floor", "all")


def seed(*, users: int, into: Path) -> None:
    """Create the benchmark's organizations, users, projects and assessments (in a subprocess
    with DATABASE_URL set), and write what the locust users need as JSON."""
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advisor.settings")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.db import transaction
    from django.urls import reverse

    from advisor import questionnaire
    from advisor.forms import to_initial
    from advisor.scoring.examples import sample_input
    from advisor.services import assessment_start, assessment_submit
    from projects.models import Client, Membership, Organization, Project

    answers = sample_input()
    step = questionnaire.STEPS_BY_SLUG[STEP]
    following = questionnaire.STEPS[questionnaire.STEPS.index(step) + 1]
    step_fields: list[tuple[str, str]] = []
    for field in step.fields:
        value = to_initial(field, answers[field])
        values = value if isinstance(value, list) else [value]
        step_fields += [(field, "" if item is None else str(item)) for item in values]

    password = secrets.token_urlsafe(16)
    # Hashed once for every account (seeding stays fast); the server still checks it per login.
    hashed = make_password(password)
    accounts: list[dict[str, Any]] = []
    with transaction.atomic():
        organizations = [
            Organization.objects.create(name=f"Bench agency {number}")
            for number in range(1, min(ORGANIZATIONS, users) + 1)
        ]
        clients = [
            Client.objects.create(organization=organization, name="Bench client")
            for organization in organizations
        ]
        for number in range(1, users + 1):
            index = (number - 1) % len(organizations)
            email = f"bench-{number}@bench.example"
            user = User.objects.create(username=email, email=email, password=hashed)
            first = number <= len(organizations)
            Membership.objects.create(
                user=user,
                organization=organizations[index],
                role=Membership.Role.ADMIN if first else Membership.Role.MEMBER,
            )
            project = Project.objects.create(
                client=clients[index], name=f"Bench project {number}", created_by=user
            )
            started = assessment_start(project=project, by=user, answers=answers)
            submitted = assessment_submit(assessment=started, by=user)
            draft = assessment_start(
                project=project, by=user, answers=submitted.answers, based_on=submitted
            )
            accounts.append(
                {
                    "username": email,
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


def _say(message: str) -> None:
    print(f"bench-web: {message}", flush=True)


def _run(command: list[str], *, env: dict[str, str], what: str) -> None:
    """Run a setup command; on failure show its output and stop."""
    done = subprocess.run(
        command, env=env, cwd=REPO, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise RuntimeError(f"{what} failed (exit status {done.returncode})")


def _postgres(admin_url: str, statement: str, database: str) -> None:
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as connection:
        connection.execute(sql.SQL(statement).format(sql.Identifier(database)))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_gunicorn(
    options: argparse.Namespace, *, port: int, env: dict[str, str], log: Path
) -> subprocess.Popen[bytes]:
    # gthread, 3 workers x 4 threads by default: rendering is CPU-bound and holds the GIL, so
    # processes, not threads, use the two cores (one per core, plus one to fill the time others
    # wait on PostgreSQL); the threads overlap those waits and, unlike sync workers, keep client
    # connections alive. Measured here: 2x4, 3x4, 4x2, 4x1 and 3x1 all top out at ~225 rps.
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "advisor.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={options.workers}",
        "--worker-class=gthread",
        f"--threads={options.threads}",
        "--graceful-timeout=5",
        "--no-control-socket",
        f"--error-logfile={log}",
        "--capture-output",  # the app's own error log (tracebacks of 500s) goes there too
        "--log-level=warning",
    ]
    # A session of its own: a Ctrl-C reaches only this script, which then stops the server.
    return subprocess.Popen(command, cwd=REPO, env=env, start_new_session=True)


def _wait_until_healthy(server: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer 200 within {HEALTH_TIMEOUT_S:.0f} s")


def _stop(server: subprocess.Popen[bytes]) -> None:
    """TERM the gunicorn master (it stops its workers); KILL its process group if it lingers."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)


def _run_locust(
    options: argparse.Namespace, *, host: str, env: dict[str, str], tmp: Path
) -> dict[str, Any]:
    """Run locust in its own process (it monkey-patches the standard library with gevent) and
    return the figures its locustfile wrote."""
    # Locust's own limit, a safety net: the locustfile stops the run after warm-up + duration.
    limit_s = math.ceil(options.warmup + options.duration) + LOGIN_ALLOWANCE_S
    command = [
        sys.executable,
        "-m",
        "locust",
        f"--locustfile={LOCUSTFILE}",
        "--headless",
        f"--users={options.users}",
        f"--spawn-rate={options.users}",
        f"--run-time={limit_s}s",
        f"--host={host}",
        "--only-summary",
        "--loglevel=WARNING",
    ]
    log = tmp / "locust.log"
    with log.open("wb") as output:
        # Locust exits with status 1 whenever a request failed; the summary says what happened.
        subprocess.run(
            command,
            cwd=tmp,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            timeout=limit_s + 60,
        )
    output_text = log.read_text(encoding="utf-8", errors="replace")
    if not (tmp / "summary.json").exists():
        sys.stderr.write(output_text[-4000:])
        raise RuntimeError("locust wrote no summary")
    summary = dict(json.loads((tmp / "summary.json").read_text(encoding="utf-8")))
    summary["notes"] = []
    if "CPU usage" in output_text:
        summary["notes"].append("locust reported high CPU usage: the client limited the figures")
    return summary


def benchmark(options: argparse.Namespace) -> dict[str, Any]:
    """Set everything up, run locust, tear everything down; return locust's figures."""
    database = f"advisor_bench_{os.getpid()}_{secrets.token_hex(3)}"
    admin_url = f"{options.postgres}/postgres"
    with tempfile.TemporaryDirectory(prefix="advisor-bench-web-") as tmp_name:
        tmp = Path(tmp_name)
        env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "DATABASE_URL": f"{options.postgres}/{database}",
            "LOG_LEVEL": "WARNING",
            "PYTHONDONTWRITEBYTECODE": "1",  # nothing lands in the repo but staticfiles/
            "BENCH_WEB_ACCOUNTS": str(tmp / "accounts.json"),
            "BENCH_WEB_SUMMARY": str(tmp / "summary.json"),
            "BENCH_WEB_DURATION": str(options.duration),
            "BENCH_WEB_THINK": str(options.think),
            "BENCH_WEB_WARMUP": str(options.warmup),
        }
        server: subprocess.Popen[bytes] | None = None
        load_before = os.getloadavg()[0]  # other work on the machine skews every figure
        _say(f"creating database {database}")
        _postgres(admin_url, "CREATE DATABASE {}", database)
        try:
            _say("migrating, collecting static files, seeding")
            manage = [sys.executable, str(REPO / "manage.py")]
            _run([*manage, "migrate", "--noinput"], env=env, what="migrate")
            _run([*manage, "collectstatic", "--noinput"], env=env, what="collectstatic")
            seed_command = [sys.executable, __file__, f"--users={options.users}"]
            _run([*seed_command, f"--seed-into={tmp / 'accounts.json'}"], env=env, what="seed")

            port = _free_port()
            host = f"http://127.0.0.1:{port}"
            _say(
                f"gunicorn on {host}: gthread, {options.workers} workers x "
                f"{options.threads} threads"
            )
            server = _start_gunicorn(options, port=port, env=env, log=tmp / "gunicorn.log")
            _wait_until_healthy(server, f"{host}/healthz")
            _say(
                f"locust: {options.users} users log in, then {options.warmup:g} s warm-up and "
                f"{options.duration} s measured"
            )
            summary = _run_locust(options, host=host, env=env, tmp=tmp)
            summary |= {
                "load_before": load_before,
                "warmup_seconds": options.warmup,
                "think_seconds": options.think,
            }
            if summary["total"]["failures"] and (log := tmp / "gunicorn.log").exists():
                summary["server_log"] = log.read_text(encoding="utf-8", errors="replace")[-3000:]
            return summary
        except Exception:
            if (log := tmp / "gunicorn.log").exists():
                sys.stderr.write(log.read_text(encoding="utf-8", errors="replace")[-4000:])
            raise
        finally:
            if server is not None:
                _stop(server)
            # WITH (FORCE): connections a killed worker left behind do not keep it alive.
            _postgres(admin_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", database)
            _say(f"stopped gunicorn, dropped {database}")


def report(summary: dict[str, Any], *, users: int) -> bool:
    """Print the table and the last line; True when the target is met."""
    rows: dict[str, dict[str, float]] = {
        **summary["rows"],
        "step GET+POST": summary["step"],
        "all": summary["total"],
    }
    if server_log := summary.get("server_log"):
        print("bench-web: the end of the server's log, for the failures below:", file=sys.stderr)
        print(server_log, file=sys.stderr, flush=True)
    print()
    print(
        f"{summary['measured_seconds']:.1f} s measured after {summary['warmup_seconds']:g} s "
        f"warm-up; {users} users, {summary['think_seconds']:g} s think time; "
        f"load average before the run {summary['load_before']:.2f}"
    )
    print(f"{'request':<15} {'requests':>9} {'failures':>9} {'rps':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for name in ROWS:
        row = rows.get(name)
        if row is None:
            continue
        print(
            f"{name:<15} {row['requests']:>9} {row['failures']:>9} {row['rps']:>8.1f} "
            f"{row['p50_ms']:>8} {row['p95_ms']:>8}"
        )
    for error in summary["errors"]:
        print(f"error: {error}")
    for note in summary["notes"]:
        print(f"note: {note}")
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


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # so a TERM also stops gunicorn and drops the database


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20, help="concurrent simulated users")
    parser.add_argument("--duration", type=int, default=30, help="seconds measured")
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean seconds each user waits between rounds (0: no wait, saturates the server)",
    )
    parser.add_argument(
        "--warmup", type=float, default=5.0, help="seconds run but not measured, after the logins"
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument(
        "--postgres",
        default="postgres://postgres@127.0.0.1:5432",
        help="PostgreSQL server (URL without a database) where a throw-away database is made",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when the target is missed")
    parser.add_argument("--seed-into", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.users < 1 or options.duration < 1:
        parser.error("--users and --duration must be at least 1")
    if options.seed_into:
        seed(users=options.users, into=options.seed_into)
        return 0

    signal.signal(signal.SIGTERM, _interrupt)
    try:
        summary = benchmark(options)
    except KeyboardInterrupt:
        print("bench-web: interrupted; cleaned up", file=sys.stderr)
        return 130
    except (RuntimeError, subprocess.TimeoutExpired, psycopg.Error) as failure:
        print(f"bench-web: {failure}", file=sys.stderr)
        return 1
    met = report(summary, users=options.users)
    return 1 if options.check and not met else 0


if __name__ == "__main__":
    sys.exit(main())
