import pytest
from django.core.management import call_command
from django.test import Client as HttpClient

from advisor.demo import DEMO_EMAIL, DEMO_PASSWORD
from projects.models import Client, Membership, Organization, Project
from tests.factories import log_in


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_its_login_works(capsys) -> None:
    call_command("seed_demo")
    counts = [model.objects.count() for model in (Organization, Membership, Client, Project)]
    call_command("seed_demo")
    assert [
        model.objects.count() for model in (Organization, Membership, Client, Project)
    ] == counts
    assert counts[2] >= 3
    assert counts[3] >= 4
    assert DEMO_EMAIL in capsys.readouterr().out

    http = HttpClient()
    assert log_in(http, DEMO_EMAIL, DEMO_PASSWORD)
    page = http.get("/").content.decode()
    assert "Contract clause extraction" in page
