"""Repair drafts broken by the wizard reading data_coverage's "Don't know" as its own "don't know".

That stored data_coverage as null, so the review page failed and the answer looked unset. The
person had chosen the real answer "unknown"; put it back.
"""

from django.db import migrations


def repair_data_coverage(apps, schema_editor):
    Assessment = apps.get_model("advisor", "Assessment")
    broken = []
    for assessment in Assessment.objects.filter(status="draft").only("answers").iterator():
        answers = assessment.answers
        if isinstance(answers, dict) and "data_coverage" in answers:
            if answers["data_coverage"] is None:
                answers["data_coverage"] = "unknown"
                broken.append(assessment)
    Assessment.objects.bulk_update(broken, ["answers"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("advisor", "0001_initial")]

    operations = [migrations.RunPython(repair_data_coverage, migrations.RunPython.noop)]
