"""Time the pilot's import and verdict: a 500-case pilot, and hostile files at the limits.

In-process, no Django: `read_results_file` then `pilot_verdict` on a 500-case pilot (two
approaches, five metrics) as CSV and as promptfoo's JSON; then valid files at the limits (CSV and
JSON Lines at 10,000 rows, promptfoo's JSON at 16 MB) against hostile files of the same kind:
every cell bad, nothing paired, every row a duplicate, a 16 MB promptfoo file whose last row
lacks a metric, nesting 200,000 deep, a 5,000-digit number.

Last line: `pilot: verdict_500_ms=… import_500_csv_ms=… import_500_promptfoo_ms=…
limit_normal_ms=… worst_hostile_ms=… worst_ratio=…`; targets: the verdict well under a second
(under 500 ms), and every hostile file refused within 3x the time of a valid file of its kind at
the limit (`worst_ratio` at most 3).
"""

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from advisor.scoring.evidence import parse_target, pilot_verdict  # noqa: E402
from advisor.scoring.pilot_results import MAX_ROWS, InvalidResults  # noqa: E402
from advisor.scoring.results_file import MAX_FILE_BYTES, read_results_file  # noqa: E402

HEADER = "case_id,approach,format_compliance,exact_total,accuracy,latency_ms,cost"


def median_ms(action: Callable[[], object], runs: int) -> float:
    action()  # warm-up
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def pilot_csv(cases: int) -> bytes:
    rng = random.Random(1)
    lines = [HEADER]
    for case in range(cases):
        for approach, fmt, latency, cost in (
            ("best-prompt", 0.86, 820, 0.0031),
            ("tuned", 0.97, 540, 0.0012),
        ):
            lines.append(
                f"c{case},{approach},{rng.random() < fmt},{rng.random() < 0.93},"
                f"{rng.random():.3f},{rng.gauss(latency, 90):.0f},{cost}"
            )
    return ("\n".join(lines) + "\n").encode()


def pilot_jsonl(cases: int) -> bytes:
    """The same pilot as JSON Lines."""
    names = HEADER.split(",")
    lines = pilot_csv(cases).decode().splitlines()[1:]
    records = (dict(zip(names, line.split(","), strict=True)) for line in lines)
    return "".join(json.dumps(record) + "\n" for record in records).encode()


def pilot_promptfoo(cases: int, *, padding: int = 0) -> bytes:
    """promptfoo's JSON; `padding` characters of prompt text per row mimic a long prompt."""
    rng = random.Random(2)
    rows = []
    for case in range(cases):
        for index, (label, fmt) in enumerate((("best-prompt", 0.86), ("tuned", 0.97))):
            passed = rng.random() < fmt
            named = {"format_compliance": int(passed), "accuracy": round(rng.random(), 3)}
            rows.append(
                {
                    "promptIdx": index,
                    "testIdx": case,
                    "provider": {"id": f"openai:{label}", "label": label},
                    "prompt": {"raw": "Extract the invoice as JSON. " + "x" * padding},
                    "vars": {"invoice": f"Invoice INV-{case}, total EUR {case}.50"},
                    "response": {"output": json.dumps({"invoice_no": f"INV-{case}"})},
                    "failureReason": 0 if passed else 1,
                    "success": passed,
                    "score": 1.0 if passed else 0.0,
                    "latencyMs": round(rng.gauss(800 - 300 * index, 90)),
                    "cost": 0.003 - 0.0015 * index,
                    "gradingResult": {
                        "pass": passed,
                        "score": 1.0,
                        "reason": "",
                        "namedScores": named,
                    },
                    "namedScores": named,
                }
            )
    document = {"evalId": "e", "results": {"version": 3, "results": rows}, "config": {}}
    return json.dumps(document, indent=2).encode()


