"""A client's name is unique in its organization by one rule: the form refuses exactly the names
the database's constraint refuses (Lower(name)), and a race the form loses is still a form error."""

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client as HttpClient
from django.urls import reverse

from projects.forms import ClientForm
from projects.models import Client
from tests.factories import ClientFactory
from tests.personas import Agency

# Spellings whose case folds differ between UPPER() and LOWER() or between Python and SQL:
# the Kelvin sign (U+212A) lowers to "k" but does not upper to "K"; the sharp s; dotted and
# dotless i.
LOOKALIKES = [
    ("kilo", "\u212ailo"),
    ("kilo", "KILO"),
    ("strasse", "STRA\u1e9eE"),
    ("straße", "STRA\u1e9eE"),
    ("straße", "STRASSE"),
    ("istanbul", "\u0130stanbul"),
    ("istanbul", "\u0131stanbul"),
    ("Émile", "émile"),
]


def database_refuses(agency: Agency, typed: str) -> bool:
    """Ask the unique constraint itself whether the name is taken, as the form would save it
    (in composed form), without keeping anything."""
    name = unicodedata.normalize("NFC", typed)
    try:
        with transaction.atomic():
            Client.objects.create(organization=agency.organization, name=name)
            transaction.set_rollback(True)
    except IntegrityError:
        return True
    return False


@pytest.mark.django_db
@pytest.mark.parametrize(("existing", "typed"), LOOKALIKES)
def test_creating_a_client_follows_the_database_rule_for_taken_names(
    alice: HttpClient, acme: Agency, existing: str, typed: str
) -> None:
    ClientFactory(organization=acme.organization, name=existing)
    taken = database_refuses(acme, typed)
    before = Client.objects.count()
    response = alice.post(reverse("projects:client_create"), {"name": typed})
    if taken:
        assert response.status_code == 200
        assert response.context["form"].errors["name"] == [ClientForm.NAME_TAKEN]
        assert Client.objects.count() == before
    else:
        assert response.status_code == 302
        assert Client.objects.count() == before + 1


@pytest.mark.django_db
@pytest.mark.parametrize(("existing", "typed"), LOOKALIKES)
def test_renaming_a_client_follows_the_database_rule_for_taken_names(
    alice: HttpClient, acme: Agency, existing: str, typed: str
) -> None:
    ClientFactory(organization=acme.organization, name=existing)
    taken = database_refuses(acme, typed)
    url = reverse("projects:client_edit", args=[acme.client.pk])
    response = alice.post(url, {"name": typed, "industry": "Grocery"})
    acme.client.refresh_from_db()
    if taken:
        assert response.status_code == 200
        assert response.context["form"].errors["name"] == [ClientForm.NAME_TAKEN]
        assert (acme.client.name, acme.client.industry) == ("Acme Retail", "Retail")
    else:
        assert response.status_code == 302
        assert acme.client.name == unicodedata.normalize("NFC", typed)


@pytest.mark.django_db
def test_a_name_with_the_kelvin_sign_for_k_is_taken(alice: HttpClient, acme: Agency) -> None:
    ClientFactory(organization=acme.organization, name="kilo")
    response = alice.post(reverse("projects:client_create"), {"name": "\u212ailo"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [ClientForm.NAME_TAKEN]


@pytest.mark.django_db
@pytest.mark.parametrize("editing", [False, True])
def test_a_colleague_taking_the_name_after_the_check_gives_the_form_error(
    alice: HttpClient, acme: Agency, monkeypatch: pytest.MonkeyPatch, editing: bool
) -> None:
    checked = ClientForm.clean_name

    def colleague_saves_the_same_name_right_after_the_check(form: ClientForm) -> str:
        name = checked(form)
        ClientFactory(organization=acme.organization, name=name.upper())
        return name

    monkeypatch.setattr(
        ClientForm, "clean_name", colleague_saves_the_same_name_right_after_the_check
    )
    url = (
        reverse("projects:client_edit", args=[acme.client.pk])
        if editing
        else reverse("projects:client_create")
    )
    response = alice.post(url, {"name": "Bloom", "industry": "Cosmetics"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [ClientForm.NAME_TAKEN]
    # The colleague's client is kept; ours was neither created nor renamed.
    assert list(Client.objects.filter(name__iexact="bloom").values_list("name", flat=True)) == [
        "BLOOM"
    ]
    acme.client.refresh_from_db()
    assert (acme.client.name, acme.client.industry) == ("Acme Retail", "Retail")
    # The request's transaction is still usable: the page rendered, and later work goes on.
    assert alice.get(reverse("projects:client_list")).status_code == 200


@pytest.mark.django_db
def test_full_clean_and_so_the_admin_apply_the_same_rule(acme: Agency) -> None:
    ClientFactory(organization=acme.organization, name="Straße")
    for typed in ["STRASSE", "STRA\u1e9eE", "strasse"]:
        lookalike = Client(organization=acme.organization, name=typed)
        if database_refuses(acme, typed):
            with pytest.raises(ValidationError, match="already has a client with this name"):
                lookalike.full_clean()
        else:
            lookalike.full_clean()
    with pytest.raises(ValidationError, match="invisible control character"):
        Client(organization=acme.organization, name="Bloom\u202e").full_clean()
