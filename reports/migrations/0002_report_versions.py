"""A report becomes the consultant's edited document, in versions, with its rendered files.

Each assessment's stored per-variant PDFs become one final version (one per template version they
were rendered with, oldest first: only one has ever existed), finalised when the first of them was
generated, by whoever generated it; each PDF becomes a file of that version, and each share link
points to that version and the variant it opened.
"""

from itertools import groupby

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import projects.validators

VARIANTS = [("executive", "Executive summary"), ("full", "Full report")]
APPROACHES = [
    ("zero_shot", "Zero-shot prompting"),
    ("few_shot", "Few-shot prompting"),
    ("system_prompt", "System-prompt engineering"),
    ("rag", "Retrieval-augmented prompting"),
    ("adapter", "Adapter fine-tuning"),
    ("full_fine_tune", "Full fine-tuning"),
]


def per_variant_reports_become_versions(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    ReportFile = apps.get_model("reports", "ReportFile")
    ShareLink = apps.get_model("reports", "ShareLink")
    rows = Report.objects.order_by("assessment_id", "created_at", "pk")
    for _, reports in groupby(rows, key=lambda report: report.assessment_id):
        by_template: dict[str, list] = {}
        for report in reports:
            by_template.setdefault(report.template_version, []).append(report)
        for number, group in enumerate(by_template.values(), start=1):
            kept = group[0]
            Report.objects.filter(pk=kept.pk).update(
                version=number,
                status="final",
                finalised_at=kept.created_at,
                finalised_by_id=kept.created_by_id,
                updated_at=kept.created_at,
                updated_by_id=kept.created_by_id,
            )
            for old in group:
                stored = ReportFile.objects.create(
                    report_id=kept.pk,
                    variant=old.variant,
                    format="pdf",
                    file=old.file.name,
                    checksum=old.checksum,
                    size=old.size,
                    page_count=old.page_count,
                    template_version=old.template_version,
                )
                ReportFile.objects.filter(pk=stored.pk).update(created_at=old.created_at)
                ShareLink.objects.filter(report_id=old.pk).update(
                    report_id=kept.pk, variant=old.variant
                )
            Report.objects.filter(pk__in=[old.pk for old in group[1:]]).delete()
    if schema_editor.connection.vendor == "postgresql":
        # Check the moved foreign keys now: PostgreSQL alters no table with checks pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def refuse_to_undo_with_reports(apps, schema_editor):
    if apps.get_model("reports", "Report").objects.exists():
        raise RuntimeError(
            "Report versions cannot be turned back into per-variant reports: restore a backup "
            "taken before this migration instead."
        )


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="report", name="one_report_per_version"),
        migrations.AlterModelOptions(name="report", options={"ordering": ["-version"]}),
        migrations.RenameField(model_name="report", old_name="generated_by", new_name="created_by"),
        migrations.AddField(
            model_name="report",
            name="version",
            field=models.PositiveIntegerField(
                default=1, help_text="1 for an assessment's first report, and so on."
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="report",
            name="status",
            field=models.CharField(
                choices=[("draft", "Draft"), ("final", "Final")], default="draft", max_length=10
            ),
        ),
        migrations.AddField(
            model_name="report",
            name="recipient",
            field=models.CharField(
                blank=True,
                help_text="The client contact the cover note is addressed to.",
                max_length=120,
                validators=[projects.validators.PlainTextValidator()],
            ),
        ),
        migrations.AddField(
            model_name="report",
            name="cover_note",
            field=models.TextField(
                blank=True,
                max_length=2000,
                validators=[projects.validators.PlainTextValidator(multiline=True)],
            ),
        ),
        migrations.AddField(
            model_name="report",
            name="section_notes",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="report",
            name="hidden_sections",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="report",
            name="override_approach",
            field=models.CharField(
                blank=True, choices=APPROACHES, max_length=20, verbose_name="recommended instead"
            ),
        ),
        migrations.AddField(
            model_name="report",
            name="override_rationale",
            field=models.TextField(
                blank=True,
                max_length=2000,
                validators=[projects.validators.PlainTextValidator(multiline=True)],
                verbose_name="why",
            ),
        ),
        migrations.AddField(
            model_name="report",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="report",
            name="updated_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="report",
            name="revision",
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="report",
            name="finalised_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="report",
            name="finalised_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.CreateModel(
            name="NextStep",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveSmallIntegerField()),
                ("step", models.CharField(max_length=300, validators=[projects.validators.PlainTextValidator()])),
                ("owner", models.CharField(blank=True, max_length=120, validators=[projects.validators.PlainTextValidator()])),
                ("effort", models.CharField(blank=True, max_length=60, validators=[projects.validators.PlainTextValidator()])),
                ("due", models.DateField(blank=True, null=True, verbose_name="due date")),
                ("report", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="next_steps", to="reports.report")),
            ],
            options={
                "ordering": ["position"],
                "constraints": [
                    models.UniqueConstraint(fields=("report", "position"), name="one_next_step_per_place")
                ],
            },
        ),
        migrations.CreateModel(
            name="ReportFile",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("variant", models.CharField(choices=VARIANTS, max_length=10)),
                ("format", models.CharField(choices=[("pdf", "PDF"), ("docx", "Word")], default="pdf", max_length=10)),
                ("file", models.FileField(upload_to="reports/")),
                ("checksum", models.CharField(help_text="SHA-256 of the file's bytes.", max_length=64)),
                ("size", models.PositiveIntegerField(help_text="Bytes.")),
                ("page_count", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("template_version", models.CharField(max_length=20)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("report", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="files", to="reports.report")),
            ],
            options={
                "ordering": ["variant", "format"],
                "constraints": [
                    models.UniqueConstraint(fields=("report", "variant", "format"), name="one_file_per_variant_and_format")
                ],
            },
        ),
        migrations.AddField(
            model_name="sharelink",
            name="variant",
            field=models.CharField(choices=VARIANTS, default="full", max_length=10),
            preserve_default=False,
        ),
        migrations.RunPython(per_variant_reports_become_versions, migrations.RunPython.noop),
        migrations.RemoveField(model_name="report", name="variant"),
        migrations.RemoveField(model_name="report", name="template_version"),
        migrations.RemoveField(model_name="report", name="file"),
        migrations.RemoveField(model_name="report", name="checksum"),
        migrations.RemoveField(model_name="report", name="size"),
        migrations.RemoveField(model_name="report", name="page_count"),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.UniqueConstraint(
                fields=("assessment", "version"), name="one_report_per_version_number"
            ),
        ),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "draft")),
                fields=("assessment",),
                name="one_draft_report_per_assessment",
            ),
        ),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("finalised_at__isnull", True), ("status", "draft")),
                    models.Q(("finalised_at__isnull", False), ("status", "final")),
                    _connector="OR",
                ),
                name="a_final_report_has_its_date",
            ),
        ),
        # Last, so that undoing starts here: refuse before any column comes back empty.
        migrations.RunPython(migrations.RunPython.noop, refuse_to_undo_with_reports),
    ]
