"""A project's stage is derived from its assessments; only archiving is stored, as a date."""

from django.conf import settings
from django.db import migrations, models


def keep_archived(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    Project.objects.filter(status="archived").update(archived_at=models.F("updated_at"))


def restore_status(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    Project.objects.filter(archived_at__isnull=False).update(status="archived")


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0005_reencode_stored_logos'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='project',
            name='projects_pr_client__60b095_idx',
        ),
        migrations.AddField(
            model_name='project',
            name='archived_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name='project',
            index=models.Index(fields=['client', 'archived_at'], name='projects_pr_client__15ee0e_idx'),
        ),
        migrations.RunPython(keep_archived, restore_status),
        migrations.RemoveField(
            model_name='project',
            name='status',
        ),
    ]
