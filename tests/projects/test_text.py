"""Text that reaches a page or a report: no invisible control characters, one-line fields on
one line, and old rows cleaned by the data migration."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.urls import reverse

from projects.models import Client, Organization, Project
from projects.validators import clean_text, first_unwanted_character
from tests.factories import ClientFactory, ProjectFactory
from tests.personas import Agency

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "Acme\u202eesab" reads "Acmebase" backwards

# Every text field that reaches a page or a report, and whether it spans several lines.
ONE_LINE_FIELDS = [
    (Organization, "name"),
    (Organization, "contact_line"),
    (Organization, "report_footer"),
    (Client, "name"),
    (Client, "industry"),
    (Client, "contact_name"),
    (Project, "name"),
]
MULTI_LINE_FIELDS = [(Client, "notes"), (Project, "description")]


@pytest.mark.parametrize(
    ("text", "multiline", "unwanted"),
    [
        ("Acme Retail", False, None),
        ("Café · Ünïcødé 東京 🚀", False, None),
        (f"Acme{RLO}esab", False, RLO),
        ("a\u2066b\u2069", False, "\u2066"),
        ("zero\u200bwidth", False, "\u200b"),
        ("\ufeffbom", False, "\ufeff"),
        ("nul\x00", False, "\x00"),
        ("bell\x07", False, "\x07"),
        ("two\nlines", False, "\n"),
        ("two\r\nlines", False, "\r"),
        ("tab\there", False, "\t"),
        ("line\u2028sep", False, "\u2028"),
        ("para\u2029sep", False, "\u2029"),
        ("two\nlines\r\nand\ta tab", True, None),
        ("stray\rreturn", True, "\r"),
        ("line\u2028sep", True, "\u2028"),
        (f"notes {RLO} reversed", True, RLO),
        ("vertical\vtab", True, "\v"),
    ],
)
def test_it_finds_the_first_character_a_field_refuses(
    text: str, multiline: bool, unwanted: str | None
) -> None:
    assert first_unwanted_character(text, multiline=multiline) == unwanted


def refusals(model: type, field: str, text: str) -> list[str]:
    """What the field's validators say of `text`."""
    messages = []
    for validator in model._meta.get_field(field).validators:
        try:
            validator(text)
        except ValidationError as refused:
            messages += refused.messages
    return messages


@pytest.mark.parametrize(("model", "field"), ONE_LINE_FIELDS + MULTI_LINE_FIELDS)
def test_every_text_field_refuses_bidi_controls_with_a_message_naming_them(
    model: type, field: str
) -> None:
    messages = refusals(model, field, f"Acme{RLO}esab")
    assert any("invisible control character (U+202E)" in message for message in messages)


@pytest.mark.parametrize(("model", "field"), ONE_LINE_FIELDS)
@pytest.mark.parametrize("text", ["Acme\nLtd", "Acme\r\nLtd", "Acme\tLtd", "Acme\u2028Ltd"])
def test_one_line_fields_refuse_line_breaks_and_tabs(model: type, field: str, text: str) -> None:
    assert any("must fit on one line" in message for message in refusals(model, field, text))


