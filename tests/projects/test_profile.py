"""People have names: the profile page and its service, and every page naming a person by name."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.urls import reverse

from projects.models import AuditEvent, Profile, person_name
from projects.services import invitation_send, profile_update
from reports.services import report_draft, report_finalise
from tests.factories import MembershipFactory, UserFactory
from tests.personas import Agency, submit

PROFILE = reverse("projects:profile")


def visible_text(response) -> str:
    """The page's text without tags, its whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def main_text(response) -> str:
    """The text of the page's main content: the navbar's user menu names the account by email."""
    main = re.search(r"<main\b.*</main>", response.content.decode(), re.DOTALL)
    assert main is not None
    return " ".join(re.sub(r"<[^>]+>", " ", main[0]).split())


def name_alice(acme: Agency, *, job_title: str = "Lead consultant") -> User:
    return profile_update(
        user=acme.admin.user, first_name="Alice", last_name="Archer", job_title=job_title
    ).user


@pytest.mark.django_db
def test_a_person_is_named_by_their_full_name_else_their_email() -> None:
    user = UserFactory(email="jo@agency.example")
    assert person_name(user) == "jo@agency.example"
    assert person_name(user, with_title=True) == "jo@agency.example"
    user.email = ""
    assert person_name(user) == user.username
    user.first_name, user.last_name = "Jo", "Smith"
    assert person_name(user) == "Jo Smith"
    Profile.objects.create(user=user, job_title="Lead consultant")
    assert person_name(user) == "Jo Smith"
    assert person_name(user, with_title=True) == "Jo Smith, Lead consultant"


@pytest.mark.django_db
def test_the_service_saves_the_name_and_title_and_notes_it_in_every_organization(
    acme: Agency, globex: Agency
) -> None:
    MembershipFactory(user=acme.admin.user, organization=globex.organization)
    assert not Profile.objects.exists()

    profile = profile_update(
        user=acme.admin.user, first_name="Alice", last_name="Archer", job_title="Lead consultant"
    )

    alice = User.objects.get(pk=acme.admin.user.pk)
    assert (alice.first_name, alice.last_name) == ("Alice", "Archer")
    assert Profile.objects.get(user=alice) == profile
    assert profile.job_title == "Lead consultant"
    events = AuditEvent.objects.filter(target_type="profile")
    assert {e.organization for e in events} == {acme.organization, globex.organization}
    assert {(e.actor, e.action, e.target_label, e.detail) for e in events} == {
        (alice, "changed", "Alice Archer", "name and job title")
    }


@pytest.mark.django_db
def test_saving_the_same_profile_again_notes_nothing_and_a_title_change_says_so(
    acme: Agency,
) -> None:
    name_alice(acme)
    name_alice(acme)
    assert AuditEvent.objects.filter(target_type="profile").count() == 1
    name_alice(acme, job_title="Partner")
    latest = AuditEvent.objects.filter(target_type="profile").first()
    assert latest is not None
    assert latest.detail == "job title"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "says"),
    [
        ({"first_name": ""}, "first_name", "Enter your name"),
        ({"first_name": "   "}, "first_name", "Enter your name"),
        ({"first_name": "Ali\nce"}, "first_name", "must fit on one line"),
        ({"last_name": "Ar\tcher"}, "last_name", "tab"),
        ({"last_name": "x" * 151}, "last_name", "at most 150 characters"),
        ({"job_title": "Lead\u202econsultant"}, "job_title", "invisible control character"),
        ({"job_title": "y" * 121}, "job_title", "at most 120 characters"),
    ],
)
def test_the_service_refuses_bad_input_naming_the_field_and_saves_nothing(
    acme: Agency, fields: dict[str, str], field: str, says: str
) -> None:
    typed = {"first_name": "Alice", "last_name": "Archer", "job_title": "Partner", **fields}
    with pytest.raises(ValidationError) as refused:
        profile_update(user=acme.admin.user, **typed)
    assert set(refused.value.message_dict) == {field}
    assert says in " ".join(refused.value.message_dict[field])
    alice = User.objects.get(pk=acme.admin.user.pk)
    assert (alice.first_name, alice.last_name) == ("", "")
    assert not Profile.objects.exists()
    assert not AuditEvent.objects.filter(target_type="profile").exists()


