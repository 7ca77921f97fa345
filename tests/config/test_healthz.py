from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client as HttpClient
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reports.models import WorkerHeartbeat
from reports.tasks import render_report

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db
def test_it_reports_ok_with_an_empty_queue_and_no_worker(client: HttpClient, settings: Any) -> None:
    settings.TASKS = DATABASE_QUEUE
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "queue": {"waiting": 0, "oldest_waiting_seconds": None},
        "workers": {"alive": 0, "last_heartbeat_seconds": None},
    }


@pytest.mark.django_db
def test_it_reports_the_oldest_waiting_task_and_the_last_heartbeat(
    client: HttpClient, settings: Any
) -> None:
    settings.TASKS = DATABASE_QUEUE
    now = timezone.now()
    old, new = render_report.enqueue(1), render_report.enqueue(2)
    DBTaskResult.objects.filter(id=old.id).update(enqueued_at=now - timedelta(minutes=5))
    DBTaskResult.objects.filter(id=new.id).update(enqueued_at=now - timedelta(seconds=1))
    # A retry due in the future is not waiting yet; one due two minutes ago is.
    render_report.using(run_after=now + timedelta(minutes=1)).enqueue(3)
    due = render_report.using(run_after=now + timedelta(minutes=1)).enqueue(4)
    DBTaskResult.objects.filter(id=due.id).update(run_after=now - timedelta(minutes=2))
    # A task a worker is running is not waiting either.
    DBTaskResult.objects.filter(id=render_report.enqueue(5).id).update(
        status="RUNNING", enqueued_at=now - timedelta(hours=1)
    )
    WorkerHeartbeat.objects.create(name="a:1", beat_at=now - timedelta(seconds=3))
    WorkerHeartbeat.objects.create(name="b:2", beat_at=now - timedelta(minutes=10))

    health = client.get("/healthz").json()

    assert health["queue"]["waiting"] == 3
    assert 300 <= health["queue"]["oldest_waiting_seconds"] < 330
    assert health["workers"]["alive"] == 1
    assert 3 <= health["workers"]["last_heartbeat_seconds"] < 30


@pytest.mark.django_db
def test_another_queue_is_left_to_its_own_tools(client: HttpClient) -> None:
    # The tests' queue runs tasks at once, in the process: nothing waits in the database.
    assert client.get("/healthz").json()["queue"] == {"backend": "elsewhere"}


@pytest.mark.django_db
def test_it_reports_503_when_the_database_is_down(client: HttpClient) -> None:
    with mock.patch(
        "config.health.WorkerHeartbeat.objects.aggregate", side_effect=OperationalError("down")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
