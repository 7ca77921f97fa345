"""Logos stored before uploads were re-encoded still carry what came with the file (EXIF such
as where a photo was taken, data appended after the image): store a clean copy of each."""

import logging

from django.db import migrations

logger = logging.getLogger(__name__)


def reencode_logos(apps, schema_editor):
    from projects.logos import DECOMPRESSION_BOMBS, UnreadableLogo, logo_reencode

    Organization = apps.get_model("projects", "Organization")
    for organization in Organization.objects.exclude(logo=""):
        try:
            with organization.logo.open("rb") as stored:
                clean = logo_reencode(stored.read())
        except (OSError, UnreadableLogo, *DECOMPRESSION_BOMBS) as error:
            # A missing or unreadable file is left for the agency to replace; never block a deploy.
            logger.warning("Logo of organization %s kept as it was: %s", organization.pk, error)
            continue
        old = organization.logo.name
        organization.logo.save(clean.name, clean, save=False)
        organization.save(update_fields=["logo"])
        if old != organization.logo.name:
            organization.logo.storage.delete(old)


class Migration(migrations.Migration):
    dependencies = [("projects", "0004_invitations_last_active")]

    operations = [migrations.RunPython(reencode_logos, migrations.RunPython.noop)]
