"""What the HTTP benchmarks (`web.py`, `load.py`) share: a throw-away PostgreSQL database, the
app migrated, seeded and served by gunicorn with production settings on a free loopback port,
locust run as a subprocess, and the figures printed as a table.

Each driver seeds in a subprocess of itself (`--seed-into`, with DATABASE_URL set) so Django
is never set up in the driver, and everything is stopped and dropped on any exit.
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
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import psycopg
from psycopg import sql

REPO = Path(__file__).resolve().parents[1]
LOGIN_ALLOWANCE_S = 150  # locust's own time limit on top of warm-up and duration, for logins
HEALTH_TIMEOUT_S = 30.0
COMMAND_TIMEOUT_S = 300.0
SEED_PASSWORD_BYTES = 16


def argument_parser(
    description: str,
    *,
    users: int,
    duration: int,
    think: float,
    think_help: str,
    warmup: float | None = 5.0,
    warmup_help: str = "seconds run but not measured, after the logins",
) -> argparse.ArgumentParser:
    """The options every HTTP benchmark takes; the defaults differ per benchmark."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--users", type=int, default=users, help="concurrent simulated users")
    parser.add_argument("--duration", type=int, default=duration, help="seconds measured")
    parser.add_argument("--think", type=float, default=think, help=think_help)
    parser.add_argument("--warmup", type=float, default=warmup, help=warmup_help)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument(
        "--postgres",
        default="postgres://postgres@127.0.0.1:5432",
        help="PostgreSQL server (URL without a database) where a throw-away database is made",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when the target is missed")
    parser.add_argument("--seed-into", type=Path, help=argparse.SUPPRESS)
    return parser


def setup_django() -> None:
    """Set Django up in this (seeding) process, with the DATABASE_URL the driver passed."""
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def seed_accounts(*, users: int, organizations: int) -> tuple[str, list[tuple[Any, Any]]]:
    """Create the agencies and one login per simulated user, spread over them (the first of
    each agency is its admin); return the password and (user, organization) per user.
    Call it inside a transaction, after `setup_django()`."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User

    from projects.models import Membership, Organization

    password = secrets.token_urlsafe(SEED_PASSWORD_BYTES)
    # Hashed once for every account (seeding stays fast); the server still checks it per login.
    hashed = make_password(password)
    agencies = [
        Organization.objects.create(name=f"Bench agency {number}")
        for number in range(1, min(organizations, users) + 1)
    ]
    accounts: list[tuple[Any, Any]] = []
    for number in range(1, users + 1):
        index = (number - 1) % len(agencies)
        email = f"bench-{number}@bench.example"
        user = User.objects.create(username=email, email=email, password=hashed)
        Membership.objects.create(
            user=user,
            organization=agencies[index],
            role=Membership.Role.ADMIN if number <= len(agencies) else Membership.Role.MEMBER,
        )
        accounts.append((user, agencies[index]))
    return password, accounts


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
        "config.wsgi:application",
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
    """TERM the gunicorn master (it lets its workers finish what they serve, then stops them);
    KILL its process group if it lingers. Does nothing when it has stopped already."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)


@dataclass(frozen=True)
class Served:
    """The app being served: where, with which environment (locust gets it too), the
    database's URL and the server's log."""

    host: str
    env: dict[str, str]
    database_url: str
    log: Path
    stop_server: Callable[[], None]

    def log_tail(self, characters: int) -> str:
        if not self.log.exists():
            return ""
        return self.log.read_text(encoding="utf-8", errors="replace")[-characters:]


@contextmanager
def served_app(
    options: argparse.Namespace,
    *,
    tag: str,
    tmp: Path,
    seed_script: Path,
    extra_env: Mapping[str, str],
) -> Iterator[Served]:
    """Create a database, migrate it, collect static files, seed it (`seed_script
    --seed-into=tmp/accounts.json`), serve it with gunicorn until the block ends; then stop
    the server and drop the database, also on failure or Ctrl-C."""
    database = f"advisor_bench_{os.getpid()}_{secrets.token_hex(3)}"
    admin_url = f"{options.postgres}/postgres"
    database_url = f"{options.postgres}/{database}"
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": str(tmp / "media"),  # generated reports land in the temp dir
        "PYTHONDONTWRITEBYTECODE": "1",  # nothing lands in the repo but staticfiles/
        **extra_env,
    }
    log = tmp / "gunicorn.log"
    server: subprocess.Popen[bytes] | None = None
    say(tag, f"creating database {database}")
    _postgres(admin_url, "CREATE DATABASE {}", database)
    try:
        say(tag, "migrating, collecting static files, seeding")
        manage = [sys.executable, str(REPO / "manage.py")]
        _run([*manage, "migrate", "--noinput"], env=env, what="migrate")
        _run([*manage, "collectstatic", "--noinput"], env=env, what="collectstatic")
        seed = [sys.executable, str(seed_script), f"--users={options.users}"]
        _run([*seed, f"--seed-into={tmp / 'accounts.json'}"], env=env, what="seed")

        port = _free_port()
        host = f"http://127.0.0.1:{port}"
        say(
            tag,
            f"gunicorn on {host}: gthread, {options.workers} workers x {options.threads} threads",
        )
        server = _start_gunicorn(options, port=port, env=env, log=log)
        _wait_until_healthy(server, f"{host}/healthz")
        running = server
        yield Served(
            host=host,
            env=env,
            database_url=database_url,
            log=log,
            stop_server=lambda: _stop(running),
        )
    except Exception:
        if log.exists():
            sys.stderr.write(log.read_text(encoding="utf-8", errors="replace")[-4000:])
        raise
    finally:
        if server is not None:
            _stop(server)
        # WITH (FORCE): connections a killed worker left behind do not keep it alive.
        _postgres(admin_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", database)
        say(tag, f"stopped gunicorn, dropped {database}")


def run_locust(
    options: argparse.Namespace, *, locustfile: Path, host: str, env: dict[str, str], tmp: Path
) -> dict[str, Any]:
    """Run locust in its own process (it monkey-patches the standard library with gevent) and
    return the figures its locustfile wrote to tmp/summary.json."""
    # Locust's own limit, a safety net: the locustfile stops the run after warm-up + duration.
    limit_s = math.ceil(options.warmup + options.duration) + LOGIN_ALLOWANCE_S
    command = [
        sys.executable,
        "-m",
        "locust",
        f"--locustfile={locustfile}",
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


def locust_env(tmp: Path, options: argparse.Namespace) -> dict[str, str]:
    """The variables `locust_users.py` reads: where the seed and the summary are, the timings."""
    return {
        "BENCH_ACCOUNTS": str(tmp / "accounts.json"),
        "BENCH_SUMMARY": str(tmp / "summary.json"),
        "BENCH_DURATION": str(options.duration),
        "BENCH_THINK": str(options.think),
        "BENCH_WARMUP": str(options.warmup),
    }


def say(tag: str, message: str) -> None:
    print(f"{tag}: {message}", flush=True)


def print_table(
    rows: Mapping[str, Mapping[str, float]],
    order: Sequence[str],
    *,
    percentiles: Sequence[int] = (50, 95),
) -> None:
    """One line per kind of request, in `order` (kinds without requests are left out)."""
    width = max(15, *(len(name) for name in order))
    header = f"{'request':<{width}} {'requests':>9} {'failures':>9} {'rps':>8}"
    print(header + "".join(f" {f'p{p} ms':>8}" for p in percentiles))
    for name in order:
        row = rows.get(name)
        if row is None:
            continue
        line = f"{name:<{width}} {row['requests']:>9} {row['failures']:>9} {row['rps']:>8.1f}"
        print(line + "".join(f" {row[f'p{p}_ms']:>8}" for p in percentiles))


def print_server_log(summary: Mapping[str, Any], *, tag: str) -> None:
    """The end of the server's log, kept when requests failed, to stderr."""
    if server_log := summary.get("server_log"):
        print(f"{tag}: the end of the server's log, for the failures below:", file=sys.stderr)
        print(server_log, file=sys.stderr, flush=True)


def print_errors(summary: Mapping[str, Any]) -> None:
    """Locust's failures, grouped by request and reason, and its notes."""
    for error in summary["errors"]:
        print(f"error: {error}")
    for note in summary["notes"]:
        print(f"note: {note}")


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # so a TERM also stops gunicorn and drops the database


def run_guarded[T](benchmark: Callable[[], T], *, tag: str) -> T:
    """Run the benchmark with a TERM handled like Ctrl-C; exit 130 when interrupted (after
    cleaning up) and 1, saying why, when setting up or running failed."""
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        return benchmark()
    except KeyboardInterrupt:
        print(f"{tag}: interrupted; cleaned up", file=sys.stderr)
        sys.exit(130)
    except (RuntimeError, subprocess.TimeoutExpired, psycopg.Error) as failure:
        print(f"{tag}: {failure}", file=sys.stderr)
        sys.exit(1)
