"""Fast, hermetic settings for the test run (applied before any test touches Django)."""

from typing import Any


def pytest_configure(config: Any) -> None:
    from django.conf import settings

    # A deliberately weak hasher: password hashing would otherwise dominate the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests speak plain HTTP to the test client and never run collectstatic.
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
