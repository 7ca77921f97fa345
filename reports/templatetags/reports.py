"""The reports app's part of other apps' pages: the result page shows an assessment's reports
through `{% assessment_reports assessment %}`, so the advisor app never imports this one."""

from typing import Any

from django import template

from reports.models import Report

register = template.Library()


@register.inclusion_tag("reports/_assessment_reports.html", takes_context=True)
def assessment_reports(context: template.Context, assessment: Any) -> dict[str, Any]:
    """Preview and generate buttons per variant, and the reports already generated."""
    return {
        "assessment": assessment,
        "project": assessment.project,
        "variants": Report.Variant.choices,
        "reports": Report.objects.filter(assessment=assessment),
        "csrf_token": context.get("csrf_token"),
    }
