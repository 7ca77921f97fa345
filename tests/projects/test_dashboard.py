import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from advisor import services
from projects.models import Project
from projects.views import PROJECTS_PER_PAGE
from tests.factories import ClientFactory, ProjectFactory
from tests.personas import Agency

DASHBOARD = reverse("projects:dashboard")


def names(response) -> list[str]:
    return [project.name for project in response.context["page"].object_list]


@pytest.mark.django_db
def test_search_matches_project_or_client_name(alice: HttpClient, acme: Agency) -> None:
    bloom = ClientFactory(organization=acme.organization, name="Bloom")
    ProjectFactory(client=bloom, name="Social posts")
    ProjectFactory(client=acme.client, name="Bloomberg feed")
    assert sorted(names(alice.get(DASHBOARD, {"q": "bloom"}))) == ["Bloomberg feed", "Social posts"]
    assert names(alice.get(DASHBOARD, {"q": "chatbot"})) == ["Acme chatbot"]


@pytest.mark.django_db
def test_filters_by_status_and_client(alice: HttpClient, acme: Agency) -> None:
    other = ClientFactory(organization=acme.organization)
    assessing = ProjectFactory(client=other, name="Assessing one")
    services.assessment_start(project=assessing, by=acme.admin.user)
    ProjectFactory(client=other, name="Old one", archived_at=timezone.now())
    assert names(alice.get(DASHBOARD, {"status": "assessing"})) == ["Assessing one"]
    assert names(alice.get(DASHBOARD, {"client": other.pk})) == ["Assessing one"]
    # Archived projects stay out of the default view, but can be asked for.
    assert "Old one" not in names(alice.get(DASHBOARD))
    assert names(alice.get(DASHBOARD, {"status": "archived"})) == ["Old one"]


@pytest.mark.django_db
def test_sorts_by_the_chosen_column(alice: HttpClient, acme: Agency) -> None:
    ProjectFactory(client=acme.client, name="Zeta")
    ProjectFactory(client=acme.client, name="Alpha")
    assert names(alice.get(DASHBOARD, {"sort": "name"})) == ["Acme chatbot", "Alpha", "Zeta"]
    assert names(alice.get(DASHBOARD))[0] == "Alpha"  # most recently updated first


@pytest.mark.django_db
def test_recently_updated_puts_the_latest_work_first_work_on_assessments_included(
    alice: HttpClient, acme: Agency
) -> None:
    now = timezone.now()
    second = ProjectFactory(client=acme.client, name="Second")
    third = ProjectFactory(client=acme.client, name="Third")
    for days, project in enumerate([third, second, acme.project], start=1):
        Project.objects.filter(pk=project.pk).update(updated_at=now - timedelta(days=days))
    assert names(alice.get(DASHBOARD)) == ["Third", "Second", "Acme chatbot"]

    # Answering a question in the oldest project's assessment is work on that project.
    draft = services.assessment_start(project=acme.project, by=acme.admin.user)
    Project.objects.filter(pk=acme.project.pk).update(updated_at=now - timedelta(days=5))
    type(draft).objects.filter(pk=draft.pk).update(updated_at=now - timedelta(hours=1))
    response = alice.get(DASHBOARD)
    assert names(response) == ["Acme chatbot", "Third", "Second"]
    page = response.content.decode()
    # The order is the sort picker's first choice, and the "Updated" column shows the work's time.
    assert re.search(r'name="sort"[^>]*>\s*<option value="-updated"[^>]*>Recently updated<', page)
    assert '<th scope="col" class="d-none d-sm-table-cell">Updated</th>' in page
    assert "an hour ago" in page
    assert names(alice.get(DASHBOARD, {"q": "", "sort": "-updated"}))[0] == "Acme chatbot"
    client_page = alice.get(reverse("projects:client_detail", args=[acme.client.pk]))
    assert [p.name for p in client_page.context["projects"]] == ["Acme chatbot", "Third", "Second"]


@pytest.mark.django_db
def test_bad_filter_values_are_ignored_with_a_note(alice: HttpClient, acme: Agency) -> None:
    response = alice.get(DASHBOARD, {"status": "bogus", "client": "99999", "sort": "drop table"})
    assert response.status_code == 200
    assert names(response) == ["Acme chatbot"]
    assert "Some filters were not understood" in response.content.decode()


@pytest.mark.django_db
def test_paginates_and_keeps_the_filters_in_page_links(alice: HttpClient, acme: Agency) -> None:
    ProjectFactory.create_batch(PROJECTS_PER_PAGE + 5, client=acme.client, name="Batch")
    first = alice.get(DASHBOARD, {"q": "batch"})
    assert len(names(first)) == PROJECTS_PER_PAGE
    assert "?q=batch&amp;page=2" in first.content.decode()
    second = alice.get(DASHBOARD, {"q": "batch", "page": 2})
    assert len(names(second)) == 5
    assert alice.get(DASHBOARD, {"page": "999"}).status_code == 200


def count_dashboard_queries(http: HttpClient) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert http.get(DASHBOARD).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_dashboard_runs_as_many_queries_for_50_projects_as_for_1(
    alice: HttpClient, acme: Agency
) -> None:
    one = count_dashboard_queries(alice)
    for index in range(49):
        ProjectFactory(client=ClientFactory(organization=acme.organization), name=f"P{index}")
    fifty = count_dashboard_queries(alice)
    assert Project.objects.count() == 50
    assert fifty == one


@pytest.mark.django_db
def test_a_new_organization_sees_a_helpful_empty_state(db: None) -> None:
    from tests.factories import MembershipFactory

    membership = MembershipFactory()
    http = HttpClient()
    http.force_login(membership.user)
    assert "No projects yet" in http.get(DASHBOARD).content.decode()


@pytest.mark.django_db
def test_a_user_without_an_organization_is_told_so(db: None) -> None:
    from tests.factories import UserFactory

    http = HttpClient()
    http.force_login(UserFactory())
    response = http.get(DASHBOARD)
    assert response.status_code == 403
    assert "not part of an organization" in response.content.decode()
