"""Logos are re-drawn from their pixels: nothing else in the upload is kept, big ones are scaled
down, decompression bombs are refused by name, and the logo is shown inline."""

import base64
import hashlib
import importlib
import io
import struct
import warnings
import zlib

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse
from PIL import Image

from projects.logos import LOGO_STORED_MAX_PX
from projects.models import Organization
from reports.services import report_context_for
from tests.personas import Agency, submit

SETTINGS = reverse("projects:organization_settings")
GPS_IFD = 0x8825
MAKE = 0x010F


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def photo_with_location() -> bytes:
    exif = Image.Exif()
    exif[MAKE] = "SecretCam"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (51.0, 30.0, 26.0), 3: "W", 4: (0.0, 7.0, 39.0)})
    return encoded(Image.new("RGB", (300, 200), "#336699"), "JPEG", exif=exif)


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that claims `width` by `height` pixels: a decompression bomb's header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def upload(alice: HttpClient, content: bytes, name: str = "logo.png"):
    data = {"name": "Acme", "brand_color": "#1f4e79", "contact_line": "", "report_footer": ""}
    return alice.post(SETTINGS, {**data, "logo": SimpleUploadedFile(name, content)})


def stored(agency: Agency) -> tuple[str, bytes]:
    organization = Organization.objects.get(pk=agency.organization.pk)
    with organization.logo.open("rb") as logo:
        return organization.logo.name, logo.read()


@pytest.mark.django_db
def test_data_after_the_image_is_not_kept(alice: HttpClient, acme: Agency) -> None:
    image = Image.new("RGB", (120, 40), "#1f4e79")
    assert upload(alice, encoded(image, "PNG") + b"<script>hidden</script>").status_code == 302
    _, data = stored(acme)
    assert b"hidden" not in data
    assert Image.open(io.BytesIO(data)).tobytes() == image.tobytes()


@pytest.mark.django_db
def test_exif_and_location_are_removed_from_the_logo_and_its_preview(
    alice: HttpClient, acme: Agency
) -> None:
    original = photo_with_location()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)
    assert upload(alice, original, "photo.jpg").status_code == 302
    name, data = stored(acme)
    assert name.endswith(".jpg")
    clean = Image.open(io.BytesIO(data))
    assert clean.format == "JPEG"
    assert not clean.getexif()
    assert b"SecretCam" not in data
    assert b"Exif" not in data
    page = alice.get(SETTINGS).content.decode()
    assert "data:image/jpeg;base64," in page
    preview = page.split("data:image/jpeg;base64,")[1].split('"')[0]
    assert base64.b64decode(preview) == data


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "name", "extension", "fmt", "mode"),
    [
        (encoded(Image.new("RGB", (60, 20), "red"), "PNG"), "logo.pdf", "png", "PNG", "RGB"),
        (encoded(Image.new("RGBA", (60, 20), (0, 0, 0, 0)), "PNG"), "a.gif", "png", "PNG", "RGBA"),
        (encoded(Image.new("P", (60, 20)), "PNG", transparency=0), "a.png", "png", "PNG", "RGBA"),
        (encoded(Image.new("RGB", (60, 20), "red"), "JPEG"), "logo.png", "jpg", "JPEG", "RGB"),
        (encoded(Image.new("CMYK", (60, 20)), "JPEG"), "logo.jpeg", "jpg", "JPEG", "RGB"),
    ],
    ids=["png-named-pdf", "transparent-png", "palette-png", "jpeg-named-png", "cmyk-jpeg"],
)
def test_the_stored_file_is_named_by_its_content_with_the_right_extension(
    alice: HttpClient,
    acme: Agency,
    content: bytes,
    name: str,
    extension: str,
    fmt: str,
    mode: str,
) -> None:
    assert upload(alice, content, name).status_code == 302
    stored_name, data = stored(acme)
    assert stored_name == f"logos/{hashlib.sha256(data).hexdigest()[:32]}.{extension}"
    image = Image.open(io.BytesIO(data))
    assert (image.format, image.mode) == (fmt, mode)


@pytest.mark.django_db
def test_a_large_logo_is_scaled_down_keeping_its_shape(alice: HttpClient, acme: Agency) -> None:
    assert upload(alice, encoded(Image.new("RGB", (3000, 600), "navy"), "PNG")).status_code == 302
    _, data = stored(acme)
    assert Image.open(io.BytesIO(data)).size == (LOGO_STORED_MAX_PX, LOGO_STORED_MAX_PX // 5)


@pytest.mark.django_db
def test_a_photo_taken_sideways_is_stored_upright(alice: HttpClient, acme: Agency) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    upload(alice, encoded(Image.new("RGB", (200, 100)), "JPEG", exif=exif), "photo.jpg")
    _, data = stored(acme)
    assert Image.open(io.BytesIO(data)).size == (100, 200)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "size",
    [
        (20_000, 20_000),  # over twice Pillow's limit: its DecompressionBombError
        (10_000, 10_000),  # over the limit: Pillow only warns, which is refused too
    ],
)
def test_decompression_bombs_are_refused_with_a_clear_message(
    alice: HttpClient, acme: Agency, size: tuple[int, int]
) -> None:
    with warnings.catch_warnings():
        # As in production, where warnings are not errors (the test settings make them so).
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        response = upload(alice, png_header_only(*size))
    assert response.status_code == 200
    assert "too many pixels to open safely" in " ".join(response.context["form"].errors["logo"])
    assert not Organization.objects.get(pk=acme.organization.pk).logo


@pytest.mark.django_db
def test_a_damaged_image_is_refused(alice: HttpClient, acme: Agency) -> None:
    whole = encoded(Image.effect_noise((200, 200), 50).convert("RGB"), "PNG")
    response = upload(alice, whole[: len(whole) // 2])
    assert response.status_code == 200
    assert response.context["form"].errors["logo"]
    assert not Organization.objects.get(pk=acme.organization.pk).logo


@pytest.mark.django_db
def test_the_preview_is_inline_so_it_shows_without_media_serving(
    alice: HttpClient, acme: Agency, settings
) -> None:
    settings.DEBUG = False
    upload(alice, encoded(Image.new("RGB", (60, 20), "red"), "PNG"))
    page = alice.get(SETTINGS).content.decode()
    assert '<img src="data:image/png;base64,' in page
    assert settings.MEDIA_URL not in page


@pytest.mark.django_db
def test_the_logo_can_be_removed(alice: HttpClient, acme: Agency) -> None:
    upload(alice, encoded(Image.new("RGB", (60, 20), "red"), "PNG"))
    assert "Remove the current logo" in alice.get(SETTINGS).content.decode()
    data = {"name": "Acme", "brand_color": "#1f4e79", "remove_logo": "on"}
    assert alice.post(SETTINGS, data).status_code == 302
    assert not Organization.objects.get(pk=acme.organization.pk).logo
    assert "Remove the current logo" not in alice.get(SETTINGS).content.decode()


@pytest.mark.django_db
def test_the_report_inlines_the_stored_logo(alice: HttpClient, acme: Agency) -> None:
    upload(alice, encoded(Image.new("RGB", (60, 20), "red"), "PNG"))
    _, data = stored(acme)
    context = report_context_for(submit(acme), "full", None)
    assert context["logo"] == f"data:image/png;base64,{base64.b64encode(data).decode()}"


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
