"""The reports app's part of other apps' pages: the result page shows an assessment's report
through `{% assessment_reports assessment %}`, so the advisor app never imports this one."""

from typing import Any

from django import template

from reports.models import Report, Variant

register = template.Library()


@register.inclusion_tag("reports/_assessment_reports.html")
def assessment_reports(assessment: Any) -> dict[str, Any]:
    """The report's latest version and status, and the PDFs of the latest final one."""
    versions = Report.objects.filter(assessment=assessment).select_related("finalised_by")
    latest = versions.first()
    final = next((v for v in versions if v.is_final), None)
    return {
        "assessment": assessment,
        "project": assessment.project,
        "variants": Variant,
        "latest": latest,
        "final": final,
        "files": final.files.all() if final else [],
    }
