"""The client, project and branding services keep their rules and note their audit event
whoever calls them: a view, the CLI, the demo seed. No view is involved here."""

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from projects import services
from projects.models import AuditEvent, Client, Project
from tests.factories import ClientFactory, ProjectFactory
from tests.personas import Agency


def create_client(acme: Agency) -> Client:
    return services.client_create(
        organization=acme.organization, by=acme.admin.user, fields={"name": "Bloom"}
    )


def update_client(acme: Agency) -> Client:
    return services.client_update(client=acme.client, by=acme.admin.user, fields={"name": "Bloom"})


def archive_client(acme: Agency) -> Client:
    services.client_archive(client=acme.client, by=acme.admin.user)
    return acme.client


def restore_client(acme: Agency) -> Client:
    services.client_restore(client=acme.client, by=acme.admin.user)
    return acme.client


def create_project(acme: Agency) -> Project:
    return services.project_create(
        organization=acme.organization,
        by=acme.admin.user,
        fields={"client": acme.client, "name": "Review summariser"},
    )


def update_project(acme: Agency) -> Project:
    return services.project_update(
        project=acme.project, by=acme.admin.user, fields={"name": "Review summariser"}
    )


def archive_project(acme: Agency) -> Project:
    services.project_archive(project=acme.project, by=acme.admin.user)
    return acme.project


def restore_project(acme: Agency) -> Project:
    services.project_restore(project=acme.project, by=acme.admin.user)
    return acme.project


def update_branding(acme: Agency) -> object:
    return services.organization_update_branding(
        organization=acme.organization, by=acme.admin.user, fields={"brand_color": "#aa3300"}
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("write", "action", "target_type", "detail"),
    [
        (create_client, "created", "client", ""),
        (update_client, "changed", "client", ""),
        (archive_client, "archived", "client", ""),
        (restore_client, "restored", "client", ""),
        (create_project, "created", "project", ""),
        (update_project, "changed", "project", ""),
        (archive_project, "archived", "project", ""),
        (restore_project, "restored", "project", ""),
        (update_branding, "changed", "organization", "branding"),
    ],
)
def test_every_write_notes_who_did_what_in_its_organizations_trail(
    acme: Agency,
    globex: Agency,
    write: Callable[[Agency], object],
    action: str,
    target_type: str,
    detail: str,
) -> None:
    target = write(acme)

    event = AuditEvent.objects.get()
    assert event.organization == acme.organization
    assert (event.actor, event.action, event.detail) == (acme.admin.user, action, detail)
    assert (event.target_type, event.target_id, event.target_label) == (
        target_type,
        target.pk,  # type: ignore[attr-defined]
        str(target),
    )
    assert not globex.organization.audit_events.exists()


@pytest.mark.django_db
def test_a_project_of_an_archived_client_cannot_be_restored_alone(acme: Agency) -> None:
    services.client_archive(client=acme.client, by=acme.admin.user)

    with pytest.raises(services.ClientArchived) as refused:
        services.project_restore(project=acme.project, by=acme.admin.user)

    assert refused.value.client == acme.client
    assert Project.objects.get(pk=acme.project.pk).is_archived
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.RESTORED).exists()
    services.client_restore(client=acme.client, by=acme.admin.user)
    services.project_restore(project=acme.project, by=acme.admin.user)
    assert not Project.objects.get(pk=acme.project.pk).is_archived


@pytest.mark.django_db
def test_an_archived_client_takes_no_new_project_nor_one_moved_to_it(acme: Agency) -> None:
    archived = ClientFactory(organization=acme.organization, archived_at=timezone.now())
    by = acme.admin.user

    with pytest.raises(services.ClientArchived):
        services.project_create(
            organization=acme.organization, by=by, fields={"client": archived, "name": "New"}
        )
    with pytest.raises(services.ClientArchived):
        services.project_update(project=acme.project, by=by, fields={"client": archived})
    checked_by_a_form = Project.objects.get(pk=acme.project.pk)
    checked_by_a_form.client = archived  # a model form leaves its instance holding the choice
    with pytest.raises(services.ClientArchived):
        services.project_update(project=checked_by_a_form, by=by, fields={"client": archived})

    assert list(Project.objects.all()) == [acme.project]
    assert Project.objects.get(pk=acme.project.pk).client == acme.client
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_a_project_of_an_archived_client_can_still_be_renamed(acme: Agency) -> None:
    services.client_archive(client=acme.client, by=acme.admin.user)

    saved = services.project_update(
        project=acme.project,
        by=acme.admin.user,
        fields={"client": acme.client, "name": "Acme assistant"},
    )

    assert (saved.name, saved.client, saved.is_archived) == ("Acme assistant", acme.client, True)


