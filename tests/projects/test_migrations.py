"""Data migrations of the projects app, run against rows as older versions left them."""

import importlib

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from PIL import Image

from tests.conftest import Agency
from tests.projects.test_logos import GPS_IFD, photo_with_location

reencode = importlib.import_module("projects.migrations.0005_reencode_stored_logos")


@pytest.mark.django_db
def test_logos_stored_before_re_encoding_lose_their_location_and_trailing_data(
    acme: Agency, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    organization = acme.organization
    # As the old upload path stored it: the file byte for byte, under its uploaded name.
    organization.logo.save("holiday.jpg", ContentFile(photo_with_location() + b"SECRET"))
    old_path = organization.logo.path

    reencode.reencode_logos(apps, None)

    organization.refresh_from_db()
    data = organization.logo.read()
    assert b"SECRET" not in data
    with Image.open(organization.logo.path) as clean:
        assert not clean.getexif().get_ifd(GPS_IFD)
        assert clean.size == (300, 200)
    assert organization.logo.name != "logos/holiday.jpg"
    assert not (tmp_path / old_path).exists()


@pytest.mark.django_db
def test_an_unreadable_stored_logo_is_left_for_the_agency_to_replace(
    acme: Agency, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    organization = acme.organization
    organization.logo.save("broken.png", ContentFile(b"not an image"))

    reencode.reencode_logos(apps, None)

    organization.refresh_from_db()
    assert organization.logo.name == "logos/broken.png"
