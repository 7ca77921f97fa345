"""Alice at Acme must not see or touch Globex's clients, projects or members: always 404."""

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from projects.models import Client, Project
from tests.personas import Agency


def object_urls(agency: Agency) -> list[tuple[str, str]]:
    """(method, url) for every page about one of this agency's objects."""
    client, project, member = agency.client.pk, agency.project.pk, agency.admin.pk
    return [
        ("get", reverse("projects:client_detail", args=[client])),
        ("get", reverse("projects:client_edit", args=[client])),
        ("post", reverse("projects:client_edit", args=[client])),
        ("post", reverse("projects:client_archive", args=[client])),
        ("post", reverse("projects:client_restore", args=[client])),
        ("get", reverse("projects:project_detail", args=[project])),
        ("get", reverse("projects:project_edit", args=[project])),
        ("post", reverse("projects:project_edit", args=[project])),
        ("post", reverse("projects:project_archive", args=[project])),
        ("post", reverse("projects:project_restore", args=[project])),
        ("post", reverse("projects:member_change_role", args=[member])),
        ("post", reverse("projects:member_remove", args=[member])),
    ]


@pytest.mark.django_db
def test_alice_at_acme_gets_404_for_every_globex_object(
    alice: HttpClient, acme: Agency, globex: Agency
) -> None:
    for method, url in object_urls(globex):
        response = getattr(alice, method)(url, {"name": "Taken over", "role": "member"})
        assert response.status_code == 404, (
            f"{method.upper()} {url} answered {response.status_code}"
        )
    # Nothing of Globex's changed.
    assert Client.objects.get(pk=globex.client.pk).name == "Globex Bank"
    assert Project.objects.with_stage().get(pk=globex.project.pk).status == "draft"
    assert globex.organization.memberships.count() == 1


@pytest.mark.django_db
def test_the_same_urls_work_for_their_owner(acme: Agency, globex: Agency) -> None:
    bob = globex.http()
    for method, url in object_urls(globex):
        if method == "get":
            assert bob.get(url).status_code == 200, url


@pytest.mark.django_db
def test_lists_show_only_the_active_organizations_data(
    alice: HttpClient, acme: Agency, globex: Agency
) -> None:
    for url in [reverse("projects:dashboard"), reverse("projects:client_list")]:
        page = alice.get(url).content.decode()
        assert "Acme" in page
        assert "Globex" not in page


@pytest.mark.django_db
def test_a_user_in_two_organizations_sees_only_the_active_one(acme: Agency, globex: Agency) -> None:
    from tests.factories import MembershipFactory

    MembershipFactory(user=acme.admin.user, organization=globex.organization)
    alice = acme.http()
    # Acme is the organization she joined first, so it is active until she switches.
    assert (
        alice.get(reverse("projects:project_detail", args=[globex.project.pk])).status_code == 404
    )
    alice.post(reverse("projects:organization_switch"), {"organization": globex.organization.pk})
    assert (
        alice.get(reverse("projects:project_detail", args=[globex.project.pk])).status_code == 200
    )
    assert alice.get(reverse("projects:project_detail", args=[acme.project.pk])).status_code == 404


@pytest.mark.django_db
def test_switching_to_an_organization_you_are_not_in_is_refused(
    alice: HttpClient, acme: Agency, globex: Agency
) -> None:
    response = alice.post(
        reverse("projects:organization_switch"),
        {"organization": globex.organization.pk},
        follow=True,
    )
    assert "You are not a member of that organization." in response.content.decode()
    assert (
        alice.get(reverse("projects:project_detail", args=[globex.project.pk])).status_code == 404
    )