def promptfoo_at_the_limit(*, broken: bool) -> bytes:
    """10,000 promptfoo rows, each with a long prompt, just under the 16 MB limit; `broken`, the
    last misses a named score, so the file is refused only after every row is read."""
    bare = len(pilot_promptfoo(MAX_ROWS // 2))
    padding = (int(MAX_FILE_BYTES * 0.98) - bare) // MAX_ROWS
    document = json.loads(pilot_promptfoo(MAX_ROWS // 2, padding=padding))
    if broken:
        del document["results"]["results"][-1]["gradingResult"]["namedScores"]["accuracy"]
        del document["results"]["results"][-1]["namedScores"]["accuracy"]
    return json.dumps(document, indent=2).encode()


def hostile_files() -> dict[str, tuple[str, bytes]]:
    bad_cells = [f"c{i % 7},a{i % 9},maybe,x,nan,-1,1e999" for i in range(MAX_ROWS)]
    unpaired = [f"c{i},a{i % 10},true,true,0.5,900,0.002" for i in range(MAX_ROWS)]
    duplicates = ["c1,best-prompt,true,true,0.5,900,0.002"] * MAX_ROWS
    return {
        "every cell bad": ("r.csv", ("\n".join([HEADER, *bad_cells]) + "\n").encode()),
        "nothing paired": ("r.csv", ("\n".join([HEADER, *unpaired]) + "\n").encode()),
        "every row a duplicate": ("r.csv", ("\n".join([HEADER, *duplicates]) + "\n").encode()),
        "promptfoo, 16 MB": ("r.json", promptfoo_at_the_limit(broken=True)),
        "nesting 200,000 deep": ("r.json", b"[" * 200_000),
        "a 5,000-digit number": (
            "r.jsonl",
            b'{"case_id": 1, "approach": "p", "ok": ' + b"9" * 5000 + b"}",
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (default 5)")
    runs = parser.parse_args().runs

    csv_500, promptfoo_500 = pilot_csv(500), pilot_promptfoo(500)
    results = read_results_file(csv_500, filename="r.csv")
    targets = [parse_target("format_compliance>=0.95")]
    verdict_ms = median_ms(
        lambda: pilot_verdict(results, baseline="best-prompt", candidate="tuned", targets=targets),
        runs,
    )
    import_csv_ms = median_ms(lambda: read_results_file(csv_500, filename="r.csv"), runs)
    import_promptfoo_ms = median_ms(
        lambda: read_results_file(promptfoo_500, filename="r.json"), runs
    )
    print(
        f"500 cases: verdict {verdict_ms:.0f} ms, import CSV {import_csv_ms:.0f} ms, "
        f"promptfoo ({len(promptfoo_500) / 1e6:.1f} MB) {import_promptfoo_ms:.0f} ms"
    )

    # The normal file at the limit, per kind of file: a hostile one is compared with its own kind.
    normal_files = {
        "r.csv": pilot_csv(MAX_ROWS // 2),
        "r.json": promptfoo_at_the_limit(broken=False),
        "r.jsonl": pilot_jsonl(MAX_ROWS // 2),
    }
    normal = {
        filename: median_ms(
            lambda raw=raw, name=filename: read_results_file(raw, filename=name), runs
        )
        for filename, raw in normal_files.items()
    }
    normal_ms = normal["r.csv"]
    print(
        f"valid at the limit: CSV ({MAX_ROWS:,} rows) {normal['r.csv']:.0f} ms, "
        f"promptfoo ({len(normal_files['r.json']) / 1e6:.1f} MB) {normal['r.json']:.0f} ms"
    )
    worst, worst_ratio = 0.0, 0.0
    for name, (filename, raw) in hostile_files().items():

        def refuse(raw: bytes = raw, filename: str = filename, name: str = name) -> None:
            try:
                read_results_file(raw, filename=filename)
            except InvalidResults:
                return
            raise SystemExit(f"{name} was not refused")

        took = median_ms(refuse, runs)
        worst = max(worst, took)
        worst_ratio = max(worst_ratio, took / normal[filename])
        print(f"  {name:24} {len(raw) / 1e6:5.1f} MB  refused in {took:6.0f} ms")
    print(
        f"pilot: verdict_500_ms={verdict_ms:.0f} import_500_csv_ms={import_csv_ms:.0f} "
        f"import_500_promptfoo_ms={import_promptfoo_ms:.0f} limit_normal_ms={normal_ms:.0f} "
        f"worst_hostile_ms={worst:.0f} worst_ratio={worst_ratio:.2f}"
    )


if __name__ == "__main__":
    main()