@pytest.mark.parametrize(("model", "field"), MULTI_LINE_FIELDS)
def test_multi_line_fields_keep_line_breaks_and_tabs(model: type, field: str) -> None:
    for validator in model._meta.get_field(field).validators:
        validator("First line\r\nSecond line\n\tIndented")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": f"Acme{RLO}esab"}, "name", "invisible control character (U+202E)"),
        ({"name": "Bloom", "industry": "Retail\u2067"}, "industry", "(U+2067)"),
        ({"name": "Bloom", "contact_name": "Sam\nSmith"}, "contact_name", "one line"),
        ({"name": "Bloom", "notes": f"Fine\nbut {RLO}"}, "notes", "(U+202E)"),
    ],
)
def test_the_client_form_refuses_control_characters_on_the_field(
    alice: HttpClient, acme: Agency, data: dict[str, str], field: str, message: str
) -> None:
    before = list(Client.objects.values())
    response = alice.post(reverse("projects:client_create"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert list(Client.objects.values()) == before


@pytest.mark.django_db
def test_the_client_form_keeps_line_breaks_in_notes(alice: HttpClient, acme: Agency) -> None:
    response = alice.post(
        reverse("projects:client_create"), {"name": "Bloom", "notes": "One\r\n\tTwo"}
    )
    assert response.status_code == 302
    assert Client.objects.get(name="Bloom").notes == "One\r\n\tTwo"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": f"Chat{RLO}bot"}, "name"),
        ({"name": "Chatbot", "description": "Answers \u2066questions\u2069"}, "description"),
    ],
)
def test_the_project_form_refuses_control_characters(
    alice: HttpClient, acme: Agency, data: dict[str, str], field: str
) -> None:
    before = list(Project.objects.values())
    response = alice.post(reverse("projects:project_create"), {"client": acme.client.pk, **data})
    assert response.status_code == 200
    assert "invisible control character" in " ".join(response.context["form"].errors[field])
    assert list(Project.objects.values()) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "Acme\r\nBcc: everyone@example.com", "one line"),
        ("contact_line", f"hello@acme.example {RLO}0000 7946 02", "(U+202E)"),
        ("report_footer", "Confidential\u202b", "(U+202B)"),
    ],
)
def test_the_branding_form_refuses_control_characters(
    alice: HttpClient, acme: Agency, field: str, value: str, message: str
) -> None:
    data = {"name": "Acme", "brand_color": "#1f4e79", "contact_line": "", "report_footer": ""}
    response = alice.post(reverse("projects:organization_settings"), {**data, field: value})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    organization = Organization.objects.get(pk=acme.organization.pk)
    assert (organization.name, organization.contact_line, organization.report_footer) == (
        "Acme",
        "",
        "",
    )


@pytest.mark.django_db
def test_the_forms_put_text_in_composed_form(alice: HttpClient, acme: Agency) -> None:
    decomposed = "Cafe\u0301"
    alice.post(reverse("projects:client_create"), {"name": decomposed})
    assert Client.objects.filter(name="Caf\u00e9").exists()


@pytest.mark.parametrize(
    ("text", "multiline", "cleaned"),
    [
        (f" Acme{RLO}esab ", False, "Acmeesab"),
        ("Acme\r\n\tRetail\u2028Ltd", False, "Acme Retail Ltd"),
        ("Cafe\u0301\u200b", False, "Caf\u00e9"),
        ("One\r\nTwo\rThree\u2029Four\t\u2066Five", True, "One\r\nTwo\nThree\nFour\tFive"),
    ],
)
def test_clean_text_removes_what_the_validators_refuse(
    text: str, multiline: bool, cleaned: str
) -> None:
    assert clean_text(text, multiline=multiline) == cleaned
    assert first_unwanted_character(cleaned, multiline=multiline) is None


@pytest.mark.django_db
def test_the_data_migration_cleans_rows_saved_before_the_rules(acme: Agency) -> None:
    migration = importlib.import_module("projects.migrations.0003_plain_text")
    # Rows as an older version could store them (update() skips validation).
    Organization.objects.filter(pk=acme.organization.pk).update(
        name="Acme\r\nAgency", report_footer=f"Private{RLO}"
    )
    Client.objects.filter(pk=acme.client.pk).update(name=f"Acme{RLO} Retail", notes="a\rb")
    clash = ClientFactory(organization=acme.organization, name="Acme\u200b retail")
    blank = ClientFactory(organization=acme.organization, name="\u2066\u2069")
    project = ProjectFactory(client=acme.client, name="Bot\x07", description="Use\u2028case")

    migration.clean_existing_text(apps, None)

    acme.organization.refresh_from_db()
    assert (acme.organization.name, acme.organization.report_footer) == ("Acme Agency", "Private")
    acme.client.refresh_from_db()
    assert (acme.client.name, acme.client.notes) == ("Acme Retail", "a\nb")
    clash.refresh_from_db()
    blank.refresh_from_db()
    # Names stay unique within the organization (case-insensitively) and never empty.
    assert clash.name == "Acme retail (2)"
    assert blank.name == "Unnamed client"
    project.refresh_from_db()
    assert (project.name, project.description) == ("Bot", "Use\ncase")
    for row in [acme.organization, acme.client, clash, blank, project]:
        row.full_clean()
