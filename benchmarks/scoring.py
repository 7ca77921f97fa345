"""Time the recommendation engine: a full `recommend` (with sensitivity and TCO) and bare `score`.

Run from anywhere: `python benchmarks/scoring.py [--repeats N] [--check]`. Prints the median of
every example project, then a last line `scoring: recommend_median_ms=<x> score_median_ms=<y>`
over all of them. `--check` exits with status 1 when a median misses its target.
"""

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

RECOMMEND_TARGET_MS = 5.0  # a result page may recommend for several horizons per request
SCORE_TARGET_MS = 0.2  # sensitivity re-scores a dozen times inside one recommendation


def _timings_ms(call: Callable[[], object], repeats: int) -> list[float]:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=300, help="calls per example project")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    options = parser.parse_args()

    # Importable however the script is started; imported late so the path is set first.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from advisor.scoring import default_assumptions, recommend, score
    from advisor.scoring.examples import EXAMPLE_PROJECTS, example_answers

    default_assumptions()  # the price table loads once per process; not part of a call
    all_recommend: list[float] = []
    all_score: list[float] = []
    for name in EXAMPLE_PROJECTS:
        answers = example_answers(name)
        recommend(answers)  # warm up
        recommend_ms = _timings_ms(lambda a=answers: recommend(a), options.repeats)
        score_ms = _timings_ms(lambda a=answers: score(a), options.repeats * 5)
        all_recommend += recommend_ms
        all_score += score_ms
        print(
            f"{name:<20} recommend median {statistics.median(recommend_ms):.3f} ms, "
            f"score median {statistics.median(score_ms):.3f} ms"
        )
    recommend_median = statistics.median(all_recommend)
    score_median = statistics.median(all_score)
    met = recommend_median < RECOMMEND_TARGET_MS and score_median < SCORE_TARGET_MS
    print(
        f"targets: recommend < {RECOMMEND_TARGET_MS} ms, score < {SCORE_TARGET_MS} ms: "
        f"{'met' if met else 'MISSED'}"
    )
    print(f"scoring: recommend_median_ms={recommend_median:.3f} score_median_ms={score_median:.3f}")
    return 1 if options.check and not met else 0


if __name__ == "__main__":
    sys.exit(main())