@pytest.mark.django_db
def test_the_profile_page_needs_a_login(client: HttpClient) -> None:
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_the_profile_page_saves_the_name_and_title(alice: HttpClient, acme: Agency) -> None:
    page = alice.get(PROFILE)
    assert page.status_code == 200
    assert 'href="/profile/"' in page.content.decode()  # the user menu links to it
    response = alice.post(
        PROFILE,
        {"first_name": " Alice ", "last_name": "Arche\u0301r", "job_title": "Lead consultant"},
        follow=True,
    )
    assert "Profile saved." in visible_text(response)
    alice_now = User.objects.get(pk=acme.admin.user.pk)
    assert (alice_now.first_name, alice_now.last_name) == ("Alice", "Archér")
    assert Profile.objects.get(user=alice_now).job_title == "Lead consultant"
    # The form shows the saved values, and the navbar the name.
    page = alice.get(PROFILE)
    assert page.context["form"]["job_title"].value() == "Lead consultant"
    assert 'id="user-menu"' in page.content.decode()
    assert "Alice Archér" in visible_text(page)
    assert "Prepared by Alice Archér, Lead consultant" in visible_text(page)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("posted", "field", "label"),
    [
        ({"first_name": ""}, "first_name", "First name"),
        ({"last_name": "Arc\u2028her"}, "last_name", "Last name"),
        ({"job_title": "z" * 500}, "job_title", "Job title"),
    ],
)
def test_bad_input_on_the_page_names_the_field_and_keeps_what_was_saved(
    alice: HttpClient, acme: Agency, posted: dict[str, str], field: str, label: str
) -> None:
    name_alice(acme)
    typed = {"first_name": "Alison", "last_name": "Archer", "job_title": "Partner", **posted}
    response = alice.post(PROFILE, typed)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {field}
    assert f'for="id_{field}"' in response.content.decode()
    assert label in visible_text(response)
    alice_now = User.objects.get(pk=acme.admin.user.pk)
    assert alice_now.first_name == "Alice"
    assert Profile.objects.get(user=alice_now).job_title == "Lead consultant"


@pytest.mark.django_db
def test_someone_without_an_organization_can_still_name_themselves() -> None:
    user = UserFactory()
    http = HttpClient()
    http.force_login(user)
    assert http.get(PROFILE).status_code == 200
    response = http.post(PROFILE, {"first_name": "Nell", "last_name": "", "job_title": ""})
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).first_name == "Nell"


@pytest.mark.django_db
def test_tables_and_pages_show_names_not_emails(
    alice: HttpClient, acme: Agency, carol, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    alice_user = name_alice(acme)
    profile_update(user=carol.user, first_name="Carol", last_name="Chen", job_title="")
    invitation_send(
        organization=acme.organization,
        email="dave@acme.example",
        role="member",
        invited_by=alice_user,
        base_url="http://testserver/",
    )
    assessment = submit(acme)
    report = report_finalise(
        report=report_draft(assessment=assessment, by=alice_user), by=alice_user
    )

    pages = {
        "members": reverse("projects:member_list"),
        "audit": reverse("projects:audit_log"),
        "dashboard": reverse("projects:dashboard"),
        "project": reverse("projects:project_detail", args=[acme.project.pk]),
        "client": reverse("projects:client_detail", args=[acme.client.pk]),
        "result": assessment.url("result"),
        "report": reverse("reports:detail", args=[report.pk]),
    }
    for page, url in pages.items():
        text = main_text(alice.get(url))
        assert "Alice Archer" in text, page
        if page != "members":  # which lists the email under the name, to tell the accounts apart
            assert "alice@acme.example" not in text, page
    members = visible_text(alice.get(pages["members"]))
    assert "Alice Archer (you) Lead consultant · alice@acme.example" in members
    assert "Carol Chen carol@acme.example" in members
    assert members.index("Alice Archer") < members.index("Carol Chen")
    assert "Invited by Alice Archer" in members
    assert "Alice Archer Submitted assessment" in visible_text(alice.get(pages["audit"]))
    assert "by Alice Archer" in visible_text(alice.get(pages["result"]))


@pytest.mark.django_db
def test_the_invitee_sees_who_invited_them_by_name(acme: Agency) -> None:
    invitation_send(
        organization=acme.organization,
        email="dave@acme.example",
        role="member",
        invited_by=name_alice(acme),
        base_url="http://testserver/",
    )
    dave = UserFactory(email="dave@acme.example")
    http = HttpClient()
    http.force_login(dave)
    assert "Invited by Alice Archer." in visible_text(http.get(reverse("projects:invitation_list")))
    assert "Alice Archer invited you" in mail.outbox[-1].body


@pytest.mark.django_db
def test_a_report_says_who_prepared_it_with_their_title(acme: Agency) -> None:
    from reports.pdf import render_html
    from reports.services import report_context_for
    from tests.pinned import page_text

    alice = name_alice(acme)
    context = report_context_for(submit(acme), "executive", alice)
    text = page_text(render_html({**context, "for_pdf": True, "bundled_static": "static/"}))
    assert "Alice Archer, Lead consultant, Acme" in text
    assert report_context_for(submit(acme), "executive", None)["prepared_by"] == "the team"
