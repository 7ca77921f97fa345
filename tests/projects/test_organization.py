import io

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse
from PIL import Image

from projects.models import Membership
from tests.personas import Agency

SETTINGS = reverse("projects:organization_settings")
MEMBERS = reverse("projects:member_list")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def image_upload(
    fmt: str, size: tuple[int, int] = (120, 40), name: str = "logo"
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#1f4e79").save(buffer, format=fmt)
    return SimpleUploadedFile(f"{name}.{fmt.lower()}", buffer.getvalue())


def branding(**overrides: object) -> dict[str, object]:
    return {
        "name": "Acme",
        "brand_color": "#aa3300",
        "contact_line": "",
        "report_footer": "",
        **overrides,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_an_admin_uploads_a_logo_and_sets_the_brand(
    alice: HttpClient, acme: Agency, fmt: str
) -> None:
    response = alice.post(SETTINGS, branding(logo=image_upload(fmt), report_footer="Acme · Advice"))
    assert response.status_code == 302
    acme.organization.refresh_from_db()
    assert acme.organization.brand_color == "#aa3300"
    assert acme.organization.report_footer == "Acme · Advice"
    assert acme.organization.logo.name.startswith("logos/")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: image_upload("GIF"), "must be a PNG or JPEG"),
        (lambda: SimpleUploadedFile("logo.png", b"not really an image"), "Upload a valid image"),
        (
            lambda: SimpleUploadedFile("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
            "valid image",
        ),
        (
            lambda: SimpleUploadedFile("big.png", image_upload("PNG").read() + b"\0" * 1024 * 1024),
            "larger than 1 MB",
        ),
    ],
)
def test_bad_logos_are_refused_and_the_old_branding_kept(
    alice: HttpClient, acme: Agency, upload, message: str
) -> None:
    response = alice.post(SETTINGS, branding(logo=upload(), brand_color="#000000"))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["logo"])
    acme.organization.refresh_from_db()
    assert not acme.organization.logo
    assert acme.organization.brand_color == "#1f4e79"


@pytest.mark.django_db
def test_a_bad_colour_is_refused(alice: HttpClient, acme: Agency) -> None:
    response = alice.post(SETTINGS, branding(brand_color="red"))
    assert "six hex digits" in response.context["form"].errors["brand_color"][0]


@pytest.mark.django_db
def test_members_cannot_manage_branding_or_members(acme: Agency, carol: Membership) -> None:
    http = acme.http(carol)
    assert http.get(SETTINGS).status_code == 403
    assert http.get(MEMBERS).status_code == 403
    assert http.post(MEMBERS, {"email": "x@y.example", "role": "admin"}).status_code == 403
    url = reverse("projects:member_change_role", args=[carol.pk])
    assert http.post(url, {"role": "admin"}).status_code == 403
    carol.refresh_from_db()
    assert carol.role == Membership.Role.MEMBER


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "nope", "role": "member"}, "email", "Enter a valid email address."),
        ({"email": "alice@acme.example", "role": "member"}, "email", "already a member"),
        ({"email": "x@acme.example", "role": "owner"}, "role", "Select a valid choice"),
    ],
)
def test_bad_member_input_is_refused(
    alice: HttpClient, acme: Agency, data: dict[str, str], field: str, message: str
) -> None:
    response = alice.post(MEMBERS, data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert acme.organization.memberships.count() == 1
    assert not acme.organization.invitations.exists()
    assert not mail.outbox


@pytest.mark.django_db
def test_the_last_admin_cannot_be_demoted_or_removed(alice: HttpClient, acme: Agency) -> None:
    role = reverse("projects:member_change_role", args=[acme.admin.pk])
    remove = reverse("projects:member_remove", args=[acme.admin.pk])
    response = alice.post(role, {"role": "member"}, follow=True)
    assert "at least one admin" in response.content.decode()
    response = alice.post(remove, follow=True)
    assert "at least one admin" in response.content.decode()
    acme.admin.refresh_from_db()
    assert acme.admin.role == Membership.Role.ADMIN


@pytest.mark.django_db
def test_an_admin_promotes_and_removes_a_member(
    alice: HttpClient, acme: Agency, carol: Membership
) -> None:
    alice.post(reverse("projects:member_change_role", args=[carol.pk]), {"role": "admin"})
    carol.refresh_from_db()
    assert carol.is_admin
    alice.post(reverse("projects:member_remove", args=[carol.pk]))
    assert not Membership.objects.filter(pk=carol.pk).exists()
    assert User.objects.filter(pk=carol.user_id).exists()
