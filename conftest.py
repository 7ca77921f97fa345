"""Fast, hermetic settings for the test run (applied before any test touches Django)."""

from typing import Any

from hypothesis import settings as hypothesis_settings

# No per-example deadline: on a shared 2-core machine timing says more about the neighbours
# than about the code (speed is measured by the benchmarks instead).
hypothesis_settings.register_profile("advisor", deadline=None)
hypothesis_settings.load_profile("advisor")


def pytest_configure(config: Any) -> None:
    from django.conf import settings

    # A deliberately weak hasher: password hashing would otherwise dominate the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests speak plain HTTP to the test client and never run collectstatic.
    settings.SECURE_SSL_REDIRECT = False
    # Background tasks run at once, in the process that queues them; the browser test of the
    # workers sets the database queue and starts a real worker (tests/e2e).
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
