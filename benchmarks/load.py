"""Load-test the whole journey over HTTP: 50 agency staff at once on gunicorn and PostgreSQL.

Run `python benchmarks/load.py [--users 50] [--duration 60]` (or `make bench-load`). Like
web.py, with the same code (server.py), it creates a throw-away PostgreSQL database, migrates
it, collects the static files, seeds one login per simulated user (spread over five agencies),
serves the app with gunicorn on a free loopback port with production settings and runs locust;
afterwards it stops gunicorn and drops the database, also on failure or Ctrl-C.

Each user logs in once through the login form, then loops over rounds: create a client, create
a project for it, start an assessment, GET and POST each wizard step (CSRF token
and version read from the page; the sample answers with the round number as example count,
the user's number as similar clients and a task type that changes per round, so every round's
answers differ), GET the review page, POST submit, GET the result page, GET /healthz (the floor:
one `SELECT 1` behind the same middleware). Every client, project and draft is the user's own,
so no two users ever save the same draft.

Reports: every --report-every rounds (default 3, staggered over the users) a user also opens the
client report's draft from the result page, finalises it with a cover note, asks for its
documents' state every half second, as its page does, until a worker has made them, and then
downloads the executive summary ("report draft", "report", "report status", "report download").
The documents are made by workers (`manage.py worker`), processes of their own beside gunicorn:
the run is made once per number in --task-workers (default 1 and 2), each time with that many
workers, against the same server and database (the queue is emptied between two runs). For each
it prints the report ready time (from the "Finalise" click to the documents seen ready, for those
seen ready while measuring; at most half a second late) at p50 and p95, and the reports made per
minute (those seen ready while measuring, per measured minute). With a report every 3 rounds the
users ask for more reports than one worker makes, so the queue grows and the ready time with it:
reports per minute is then what the workers sustain. Before reports were made by workers, each
rendering held a gunicorn worker (and its GIL) about 0.4 s: step p95 35 ms without reports, 46 ms
with one round in 10, 58 ms with one in 5.

Think time, --think (default 0.5 s): the mean pause before every page, spread from half to one
and a half times, as a person reads and types. Real staff pause for tens of seconds, so 50 of
them would leave the server idle; the benchmark compresses their day. With 0.5 s each user asks
for about two pages a second, 50 users about 95 a second: two thirds of the ~150 a second at
which this mix saturates the two cores (measured with `--think 0`, locust sharing the machine).
Busy enough that requests overlap in every worker and queueing starts to show in p95 and p99,
quiet enough that the floor's p50 stays as on an idle server (8 ms), so the figures still say
what the pages cost. At 1 s (about 50 a second) the figures are an idle server's; at 0 every
latency, the floor's too, is mostly queueing (p50 of 150 to 500 ms) and the ratio says nothing
(0.27 measured). The users start spread over one round's think time (19 pages x --think; the
default warm-up covers it): started together they move in step, all submitting at once, and
the floor, which follows the result page, measured that burst (p95 210 ms instead of 30).

How to read the figures: measuring starts after every user has logged in (the logins are shown
apart: they all wait for the password hasher at once) and the warm-up, and lasts --duration
seconds; rps, p50, p95 and p99 per kind of request follow. Errors are failed logins and every
response other than the one expected (a redirect must also lead where the journey goes next;
a 409 is an error here, as nobody else edits a user's draft). After the run, with the server
stopped so that every request it answered has committed, the answers are checked in the
database: every submitted assessment must exist, be submitted and hold exactly the answers its
user sent; every draft must hold the answers of every step its user saved (compared as the
engine parses them, so list order and 25000 against 25000.0 do not matter). A field missing or
different is a lost answer. The last line is

    load: users=<n> errors=<n> lost=<n> step_p95_ms=<x> floor_p95_ms=<y> ratio=<x/y>
          report_ready_p95_ms=<r> reports_per_min_1w=<a> reports_per_min_2w=<b>

(on one line) where step_p95_ms pools the wizard steps' GETs and POSTs, and errors count the
reports whose documents failed or never came; with several runs, errors and lost add up and
step, floor, ratio and ready time are the run with the highest ratio's (the worst). The target
is no errors, nothing lost and a ratio of at most 3. `--check` exits with status 1 when it is
missed. Locust runs on the same machine (the load average is printed first), so the figures are
pessimistic.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import server

LOCUSTFILE = Path(__file__).with_name("locustfile_load.py")
TAG = "bench-load"
ORGANIZATIONS = 5  # the users are spread over this many agencies
TARGET_RATIO = 3.0  # wizard step p95 at most this many times the floor's p95
THINK = 0.5  # seconds before each page: about 2/3 of what the server sustains; see above
REPORT_EVERY = 3  # rounds per report: more than one worker makes; see above
TASK_WORKERS = (1, 2)
WORKER_START_S = 60.0
QUEUE_DRAIN_S = 600.0
ROUND_PAGES = 19  # requests in a round without a report: 3 creations, 6 x 2 steps, 4 more
MISSING = "(missing)"
SHOWN_DIFFERENCES = 5  # lost answers described one by one, the rest only counted
ROWS = (
    "client create",
    "project create",
    "assessment start",
    "step GET",
    "step POST",
    "step GET+POST",
    "review",
    "submit",
    "result",
    "report draft",
    "report",
    "report status",
    "report download",
    "floor",
    "all",
)


def seed(*, users: int, into: Path) -> None:
    """Create the agencies and logins (in a subprocess with DATABASE_URL set); write what the
    locust users need as JSON."""
    server.setup_django()
    from django.db import transaction
    from django.urls import reverse

    with transaction.atomic():
        password, accounts = server.seed_accounts(users=users, organizations=ORGANIZATIONS)
    setup = {
        "accounts": [
            {"username": user.email, "password": password, "number": number}
            for number, (user, _) in enumerate(accounts, start=1)
        ],
        "dashboard_url": reverse("projects:dashboard"),
    }
    into.write_text(json.dumps(setup, indent=1), encoding="utf-8")


def _normalized(answers: Mapping[str, Any], fields: Iterable[str]) -> dict[str, object]:
    """`fields` of these answers as the engine reads them (lists in its order, amounts as
    numbers): a draft's partial answers are completed from the sample to be parsed."""
    from advisor.scoring import InvalidAnswers, parse_answers
    from advisor.scoring.examples import SAMPLE_INPUT

    try:
        parsed = parse_answers({**SAMPLE_INPUT, **answers})[0].to_dict()
    except InvalidAnswers as invalid:
        parsed = {**answers, **{name: f"invalid: {why}" for name, why in invalid.errors.items()}}
    return {name: parsed.get(name) if name in answers else MISSING for name in fields}


