"""The reports app's data migration, run against rows as the per-variant reports left them."""

import hashlib
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client as HttpClient
from django.urls import reverse

from advisor.models import Assessment
from projects.models import Membership
from reports.models import Report, ReportFile, ShareLink
from tests.factories import MembershipFactory
from tests.personas import Agency, make_agency, submit

BEFORE = [("reports", "0001_initial")]
DAY = datetime(2026, 11, 20, 9, 30).astimezone()


def migrate(targets: list[tuple[str, str]]):
    """Migrate to `targets` and return the apps as they are there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def stored_pdf(name: str) -> tuple[str, str, int]:
    body = f"%PDF-1.7 {name}".encode()
    path = default_storage.save(f"reports/{name}.pdf", ContentFile(body))
    return path, hashlib.sha256(body).hexdigest(), len(body)


@pytest.fixture
def agency(transactional_db: None, settings, tmp_path: Path) -> Agency:
    settings.MEDIA_ROOT = tmp_path
    return make_agency("Acme", "alice@acme.example", "Acme Retail", "Acme chatbot")


def test_per_variant_reports_become_final_versions_keeping_files_and_links(agency: Agency) -> None:
    alice = agency.admin.user
    carol = MembershipFactory(
        organization=agency.organization, user__email="carol@acme.example", role="member"
    ).user
    first, second, unreported = submit(agency), submit(agency), submit(agency)
    old = migrate(BEFORE)
    OldReport = old.get_model("reports", "Report")
    OldShareLink = old.get_model("reports", "ShareLink")

    def old_report(assessment: Assessment, variant: str, template: str, by, days: int):
        path, checksum, size = stored_pdf(f"{assessment.number}-{variant}-{template}")
        report = OldReport.objects.create(
            assessment_id=assessment.pk,
            variant=variant,
            template_version=template,
            file=path,
            checksum=checksum,
            size=size,
            page_count=days + 1,
            generated_by_id=by.pk,
        )
        OldReport.objects.filter(pk=report.pk).update(created_at=DAY + timedelta(days=days))
        return report

    # The full report of the first assessment was generated after its summary, by a colleague.
    full = old_report(first, "full", "2026.11.1", carol, days=2)
    summary = old_report(first, "executive", "2026.11.1", alice, days=1)
    # The second assessment's report was generated again after a template change.
    older = old_report(second, "full", "2026.10.0", alice, days=3)
    newer = old_report(second, "full", "2026.11.1", alice, days=4)
    expires = DAY + timedelta(days=400)
    links = {
        name: OldShareLink.objects.create(report_id=report.pk, expires_at=expires).pk
        for name, report in [("full", full), ("summary", summary), ("older", older)]
    }

    migrate(latest())

    report = Report.objects.get(assessment=first)
    assert report.pk == summary.pk  # the earliest row is the version: its old page still opens
    assert (report.version, report.status) == (1, "final")
    assert report.finalised_at == DAY + timedelta(days=1)
    assert (report.finalised_by, report.created_by) == (alice, alice)
    assert report.edits().dated == (DAY + timedelta(days=1)).date()
    files = {f.variant: f for f in report.files.all()}
    for variant, old_row in [("full", full), ("executive", summary)]:
        migrated = files[variant]
        assert (migrated.file.name, migrated.checksum, migrated.size, migrated.page_count) == (
            old_row.file.name,
            old_row.checksum,
            old_row.size,
            old_row.page_count,
        )
        assert (migrated.format, migrated.template_version) == ("pdf", "2026.11.1")
        assert migrated.created_at == DAY + timedelta(days=2 if variant == "full" else 1)
    assert [
        (r.version, r.files.get().template_version, r.files.get().checksum)
        for r in Report.objects.filter(assessment=second).order_by("version")
    ] == [(1, "2026.10.0", older.checksum), (2, "2026.11.1", newer.checksum)]
    assert not Report.objects.filter(assessment=unreported).exists()
    assert ReportFile.objects.count() == 4

    # Each link opens the very PDF it opened before, unless a later version replaced it.
    visitor = HttpClient()
    for name, old_row, superseded in [
        ("full", full, False),
        ("summary", summary, False),
        ("older", older, True),
    ]:
        link = ShareLink.objects.get(pk=links[name])
        assert link.variant == old_row.variant
        assert link.superseded == superseded
        response = visitor.get(reverse("reports:shared_view", args=[link.token]))
        if superseded:
            assert response.status_code == 410
            assert "replaced by a newer version" in response.content.decode()
        else:
            body = b"".join(response.streaming_content)
            assert hashlib.sha256(body).hexdigest() == old_row.checksum

    # Undoing is refused while reports exist, before anything changes.
    with pytest.raises(RuntimeError, match="restore a backup"):
        migrate(BEFORE)
    assert Report.objects.count() == 3


def test_the_migration_runs_on_a_database_without_reports(agency: Agency) -> None:
    migrate(BEFORE)
    migrate(latest())
    assert not Report.objects.exists()
    assert Membership.objects.count() == 1
