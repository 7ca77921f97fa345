"""Property-based fuzzing of the client, project, branding and profile forms through the real views:
whatever text is typed, the answer is a form error on the page or a whole save, never a 500,
and a refused post changes nothing."""

import unicodedata
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.db.models import Model
from django.test import Client as HttpClient
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects.models import Client, Organization, Profile, Project
from projects.validators import ONE_LINE
from tests.factories import ClientFactory
from tests.personas import Agency

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

INVISIBLE = [
    *"\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",  # bidi controls
    *"\u200b\u200d\u200e\u200f\u061c\ufeff\u00ad",  # zero-width and other format characters
    *"\x00\x07\x1b\x7f\x85\u2028\u2029",  # controls, line and paragraph separators
    "\n",
    "\r\n",
    "\r",
    "\t",
]
# Letters whose case folds differ between Python, UPPER() and LOWER(), and decomposed accents.
FOLDS = ["\u212a", "K", "k", "ß", "\u1e9e", "SS", "\u0131", "\u0130", "i", "I", "e\u0301", "é"]
piece = st.one_of(
    st.text(max_size=20),
    st.sampled_from(INVISIBLE + FOLDS),
    st.text(st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Zs", "Mn"]), max_size=4),
)
hostile_text = st.one_of(
    st.lists(piece, max_size=6).map("".join),
    st.sampled_from(["", " ", "\u00a0", "x" * 120, "x" * 121, "é" * 200, "y" * 10_000]),
    st.sampled_from(["<script>alert(1)</script>", "'; DROP TABLE projects_client; --"]),
)
# Ordinary text too, so that some posts save and the saved values are checked.
typed_text = st.one_of(
    st.just(""),
    st.text(st.characters(categories=["L", "M", "N", "P", "S", "Zs"]), max_size=40),
    hostile_text,
)
# Names that another client already has, in other spellings.
client_names = st.one_of(
    typed_text,
    st.sampled_from(["Acme Retail", "ACME RETAIL", "acme retail", "\u212aILO", "kilo", "KİLO"]),
)


def as_saved(typed: str) -> str:
    """What a text field keeps of what was typed: trimmed and in composed form."""
    return unicodedata.normalize("NFC", typed.strip())


def snapshot(model: type[Model]) -> list[dict[str, object]]:
    return list(model._default_manager.order_by("pk").values())


def check_outcome(
    response,
    model: type[Model],
    before: list[dict[str, object]],
    saved: Callable[[], Model],
    typed: dict[str, str],
) -> None:
    """A 200 shows field errors and leaves the table as it was; a redirect saved every field."""
    assert response.status_code in {200, 302}, response.status_code
    if response.status_code == 200:
        assert response.context["form"].errors
        assert snapshot(model) == before
    else:
        row = saved()
        for field, value in typed.items():
            assert getattr(row, field) == as_saved(value), field
        row.full_clean()


@pytest.mark.django_db
def test_no_client_input_gives_a_500_or_a_half_save(alice: HttpClient, acme: Agency) -> None:
    ClientFactory(organization=acme.organization, name="kilo")

    @FUZZ
    @given(
        editing=st.booleans(),
        name=client_names,
        industry=typed_text,
        contact_name=typed_text,
        notes=typed_text,
    )
    def fuzz(editing: bool, **typed: str) -> None:
        before = snapshot(Client)
        if editing:
            url = reverse("projects:client_edit", args=[acme.client.pk])
            saved: Callable[[], Model] = lambda: Client.objects.get(pk=acme.client.pk)  # noqa: E731
        else:
            url = reverse("projects:client_create")
            saved = lambda: Client.objects.exclude(pk__in=[r["id"] for r in before]).get()  # noqa: E731
        response = alice.post(url, {**typed, "contact_email": ""})
        check_outcome(response, Client, before, saved, typed)
        if response.status_code == 302 and not editing:
            assert Client.objects.count() == len(before) + 1

    fuzz()


@pytest.mark.django_db
def test_no_project_input_gives_a_500_or_a_half_save(alice: HttpClient, acme: Agency) -> None:
    @FUZZ
    @given(editing=st.booleans(), name=typed_text, description=typed_text)
    def fuzz(editing: bool, **typed: str) -> None:
        before = snapshot(Project)
        if editing:
            url = reverse("projects:project_edit", args=[acme.project.pk])
            saved: Callable[[], Model] = lambda: Project.objects.get(pk=acme.project.pk)  # noqa: E731
        else:
            url = reverse("projects:project_create")
            saved = lambda: Project.objects.exclude(pk__in=[r["id"] for r in before]).get()  # noqa: E731
        response = alice.post(url, {**typed, "client": acme.client.pk})
        check_outcome(response, Project, before, saved, typed)

    fuzz()


@pytest.mark.django_db
def test_no_branding_input_gives_a_500_or_a_half_save(alice: HttpClient, acme: Agency) -> None:
    @FUZZ
    @given(
        name=typed_text,
        contact_line=typed_text,
        report_footer=typed_text,
        brand_color=st.sampled_from(["#1f4e79", "#ABCDEF", " #abcdef ", "red", "#abcdef\n", ""]),
    )
    def fuzz(**typed: str) -> None:
        before = snapshot(Organization)
        response = alice.post(reverse("projects:organization_settings"), typed)
        check_outcome(
            response,
            Organization,
            before,
            lambda: Organization.objects.get(pk=acme.organization.pk),
            typed,
        )

    fuzz()


@pytest.mark.django_db
def test_no_profile_input_gives_a_500_or_a_half_save(alice: HttpClient, acme: Agency) -> None:
    user_pk = acme.admin.user.pk

    @FUZZ
    @given(first_name=typed_text, last_name=typed_text, job_title=typed_text)
    def fuzz(**typed: str) -> None:
        before = (snapshot(User), snapshot(Profile))
        response = alice.post(reverse("projects:profile"), typed)
        assert response.status_code in {200, 302}, response.status_code
        if response.status_code == 200:
            assert response.context["form"].errors
            assert (snapshot(User), snapshot(Profile)) == before
            return
        user = User.objects.get(pk=user_pk)
        saved = {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "job_title": Profile.objects.get(user=user).job_title,
        }
        assert saved == {field: as_saved(value) for field, value in typed.items()}
        assert saved["first_name"]
        for value in saved.values():
            ONE_LINE(value)

    fuzz()
