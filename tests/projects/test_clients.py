import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from projects.models import Client
from tests.factories import ClientFactory
from tests.personas import Agency


@pytest.mark.django_db
def test_it_creates_a_client_in_the_active_organization(alice: HttpClient, acme: Agency) -> None:
    response = alice.post(
        reverse("projects:client_create"),
        {"name": "Bloom & Co", "industry": "Cosmetics", "contact_email": "p@bloom.example"},
        follow=True,
    )
    client = Client.objects.get(name="Bloom & Co")
    assert client.organization == acme.organization
    assert response.redirect_chain[-1][0] == client.get_absolute_url()
    assert "Client “Bloom &amp; Co” added." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"name": "   "}, "name", "This field is required."),
        ({"name": "x" * 121}, "name", "Ensure this value has at most 120 characters"),
        ({"name": "Ok", "contact_email": "not-an-email"}, "contact_email", "Enter a valid email"),
        ({"name": "Ok", "notes": "n" * 5001}, "notes", "at most 5000 characters"),
        ({"name": "acme retail"}, "name", "You already have a client with this name."),
    ],
)
def test_bad_client_input_is_refused_with_a_message_on_the_field(
    alice: HttpClient, acme: Agency, data: dict[str, str], field: str, message: str
) -> None:
    before = Client.objects.count()
    response = alice.post(reverse("projects:client_create"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Client.objects.count() == before


@pytest.mark.django_db
def test_the_same_client_name_is_fine_in_another_organization(
    alice: HttpClient, acme: Agency, globex: Agency
) -> None:
    response = alice.post(reverse("projects:client_create"), {"name": "Globex Bank"})
    assert response.status_code == 302
    assert Client.objects.filter(name="Globex Bank").count() == 2


@pytest.mark.django_db
def test_it_edits_a_client_and_keeps_its_name_unique_check_to_others(
    alice: HttpClient, acme: Agency
) -> None:
    url = reverse("projects:client_edit", args=[acme.client.pk])
    response = alice.post(url, {"name": "Acme Retail", "industry": "Grocery"})
    assert response.status_code == 302
    acme.client.refresh_from_db()
    assert acme.client.industry == "Grocery"


@pytest.mark.django_db
def test_archiving_a_client_archives_its_projects_and_hides_it(
    alice: HttpClient, acme: Agency
) -> None:
    alice.post(reverse("projects:client_archive", args=[acme.client.pk]))
    acme.client.refresh_from_db()
    acme.project.refresh_from_db()
    assert acme.client.is_archived
    assert acme.project.is_archived
    assert acme.client not in alice.get(reverse("projects:client_list")).context["clients"]
    archived = alice.get(reverse("projects:client_list") + "?archived=1").context["clients"]
    assert acme.client in archived
    # An archived client is not offered for new projects.
    form = alice.get(reverse("projects:project_create")).context["form"]
    assert acme.client not in form.fields["client"].queryset

    alice.post(reverse("projects:client_restore", args=[acme.client.pk]))
    acme.client.refresh_from_db()
    assert not acme.client.is_archived


@pytest.mark.django_db
def test_archiving_needs_a_post(alice: HttpClient, acme: Agency) -> None:
    assert alice.get(reverse("projects:client_archive", args=[acme.client.pk])).status_code == 405


@pytest.mark.django_db
def test_what_a_user_typed_is_shown_as_text(alice: HttpClient, acme: Agency) -> None:
    hostile = "<script>alert(1)</script>"
    client = ClientFactory(
        organization=acme.organization, name=hostile, notes=hostile, industry=hostile
    )
    for url in [
        reverse("projects:client_list"),
        reverse("projects:client_detail", args=[client.pk]),
        reverse("projects:client_edit", args=[client.pk]),
        reverse("projects:project_create"),
    ]:
        page = alice.get(url).content.decode()
        assert "<script>alert(1)</script>" not in page, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, url
