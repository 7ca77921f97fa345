"""Time hostile answers files against a normal one: `manage.py recommend` and the web import.

Each hostile file sits at the 256 KB limit (or is the shortest that triggers its problem): a
list of 36,000 gaps, 25,000 unknown assumptions, 10,000 unknown answers, nesting 100,000 deep,
a 250,000-digit integer, hundreds of 400-digit integers, 125,000 small ones, a
250,000-character string and a valid file padded to the limit. Prints, per file, the median
time to read, validate and answer (or refuse) it in-process, through the command and through
the web import (the real view stack, a throwaway SQLite database), and the time `json.loads`
alone takes on its bytes.

A file is "about as fast as a normal one" when it takes at most 3x the normal export's time
plus the parse of its own bytes (which any reader pays). The last line is
`import: normal_cli_ms=… worst_cli_ms=… normal_web_ms=… worst_web_ms=… worst_ratio=…`.
Before the fix, 36,000 gaps took 18 s in the command and 32 s in the web import.
"""

import argparse
import contextlib
import io
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 3.0
LIMIT = 256 * 1024


def median_ms(action: Callable[[], object], runs: int) -> float:
    action()  # warm-up
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def compact(data: object) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()


def files(sample: dict[str, object]) -> dict[str, bytes]:
    """The normal export first, then the hostile files, each at most the size limit."""

    def literal(field: str, text: str) -> bytes:
        return compact({**sample, field: "__raw__"}).replace(b'"__raw__"', text.encode())

    normal = json.dumps(sample, indent=2, sort_keys=True).encode()
    base = len(compact(sample))
    falls_short = {**sample, "prompting_status": "falls_short"}
    many_numbers = {f"n{i}": int("9" * 400) for i in range((LIMIT - base) // 410)}
    return {
        "normal export": normal,
        "valid, padded to the limit": b" " * (LIMIT - len(normal)) + normal,
        "36,000 gaps": compact({**falls_short, "gaps": ["cost"] * 36_000}),
        "25,000 unknown assumptions": compact(
            {**sample, "assumptions": {f"{i:x}": 0 for i in range(25_000)}}
        ),
        "10,000 unknown answers": compact({**sample, **{f"x{i}": 0 for i in range(10_000)}}),
        "nested 100,000 deep": b"[" * 100_000 + b"]" * 100_000,
        "a 250,000-digit integer": literal("example_count", "9" * 250_000),
        "hundreds of 400-digit integers": compact({**sample, "assumptions": many_numbers}),
        "125,000 small integers": compact({**sample, "gaps": [0] * ((LIMIT - base) // 2 - 8)}),
        "a 250,000-character string": literal("task_type", '"' + "x" * 250_000 + '"'),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="timed runs per file (default 9)")
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="advisor-bench-import-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}",
        MEDIA_ROOT=str(workdir / "media"),
        DEBUG="1",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.test import Client
    from django.urls import reverse

    from advisor.demo import demo_seed
    from advisor.scoring.examples import sample_input
    from projects.models import Project

    call_command("migrate", verbosity=0)
    login = demo_seed()
    project = Project.objects.active().first()
    assert project is not None
    browser = Client()
    browser.post("/accounts/login/", {"username": login.email, "password": login.password})
    url = reverse("advisor:import", args=[project.pk])

    def through_command(path: Path) -> str:
        try:
            call_command("recommend", str(path), stdout=io.StringIO())
        except CommandError:
            return "refused"
        return "accepted"

    def through_web(raw: bytes) -> str:
        upload = io.BytesIO(raw)
        upload.name = "answers.json"
        response = browser.post(url, {"file": upload})
        assert response.status_code == 302, response.status_code
        return "accepted" if "/review/" in response["Location"] else "refused"

    def parse_only(raw: bytes) -> None:
        # Deep nesting and 250,000 digits fail at once, as they should.
        with contextlib.suppress(RecursionError, ValueError):
            json.loads(raw)

    rows = []
    for name, raw in files(sample_input()).items():
        path = workdir / "answers.json"
        path.write_bytes(raw)
        outcome = through_command(path)
        assert through_web(raw) == outcome, name
        cli = median_ms(lambda p=path: through_command(p), options.runs)
        web = median_ms(lambda r=raw: through_web(r), options.runs)
        parse = median_ms(lambda r=raw: parse_only(r), options.runs)
        rows.append((name, len(raw), outcome, cli, web, parse))

    _, _, _, normal_cli, normal_web, _ = rows[0]
    print(
        f"{'file':<32} {'KB':>4} {'outcome':>9} {'command ms':>11} {'web ms':>7} "
        f"{'json.loads ms':>14} {'ratio':>6}"
    )
    worst_ratio = 0.0
    for name, size, outcome, cli, web, parse in rows:
        ratio = max(cli / (normal_cli + parse), web / (normal_web + parse))
        worst_ratio = max(worst_ratio, ratio)
        print(
            f"{name:<32} {size / 1024:>4.0f} {outcome:>9} {cli:>11.1f} {web:>7.1f} "
            f"{parse:>14.1f} {ratio:>6.2f}"
        )
    worst_cli = max(row[3] for row in rows)
    worst_web = max(row[4] for row in rows)
    met = worst_ratio <= TARGET_RATIO
    print(
        f"target: every file within {TARGET_RATIO}x the normal one plus its own parse: "
        f"{'met' if met else 'MISSED'}"
    )
    print(
        f"import: normal_cli_ms={normal_cli:.1f} worst_cli_ms={worst_cli:.1f} "
        f"normal_web_ms={normal_web:.1f} worst_web_ms={worst_web:.1f} worst_ratio={worst_ratio:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