def check_answers(database_url: str, sent: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Compare what each user saved with what the database holds; count the lost answers."""
    sys.path.insert(0, str(server.REPO))  # the engine is pure Python: no Django here
    with psycopg.connect(database_url, connect_timeout=10) as connection:
        rows = connection.execute(
            "SELECT id, status, answers FROM advisor_assessment WHERE id = ANY(%s)",
            [[int(pk) for pk in sent]],
        ).fetchall()
    stored = {pk: (status, answers) for pk, status, answers in rows}
    counts: Counter[str] = Counter()
    differences: list[str] = []
    for pk, record in sent.items():
        fields = list(record["answers"])
        counts[record["status"]] += 1
        counts["answers"] += len(fields)
        found = stored.get(int(pk))
        if found is None:
            counts["missing"] += 1
            counts["lost"] += len(fields)
            differences.append(f"assessment {pk} (user {record['user']}) is missing")
            continue
        status, answers = found
        if record["status"] == "submitted" and status != "submitted":
            counts["not_submitted"] += 1
            counts["lost"] += len(fields)
            differences.append(f"assessment {pk} (user {record['user']}) is {status}")
            continue
        # A draft may have been submitted by a request locust stopped waiting for: both fine.
        want, got = _normalized(record["answers"], fields), _normalized(answers, fields)
        for field in fields:
            if got[field] != want[field]:
                counts["different"] += 1
                counts["lost"] += 1
                differences.append(
                    f"assessment {pk} ({status}, user {record['user']}) {field}: "
                    f"sent {want[field]!r}, stored {got[field]!r}"
                )
    return {"counts": dict(counts), "differences": differences}


def _health(host: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{host}/healthz", timeout=10) as response:
        return dict(json.loads(response.read()))


@contextmanager
def task_workers(count: int, *, host: str, env: Mapping[str, str], log: Path) -> Iterator[None]:
    """`count` workers (`manage.py worker`), each a process of its own, until the block ends;
    then, once the queue is empty, they are stopped (TERM: the task in hand is finished)."""
    manage = [sys.executable, str(server.REPO / "manage.py"), "worker"]
    workers: list[subprocess.Popen[bytes]] = []
    with log.open("ab") as output:
        try:
            for _ in range(count):
                workers.append(
                    subprocess.Popen(
                        manage,
                        cwd=server.REPO,
                        env=dict(env),
                        stdout=output,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,  # a Ctrl-C reaches this script, which stops them
                    )
                )
            deadline = time.monotonic() + WORKER_START_S
            while _health(host)["workers"]["alive"] < count:
                if any(worker.poll() is not None for worker in workers):
                    raise RuntimeError(f"a worker exited; its log: {log}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the workers did not start within {WORKER_START_S:g} s")
                time.sleep(0.2)
            yield
            deadline = time.monotonic() + QUEUE_DRAIN_S
            while _health(host)["queue"]["waiting"] and time.monotonic() < deadline:
                time.sleep(0.5)
        finally:
            for worker in workers:
                if worker.poll() is None:
                    worker.terminate()
            for worker in workers:
                try:
                    worker.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()


def benchmark(options: argparse.Namespace) -> dict[str, Any]:
    """Set everything up, run locust (once per number of workers), check the answers, tear
    everything down."""
    with tempfile.TemporaryDirectory(prefix="advisor-bench-load-") as tmp_name:
        tmp = Path(tmp_name)
        load_before = os.getloadavg()
        server.say(
            TAG,
            f"load average before the run {load_before[0]:.2f} (5 min {load_before[1]:.2f}, "
            f"15 min {load_before[2]:.2f}) on {os.cpu_count()} cores",
        )
        extra_env = {
            **server.locust_env(tmp, options),
            "BENCH_SPREAD": str(ROUND_PAGES * options.think),
            "BENCH_REPORT_EVERY": str(options.report_every),
            # The locustfile reads the questionnaire and the sample answers (pure Python).
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(server.REPO), os.getenv("PYTHONPATH")])
            ),
        }
        runs: list[dict[str, Any]] = []
        sent: dict[str, Any] = {}
        with server.served_app(
            options, tag=TAG, tmp=tmp, seed_script=Path(__file__), extra_env=extra_env
        ) as served:
            for workers in options.task_workers if options.report_every else [0]:
                run_tmp = tmp / f"run-{workers}-workers"
                run_tmp.mkdir()
                env = {
                    **served.env,
                    **server.locust_env(run_tmp, options),
                    "BENCH_ACCOUNTS": str(tmp / "accounts.json"),
                    "BENCH_SENT": str(run_tmp / "sent.json"),
                    "BENCH_LABEL": f"w{workers}-",
                }
                server.say(
                    TAG,
                    f"{workers} worker{'s' if workers != 1 else ''}; locust: {options.users} "
                    f"users log in, then {options.warmup:g} s warm-up and {options.duration} s "
                    f"measured; {options.think:g} s think time before each page",
                )
                with task_workers(
                    workers, host=served.host, env=served.env, log=tmp / "workers.log"
                ):
                    summary = server.run_locust(
                        options, locustfile=LOCUSTFILE, host=served.host, env=env, tmp=run_tmp
                    )
                summary["task_workers"] = workers
                if summary["total"]["failures"] and (log := served.log_tail(3000)):
                    summary["server_log"] = log
                runs.append(summary)
                sent |= json.loads((run_tmp / "sent.json").read_text(encoding="utf-8"))
            # Stopping lets the workers finish what they serve: the database then holds it all.
            served.stop_server()
            server.say(TAG, f"checking the answers of {len(sent)} assessments in the database")
            return {
                "runs": runs,
                "check": check_answers(served.database_url, sent),
                "load_before": load_before[0],
                "warmup_seconds": options.warmup,
                "think_seconds": options.think,
                "report_every": options.report_every,
            }


def _percentile(values: Sequence[float], percent: int) -> float:
    """Nearest rank, as locust's own percentiles; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(percent / 100 * len(ordered) + 0.5) - 1))]


def _run_figures(summary: dict[str, Any]) -> dict[str, float]:
    """What the last line takes from one run."""
    step = summary["pools"]["step GET+POST"]
    floor_p95 = summary["rows"].get("floor", {}).get("p95_ms", 0)
    ready = summary.get("reports", {}).get("ready_ms", [])
    counts = summary.get("reports", {}).get("counts", {})
    minutes = summary["measured_seconds"] / 60 if summary["measured_seconds"] else 0
    return {
        "step_p95": step["p95_ms"],
        "floor_p95": floor_p95,
        "ratio": step["p95_ms"] / floor_p95 if floor_p95 else float("inf"),
        "ready_p50": _percentile(ready, 50),
        "ready_p95": _percentile(ready, 95),
        "per_minute": len(ready) / minutes if minutes else 0.0,
        "report_errors": counts.get("failed", 0) + counts.get("timed out", 0),
        "errors": int(summary["total"]["failures"]) + int(summary["failed_logins"]),
    }


def report(summary: dict[str, Any], *, users: int) -> bool:
    """Print each run's table, the answers check and the last line; True when the target is
    met."""
    figures: dict[int, dict[str, float]] = {}
    for run in summary["runs"]:
        workers = run["task_workers"]
        figures[workers] = _run_figures(run)
        rows: dict[str, dict[str, float]] = {
            **run["rows"],
            "step GET+POST": run["pools"]["step GET+POST"],
            "all": run["total"],
        }
        server.print_server_log(run, tag=TAG)
        print()
        reports = (
            f", a report every {summary['report_every']} rounds and {workers} "
            f"worker{'s' if workers != 1 else ''}"
            if summary["report_every"]
            else ""
        )
        print(
            f"{run['measured_seconds']:.1f} s measured after {summary['warmup_seconds']:g} s "
            f"warm-up; {users} users, {summary['think_seconds']:g} s think time before each page"
            f"{reports}; load average before the run {summary['load_before']:.2f}"
        )
        server.print_table(rows, ROWS, percentiles=(50, 95, 99))
        server.print_errors(run)
        if logins := run["logins"]:
            print(
                f"logins (before measuring, all at once): {logins['requests']}, p50 "
                f"{logins['p50_ms']} ms, p95 {logins['p95_ms']} ms; failed: "
                f"{run['failed_logins']}"
            )
        if summary["report_every"]:
            mine = figures[workers]
            counts = run.get("reports", {}).get("counts", {})
            print(
                f"reports with {workers} worker{'s' if workers != 1 else ''}: ready p50 "
                f"{mine['ready_p50']:.0f} ms, p95 {mine['ready_p95']:.0f} ms; "
                f"{mine['per_minute']:.1f} per minute; of {counts.get('finalised', 0)} "
                f"finalised in the whole run, {counts.get('ready', 0)} ready, "
                f"{counts.get('failed', 0)} failed, {counts.get('timed out', 0)} timed out "
                "(the rest still waiting when the run stopped)"
            )
    counts, differences = summary["check"]["counts"], summary["check"]["differences"]
    checked = counts.get("submitted", 0) + counts.get("draft", 0)
    lost = counts.get("lost", 0)
    print(
        f"answers checked in the database: {checked} assessments ({counts.get('submitted', 0)} "
        f"submitted, {counts.get('draft', 0)} drafts), {counts.get('answers', 0)} answers; "
        f"lost {lost}: {counts.get('missing', 0)} assessments missing, "
        f"{counts.get('not_submitted', 0)} not submitted, {counts.get('different', 0)} answers "
        "different"
    )
    for difference in differences[:SHOWN_DIFFERENCES]:
        print(f"lost: {difference}")
    if len(differences) > SHOWN_DIFFERENCES:
        print(f"lost: ... and {len(differences) - SHOWN_DIFFERENCES} more")
    errors = sum(int(f["errors"] + f["report_errors"]) for f in figures.values())
    worst = max(figures.values(), key=lambda f: f["ratio"])
    met = errors == 0 and lost == 0 and checked > 0 and worst["ratio"] <= TARGET_RATIO
    print(
        f"target: no errors, no lost answers, step p95 <= {TARGET_RATIO:g} x floor p95 "
        f"(every run): {'met' if met else 'MISSED'}"
    )
    line = (
        f"load: users={users} errors={errors} lost={lost} step_p95_ms={worst['step_p95']} "
        f"floor_p95_ms={worst['floor_p95']} ratio={worst['ratio']:.2f}"
    )
    if summary["report_every"]:
        line += f" report_ready_p95_ms={worst['ready_p95']:.0f}" + "".join(
            f" reports_per_min_{workers}w={f['per_minute']:.1f}"
            for workers, f in sorted(figures.items())
        )
    print(line)
    return met


def main() -> int:
    parser = server.argument_parser(
        __doc__.splitlines()[0],
        users=50,
        duration=60,
        think=THINK,
        think_help=f"mean seconds each user pauses before every page (default {THINK:g}; 0: "
        "none, which saturates the server)",
        warmup=None,
        warmup_help=f"seconds run but not measured, after the logins (default: {ROUND_PAGES} x "
        "--think, over which the users' starts are spread, plus 5)",
    )
    parser.add_argument(
        "--report-every",
        type=int,
        default=REPORT_EVERY,
        help=f"rounds between two reports of a user (default {REPORT_EVERY}; 0: none, and no "
        "workers)",
    )
    parser.add_argument(
        "--task-workers",
        type=lambda text: [int(n) for n in text.split(",")],
        default=list(TASK_WORKERS),
        help="numbers of workers making the reports' documents, one run each (default "
        f"{','.join(map(str, TASK_WORKERS))})",
    )
    options = parser.parse_args()
    if options.warmup is None:
        options.warmup = ROUND_PAGES * options.think + 5
    if (
        options.users < 1
        or options.duration < 1
        or options.report_every < 0
        or not options.task_workers
        or min(options.task_workers) < 1
    ):
        parser.error(
            "--users, --duration and each of --task-workers must be at least 1, "
            "--report-every at least 0"
        )
    if options.seed_into:
        seed(users=options.users, into=options.seed_into)
        return 0

    summary = server.run_guarded(lambda: benchmark(options), tag=TAG)
    met = report(summary, users=options.users)
    return 1 if options.check and not met else 0


if __name__ == "__main__":
    sys.exit(main())
