from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client as HttpClient

from advisor.demo import DEMO_EMAIL, DEMO_PASSWORD, DEMO_PILOT_CASES
from advisor.management.commands.serve_demo import Command as ServeDemo
from advisor.models import Pilot
from projects.models import Client, Membership, Organization, Project, person_name
from projects.services import profile_update
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


@pytest.mark.django_db
def test_the_demo_user_has_a_name_and_title_that_a_second_seed_keeps(capsys) -> None:
    call_command("seed_demo", verbosity=0)
    assert capsys.readouterr().out == ""  # `make run` prints the login last, after the server's
    user = User.objects.get(email=DEMO_EMAIL)
    assert person_name(user, with_title=True) == "Dana Demo, Lead consultant"
    profile_update(user=user, first_name="Sam", last_name="Jones", job_title="Partner")
    call_command("seed_demo", verbosity=0)
    assert person_name(User.objects.get(pk=user.pk), with_title=True) == "Sam Jones, Partner"


def test_serve_demo_ends_its_start_up_lines_with_the_address_and_the_login() -> None:
    out = StringIO()
    command = ServeDemo(stdout=out, no_color=True)
    command.addr, command._raw_ipv6, command.protocol = "127.0.0.1", False, "http"
    command.on_bind(8123)
    lines = out.getvalue().rstrip("\n").splitlines()
    assert any("Starting WSGI development server" in line for line in lines)
    assert lines[-2:] == [
        "  The Advisor runs at http://127.0.0.1:8123/",
        f"  Log in as {DEMO_EMAIL} with password {DEMO_PASSWORD}",
    ]


@pytest.mark.django_db
def test_the_demo_has_a_pilot_with_results_whose_evidence_the_pages_show() -> None:
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)  # a second seed adds no second project or pilot
    pilot = Pilot.objects.get()
    assert pilot.cases.count() == DEMO_PILOT_CASES
    assert pilot.verdict is not None
    assert pilot.verdict["verdict"] == "adopt_fine_tuning"
    picked = pilot.comparison_case_ids
    assert len(picked) == 3
    for case in pilot.cases.filter(case_id__in=picked):  # the picks show a difference
        assert len({output.output for output in case.outputs.all()}) == 2

    http = HttpClient()
    assert log_in(http, DEMO_EMAIL, DEMO_PASSWORD)
    result = http.get(pilot.assessment.url("result")).content.decode()
    assert "Evidence from the pilot" in result
    assert f"{DEMO_PILOT_CASES} held-out cases" in result
    assert f"Discharge note {picked[0].removeprefix('note-')}" in result  # side by side
