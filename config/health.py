"""The health check for load balancers and uptime monitors."""

from datetime import datetime, timedelta

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, transaction
from django.db.models import Case, Count, F, Max, Min, Q, When
from django.http import HttpRequest, JsonResponse
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from reports.models import WorkerHeartbeat

# A worker that has not beaten for this long is taken for gone.
WORKER_SILENT_AFTER_SECONDS = 30


def _seconds_since(moment: datetime | None, now: datetime) -> float | None:
    return None if moment is None else round(max((now - moment).total_seconds(), 0.0), 1)


def _queue(now: datetime) -> dict[str, object]:
    """How many tasks wait for a worker, and since when the oldest has waited (a deferred
    retry waits from the time it was due); one query."""
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    if not isinstance(backend, DatabaseBackend):
        return {"backend": "elsewhere"}  # Redis: its own tools watch it
    never_deferred = get_date_max()
    found = (
        DBTaskResult.objects.ready()
        .filter(backend_name=backend.alias)
        .aggregate(
            waiting=Count("pk"),
            since=Min(
                Case(When(run_after=never_deferred, then=F("enqueued_at")), default=F("run_after"))
            ),
        )
    )
    return {
        "waiting": found["waiting"],
        "oldest_waiting_seconds": _seconds_since(found["since"], now),
    }


def _workers(now: datetime) -> dict[str, object]:
    """The workers that beat lately, and how long ago the last beat was; one query."""
    lately = now - timedelta(seconds=WORKER_SILENT_AFTER_SECONDS)
    found = WorkerHeartbeat.objects.aggregate(
        last=Max("beat_at"), alive=Count("pk", filter=Q(beat_at__gte=lately))
    )
    return {"alive": found["alive"], "last_heartbeat_seconds": _seconds_since(found["last"], now)}


@login_not_required
@never_cache
@require_GET
@transaction.non_atomic_requests
def healthz(request: HttpRequest) -> JsonResponse:
    """Whether the app can reach its database (503 if not), with the background work's state:
    the queue (waiting tasks, the oldest one's age in seconds) and the workers (how many beat
    in the last 30 seconds, and the last beat's age). Workers down do not fail the check: the
    pages still serve; alert on `oldest_waiting_seconds` and `last_heartbeat_seconds`."""
    try:  # the two queries also show that the database answers
        now = timezone.now()
        queue, workers = _queue(now), _workers(now)
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "queue": queue, "workers": workers})
