"""Time the client report as a Word file against the same report as a PDF.

Prints, from medians of several runs in one process (after a warm-up), for the full report and
the executive summary of one example project:
- html_s: rendering the report's HTML, which both formats start from;
- pdf_s: the PDF (HTML, then WeasyPrint's layout and PDF/UA output);
- docx_s: the Word file (HTML, then the conversion: walking the markup, drawing the charts as
  pictures, writing the package);
- ratio: docx_s / pdf_s, which is what to compare across machines;
- each file's size.
The target is a Word file no slower than the PDF (ratio <= 1). It needs no database: the report
is built from unsaved objects, as `manage.py render_report` builds it.
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.0
EXAMPLE = "clinical_coding"


def median_seconds(action: Callable[[], object], runs: int) -> float:
    action()  # warm-up: imports, font loading, template compilation
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per figure (default 7)")
    options = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from advisor.scoring import parse_answers
    from advisor.scoring.examples import EXAMPLE_PROJECTS
    from reports.content import report_context
    from reports.docx import render_report_docx
    from reports.management.commands.render_report import unsaved_assessment
    from reports.pdf import STATIC_PREFIX, render_html, render_report_pdf

    answers, overrides = parse_answers(EXAMPLE_PROJECTS[EXAMPLE])
    assessment = unsaved_assessment(
        answers=answers,
        overrides=overrides,
        agency="Northwind AI Studio",
        client="Bloom & Co",
        project="Clinical coding",
    )
    figures: dict[str, float] = {}
    for variant in ("full", "executive"):
        context = report_context(
            assessment=assessment,
            variant=variant,
            organization=assessment.project.client.organization,
            prepared_by="Dana Demo",
        )
        html_s = median_seconds(
            lambda c=context: render_html({**c, "for_pdf": True, "bundled_static": STATIC_PREFIX}),
            options.runs,
        )
        pdf_s = median_seconds(lambda c=context: render_report_pdf(c), options.runs)
        docx_s = median_seconds(lambda c=context: render_report_docx(c), options.runs)
        pdf_kb = len(render_report_pdf(context).pdf) / 1024
        docx_kb = len(render_report_docx(context).docx) / 1024
        figures |= {f"{variant}_pdf_s": pdf_s, f"{variant}_docx_s": docx_s}
        figures[f"{variant}_ratio"] = docx_s / pdf_s
        print(
            f"{variant:>9}: html {html_s * 1000:.1f} ms, pdf {pdf_s:.3f} s ({pdf_kb:.0f} KB), "
            f"docx {docx_s:.3f} s ({docx_kb:.0f} KB), docx/pdf {docx_s / pdf_s:.2f}"
        )
    met = all(figures[f"{v}_ratio"] <= TARGET_RATIO for v in ("full", "executive"))
    print(f"target: the Word file no slower than the PDF: {'met' if met else 'MISSED'}")
    print("report-formats: " + " ".join(f"{k}={v:.3f}" for k, v in figures.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
