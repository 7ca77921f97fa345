"""Production safety: no serving on the published development key, and the TLS proxy header
trusted only when the environment says a proxy sets it."""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.serving import refuse_development_secret_key

ROOT = Path(__file__).resolve().parents[2]
# What a fresh shell gives: none of the app's own settings in the environment.
APP_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "SECURE_PROXY_SSL_HEADER",
    "S3_BUCKET",
    "TASKS_BACKEND",
}


def python(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in APP_VARIABLES}
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi"])
def test_the_app_refuses_to_serve_with_debug_off_and_no_secret_key(module: str) -> None:
    refused = python("-c", f"import {module}")
    assert refused.returncode != 0
    assert "SECRET_KEY is not set" in refused.stderr


def test_the_app_serves_with_a_secret_key() -> None:
    started = python("-c", "import config.wsgi, config.asgi", SECRET_KEY="x" * 50)
    assert started.returncode == 0, started.stderr


@pytest.mark.parametrize(
    ("debug", "key", "refused"),
    [
        (False, "django-insecure-local-development-only", True),
        (False, "a-long-random-production-value-" + "x" * 30, False),
        (True, "django-insecure-local-development-only", False),
    ],
)
def test_the_guard_refuses_only_the_development_key_in_production(
    settings, debug: bool, key: str, refused: bool
) -> None:
    settings.DEBUG = debug
    settings.SECRET_KEY = key
    if refused:
        with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is not set"):
            refuse_development_secret_key()
    else:
        refuse_development_secret_key()


@pytest.mark.parametrize(
    ("variable", "header"),
    [(None, None), ("X-Forwarded-Proto", ("HTTP_X_FORWARDED_PROTO", "https"))],
)
def test_the_proxy_header_is_trusted_only_when_configured(
    monkeypatch: pytest.MonkeyPatch, variable: str | None, header: tuple[str, str] | None
) -> None:
    monkeypatch.setenv("DEBUG", "0")
    if variable is None:
        monkeypatch.delenv("SECURE_PROXY_SSL_HEADER", raising=False)
    else:
        monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", variable)
    module = importlib.import_module("config.settings")
    try:
        reloaded = importlib.reload(module)
        assert getattr(reloaded, "SECURE_PROXY_SSL_HEADER", None) == header
    finally:
        monkeypatch.undo()
        importlib.reload(module)


STORAGE_AND_QUEUE = (
    "import django; django.setup()\n"
    "from django.core.files.storage import storages\n"
    "from django.tasks import task_backends\n"
    "s, q = storages['default'], task_backends['default']\n"
    "print(type(s).__name__, getattr(s, 'bucket_name', s.location), "
    "getattr(s, 'endpoint_url', '-'), type(q).__name__)"
)


def test_media_go_to_the_local_disk_and_tasks_to_the_database_queue_by_default() -> None:
    shown = python("-c", STORAGE_AND_QUEUE, DEBUG="1", MEDIA_ROOT="/srv/media")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split() == ["FileSystemStorage", "/srv/media", "-", "DatabaseBackend"]


def test_a_bucket_in_the_environment_puts_the_media_in_object_storage() -> None:
    shown = python(
        "-c",
        STORAGE_AND_QUEUE,
        DEBUG="1",
        S3_BUCKET="advisor-media",
        S3_ENDPOINT_URL="https://objects.example",
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split() == [
        "S3Storage",
        "advisor-media",
        "https://objects.example",
        "DatabaseBackend",
    ]
