import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from projects.forms import ProjectForm
from projects.models import Client, Project
from tests.factories import ClientFactory, ProjectFactory
from tests.personas import Agency


@pytest.mark.django_db
def test_it_creates_a_project_for_a_client(alice: HttpClient, acme: Agency) -> None:
    response = alice.post(
        reverse("projects:project_create"),
        {
            "client": acme.client.pk,
            "name": "Review summariser",
            "description": "Summarise reviews.",
        },
    )
    project = Project.objects.get(name="Review summariser")
    assert response["Location"] == project.get_absolute_url()
    assert project.client == acme.client
    assert project.created_by == acme.admin.user
    assert Project.objects.with_stage().get(pk=project.pk).status == "draft"


@pytest.mark.django_db
def test_the_client_can_be_preselected_from_the_client_page(
    alice: HttpClient, acme: Agency
) -> None:
    response = alice.get(reverse("projects:project_create") + f"?client={acme.client.pk}")
    assert response.context["form"].initial["client"] == str(acme.client.pk)


@pytest.mark.django_db
def test_a_client_of_another_organization_cannot_be_forged_into_the_form(
    alice: HttpClient, acme: Agency, globex: Agency
) -> None:
    response = alice.post(
        reverse("projects:project_create"), {"client": globex.client.pk, "name": "Sneaky"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.context["form"].errors["client"][0]
    assert not Project.objects.filter(name="Sneaky").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"name": "p" * 121}, "name", "at most 120 characters"),
        ({"name": "Ok", "description": "d" * 2001}, "description", "at most 2000 characters"),
        ({"name": "Ok", "client": "not-a-number"}, "client", "Select a valid choice"),
    ],
)
def test_bad_project_input_is_refused_with_a_message_on_the_field(
    alice: HttpClient, acme: Agency, data: dict[str, object], field: str, message: str
) -> None:
    payload = {"client": acme.client.pk, **data}
    response = alice.post(reverse("projects:project_create"), payload)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Project.objects.count() == 1


@pytest.mark.django_db
def test_editing_keeps_what_was_typed_when_invalid(alice: HttpClient, acme: Agency) -> None:
    url = reverse("projects:project_edit", args=[acme.project.pk])
    response = alice.post(url, {"client": acme.client.pk, "name": "", "description": "Kept text"})
    assert response.status_code == 200
    assert "Kept text" in response.content.decode()
    acme.project.refresh_from_db()
    assert acme.project.name == "Acme chatbot"


@pytest.mark.django_db
def test_archive_and_restore_a_project(alice: HttpClient, acme: Agency) -> None:
    alice.post(reverse("projects:project_archive", args=[acme.project.pk]))
    acme.project.refresh_from_db()
    assert acme.project.is_archived
    alice.post(reverse("projects:project_restore", args=[acme.project.pk]))
    assert Project.objects.with_stage().get(pk=acme.project.pk).status == "draft"


@pytest.mark.django_db
def test_a_project_of_an_archived_client_cannot_be_restored_alone(
    alice: HttpClient, acme: Agency
) -> None:
    alice.post(reverse("projects:client_archive", args=[acme.client.pk]))
    response = alice.post(reverse("projects:project_restore", args=[acme.project.pk]), follow=True)
    assert "Restore the client" in response.content.decode()
    acme.project.refresh_from_db()
    assert acme.project.is_archived


@pytest.mark.django_db
def test_project_names_and_descriptions_are_escaped(alice: HttpClient, acme: Agency) -> None:
    client = ClientFactory(organization=acme.organization, name="<b>bold</b> client")
    project = ProjectFactory(
        client=client, name="<script>alert(1)</script>", description="<img src=x>"
    )
    for url in [
        reverse("projects:dashboard"),
        project.get_absolute_url(),
        client.get_absolute_url(),
    ]:
        page = alice.get(url).content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "<img src=x>" not in page
        assert "<b>bold</b>" not in page
        assert "&lt;script&gt;" in page


@pytest.mark.django_db
def test_restoring_a_project_brings_back_its_assessment_status(
    alice: HttpClient, acme: Agency
) -> None:
    from advisor import services
    from advisor.scoring.examples import sample_input

    services.assessment_submit(
        assessment=services.assessment_start(
            project=acme.project, by=acme.admin.user, answers=sample_input()
        ),
        by=acme.admin.user,
    )
    alice.post(reverse("projects:project_archive", args=[acme.project.pk]))
    alice.post(reverse("projects:project_restore", args=[acme.project.pk]))
    assert Project.objects.with_stage().get(pk=acme.project.pk).status == "recommended"


@pytest.mark.django_db
def test_a_client_archived_after_the_forms_check_gives_a_form_error(
    alice: HttpClient, acme: Agency, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = ProjectForm.clean

    def colleague_archives_the_client_right_after_the_check(form: ProjectForm) -> object:
        cleaned = checked(form)
        Client.objects.filter(pk=acme.client.pk).update(archived_at=timezone.now())
        return cleaned

    monkeypatch.setattr(ProjectForm, "clean", colleague_archives_the_client_right_after_the_check)
    response = alice.post(
        reverse("projects:project_create"), {"client": acme.client.pk, "name": "Late"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["client"] == [
        "The client “Acme Retail” was just archived; restore it first, or choose another."
    ]
    assert not Project.objects.filter(name="Late").exists()


@pytest.mark.django_db
def test_a_draft_counts_its_steps_done_out_of_every_step(alice: HttpClient, acme: Agency) -> None:
    from advisor import services
    from advisor.questionnaire import STEPS

    draft = services.assessment_start(project=acme.project, by=acme.admin.user)
    page = alice.get(reverse("projects:project_detail", args=[acme.project.pk]))
    assert f"{len(draft.steps_done())} of {len(STEPS)} steps done" in page.content.decode()