@pytest.mark.django_db
def test_a_project_goes_only_to_a_client_of_its_own_organization(
    acme: Agency, globex: Agency
) -> None:
    by = acme.admin.user

    with pytest.raises(ValidationError) as refused:
        services.project_create(
            organization=acme.organization, by=by, fields={"client": globex.client, "name": "X"}
        )
    assert list(refused.value.message_dict) == ["client"]
    with pytest.raises(ValidationError):
        services.project_update(project=acme.project, by=by, fields={"client": globex.client})

    assert not globex.client.projects.exclude(pk=globex.project.pk).exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_the_model_rules_hold_without_a_form(acme: Agency) -> None:
    by = acme.admin.user

    with pytest.raises(ValidationError) as refused:
        services.client_create(
            organization=acme.organization, by=by, fields={"name": "Bloom\u202e", "notes": ""}
        )
    assert list(refused.value.message_dict) == ["name"]
    with pytest.raises(ValidationError) as refused:
        services.project_update(project=acme.project, by=by, fields={"name": ""})
    assert list(refused.value.message_dict) == ["name"]
    with pytest.raises(ValidationError) as refused:
        services.organization_update_branding(
            organization=acme.organization, by=by, fields={"brand_color": "red"}
        )
    assert list(refused.value.message_dict) == ["brand_color"]

    assert list(Client.objects.all()) == [acme.client]
    assert Project.objects.get(pk=acme.project.pk).name == "Acme chatbot"
    acme.organization.refresh_from_db()
    assert acme.organization.brand_color == "#1f4e79"
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "write",
    [
        lambda acme: services.client_update(
            client=acme.client, by=acme.admin.user, fields={"archived_at": timezone.now()}
        ),
        lambda acme: services.client_create(
            organization=acme.organization,
            by=acme.admin.user,
            fields={"name": "Bloom", "organization": acme.organization},
        ),
        lambda acme: services.project_update(
            project=acme.project, by=acme.admin.user, fields={"archived_at": timezone.now()}
        ),
        lambda acme: services.project_create(
            organization=acme.organization,
            by=acme.admin.user,
            fields={"client": acme.client, "name": "X", "created_by": None},
        ),
    ],
    ids=["archive-a-client", "move-a-client", "archive-a-project", "forge-the-creator"],
)
def test_what_has_its_own_function_cannot_be_set_as_a_field(
    acme: Agency, write: Callable[[Agency], object]
) -> None:
    with pytest.raises(TypeError, match="cannot be set"):
        write(acme)
    assert not Client.objects.get(pk=acme.client.pk).is_archived
    assert not Project.objects.get(pk=acme.project.pk).is_archived
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_a_taken_client_name_saves_nothing_and_keeps_the_callers_client(acme: Agency) -> None:
    ClientFactory(organization=acme.organization, name="Bloom")

    with pytest.raises(services.ClientNameTaken):
        services.client_update(client=acme.client, by=acme.admin.user, fields={"name": "BLOOM"})
    with pytest.raises(services.ClientNameTaken):
        services.client_create(
            organization=acme.organization, by=acme.admin.user, fields={"name": "bloom"}
        )

    assert acme.client.name == "Acme Retail"
    assert Client.objects.get(pk=acme.client.pk).name == "Acme Retail"
    assert Client.objects.count() == 2
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_archiving_a_client_archives_its_active_projects_at_the_same_moment(
    acme: Agency,
) -> None:
    earlier = ProjectFactory(client=acme.client, archived_at=timezone.now())
    kept = earlier.archived_at

    services.client_archive(client=acme.client, by=acme.admin.user)

    project = Project.objects.get(pk=acme.project.pk)
    assert project.archived_at == Client.objects.get(pk=acme.client.pk).archived_at
    assert Project.objects.get(pk=earlier.pk).archived_at == kept
    assert AuditEvent.objects.get().target_type == "client"
