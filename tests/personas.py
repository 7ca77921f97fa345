"""The people and agencies tests act as: Alice runs Acme, Bob runs Globex (fixtures in
conftest.py), and what they typically have: a submitted assessment."""

from dataclasses import dataclass

from django.test import Client as HttpClient

from advisor import services
from advisor.models import Assessment
from advisor.scoring.examples import EXAMPLE_PROJECTS
from projects.models import Client, Membership, Organization, Project
from tests.factories import ClientFactory, MembershipFactory, ProjectFactory


@dataclass
class Agency:
    organization: Organization
    admin: Membership
    client: Client
    project: Project

    def http(self, membership: Membership | None = None) -> HttpClient:
        """A test client logged in as this agency's admin (or the given member)."""
        http = HttpClient()
        http.force_login((membership or self.admin).user)
        return http


def make_agency(name: str, admin_email: str, client_name: str, project_name: str) -> Agency:
    admin = MembershipFactory(
        organization__name=name, user__email=admin_email, role=Membership.Role.ADMIN
    )
    client = ClientFactory(organization=admin.organization, name=client_name)
    project = ProjectFactory(client=client, name=project_name, created_by=admin.user)
    return Agency(admin.organization, admin, client, project)


def submit(agency: Agency, example: str = "brand_voice") -> Assessment:
    """A submitted assessment of the agency's project, answered as one of the examples."""
    assessment = services.assessment_start(
        project=agency.project, by=agency.admin.user, answers=dict(EXAMPLE_PROJECTS[example])
    )
    return services.assessment_submit(assessment=assessment, by=agency.admin.user)
