"""Named personas for permission tests: Alice runs Acme, Bob runs Globex, Carol is Acme's member."""

from dataclasses import dataclass

import pytest
from django.test import Client as HttpClient

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


@pytest.fixture
def acme(db: None) -> Agency:
    return make_agency("Acme", "alice@acme.example", "Acme Retail", "Acme chatbot")


@pytest.fixture
def globex(db: None) -> Agency:
    return make_agency("Globex", "bob@globex.example", "Globex Bank", "Globex extraction")


@pytest.fixture
def alice(acme: Agency) -> HttpClient:
    return acme.http()


@pytest.fixture
def carol(acme: Agency) -> Membership:
    """A plain member (not an admin) at Acme."""
    return MembershipFactory(
        organization=acme.organization,
        user__email="carol@acme.example",
        role=Membership.Role.MEMBER,
    )
