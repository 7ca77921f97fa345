from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client as HttpClient


@pytest.mark.django_db
def test_it_reports_ok_when_the_database_answers(client: HttpClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_it_reports_503_when_the_database_is_down(client: HttpClient) -> None:
    with mock.patch("config.health.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
