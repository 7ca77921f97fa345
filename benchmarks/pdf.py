"""Time the client PDF report against a plain WeasyPrint document of the same length.

Prints, from medians of several runs in one process (after a warm-up):
- full_median_s: rendering the full report (template, charts, WeasyPrint, PDF/UA) to bytes;
- floor_median_s: rendering an unstyled WeasyPrint document with the same number of pages;
- ratio: the two divided, which is what to compare across machines;
  the two are timed in alternation, run for run, so that a load that comes and goes on a shared
  machine weighs on both alike (a line before the last also gives their processor time);
- download_ms: serving a stored report through the real view stack (login, scoping, file);
- size_kb: the PDF's size, fonts embedded.
Targets: full report under 1.5 s and within 2x the floor; download under 50 ms; under 400 KB.
It runs against a throwaway SQLite database and media folder, so it needs no server.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_FULL_S, TARGET_RATIO, TARGET_DOWNLOAD_MS, TARGET_SIZE_KB = 1.5, 2.0, 50.0, 400

FLOOR_PARAGRAPH = (
    "This paragraph stands in for report text. It has no styling, no charts and no tables, "
    "so rendering it measures what WeasyPrint needs for the same number of pages. " * 3
)


def median_seconds(action: Callable[[], object], runs: int) -> float:
    action()  # warm-up: imports, font loading, template compilation
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def alternating_medians(
    first: Callable[[], object], second: Callable[[], object], runs: int
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Medians of two actions timed turn about: ((wall, cpu) of first, (wall, cpu) of second)."""
    first()  # warm-up: imports, font loading, template compilation
    second()
    timings: dict[int, list[tuple[float, float]]] = {0: [], 1: []}
    for _ in range(runs):
        for index, action in enumerate((first, second)):
            wall, cpu = time.perf_counter(), time.process_time()
            action()
            timings[index].append((time.perf_counter() - wall, time.process_time() - cpu))

    def medians(index: int) -> tuple[float, float]:
        walls, cpus = zip(*timings[index], strict=True)
        return statistics.median(walls), statistics.median(cpus)

    return medians(0), medians(1)


def floor_document(pages: int) -> tuple[Callable[[], bytes], int]:
    """An unstyled document with as many pages as the report, and its page count."""
    from weasyprint import HTML

    def page_count(paragraphs: int) -> int:
        body = f"<p>{FLOOR_PARAGRAPH}</p>" * paragraphs
        return len(HTML(string=f'<html lang="en"><body>{body}</body></html>').render().pages)

    # Estimate from a sample, then step to the most text that still fills exactly `pages`.
    sample = 20
    paragraphs = max(1, sample * pages // page_count(sample))
    while page_count(paragraphs) > pages:
        paragraphs -= 1
    while page_count(paragraphs + 1) <= pages:
        paragraphs += 1
    html = f'<html lang="en"><body>{f"<p>{FLOOR_PARAGRAPH}</p>" * paragraphs}</body></html>'
    return (lambda: HTML(string=html).write_pdf()), page_count(paragraphs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per figure (default 7)")
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="advisor-bench-pdf-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}",
        MEDIA_ROOT=str(workdir / "media"),
        DEBUG="1",
        # Finalising renders the documents here and now, as a worker would, for the download.
        TASKS_BACKEND="django.tasks.backends.immediate.ImmediateBackend",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from advisor import services
    from advisor.demo import demo_seed
    from advisor.scoring.examples import EXAMPLE_PROJECTS
    from projects.models import Project
    from reports.pdf import render_report_pdf
    from reports.services import report_context_for, report_draft, report_finalise

    call_command("migrate", verbosity=0)
    login = demo_seed()
    project = Project.objects.get(name="Contract clause extraction")
    user = project.created_by
    assessment = services.assessment_submit(
        assessment=services.assessment_start(
            project=project, by=user, answers=EXAMPLE_PROJECTS["clinical_coding"]
        ),
        by=user,
    )

    def render_full() -> bytes:
        return render_report_pdf(report_context_for(assessment, "full", user)).pdf

    rendered = render_report_pdf(report_context_for(assessment, "full", user))
    floor, floor_pages = floor_document(rendered.page_count)
    (full_s, full_cpu_s), (floor_s, floor_cpu_s) = alternating_medians(
        render_full, floor, options.runs
    )

    report = report_finalise(report=report_draft(assessment=assessment, by=user), by=user)
    stored = report.files.get(variant="full", format="pdf")
    browser = Client()
    browser.post("/accounts/login/", {"username": login.email, "password": login.password})
    url = reverse("reports:download", args=[report.pk, "full"])

    def download() -> bytes:
        return b"".join(browser.get(url).streaming_content)

    download_ms = median_seconds(download, options.runs * 3) * 1000
    size_kb = stored.size / 1024
    ratio = full_s / floor_s

    print(f"full report: {rendered.page_count} pages, {size_kb:.0f} KB, median {full_s:.3f} s")
    print(f"floor:       {floor_pages} pages of plain text, median {floor_s:.3f} s")
    print(f"download of the stored report: median {download_ms:.1f} ms")
    print(
        f"processor time: full report {full_cpu_s:.3f} s, floor {floor_cpu_s:.3f} s, "
        f"ratio {full_cpu_s / floor_cpu_s:.2f}"
    )
    met = (
        full_s < TARGET_FULL_S
        and ratio <= TARGET_RATIO
        and download_ms < TARGET_DOWNLOAD_MS
        and size_kb < TARGET_SIZE_KB
    )
    print(
        f"targets: full < {TARGET_FULL_S} s, ratio <= {TARGET_RATIO}, download < "
        f"{TARGET_DOWNLOAD_MS:.0f} ms, size < {TARGET_SIZE_KB} KB: {'met' if met else 'MISSED'}"
    )
    print(
        f"pdf: full_median_s={full_s:.3f} floor_median_s={floor_s:.3f} ratio={ratio:.2f} "
        f"download_ms={download_ms:.1f} size_kb={size_kb:.0f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
