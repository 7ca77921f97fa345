"""Background work on reports, run by the workers (`manage.py worker`)."""

from django.tasks import task

from reports import services


@task()
def render_report(report_pk: int) -> str:
    """Render and store a finalising report version's documents; see `report_render`."""
    return services.report_render(report_pk=report_pk)
