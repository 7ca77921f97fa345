"""Named personas for permission tests: Alice runs Acme, Bob runs Globex, Carol is Acme's member."""

import pytest
from django.test import Client as HttpClient

from projects.models import Membership
from tests.factories import MembershipFactory
from tests.personas import Agency, make_agency


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
