import pytest
from django.test import Client as HttpClient

from tests.factories import TEST_PASSWORD, log_in
from tests.personas import Agency

LOGIN = "/accounts/login/"


@pytest.mark.django_db
def test_five_failures_lock_that_username_from_that_address(acme: Agency) -> None:
    email = acme.admin.user.email
    http = HttpClient(REMOTE_ADDR="203.0.113.7")
    for _ in range(4):
        response = http.post(LOGIN, {"username": email, "password": "wrong"})
        assert response.status_code == 200
        assert "Please enter a correct" in response.content.decode()
    locked = http.post(LOGIN, {"username": email, "password": "wrong"})
    assert locked.status_code == 429
    assert "paused for 15 minutes" in locked.content.decode()
    # Even the right password is refused while locked.
    assert not log_in(http, email, TEST_PASSWORD)
    # The same user from another address, and another user from this one, are not locked.
    assert log_in(HttpClient(REMOTE_ADDR="198.51.100.9"), email, TEST_PASSWORD)


@pytest.mark.django_db
def test_the_lock_lifts_after_15_minutes(acme: Agency, settings) -> None:
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.utils import timezone

    email = acme.admin.user.email
    http = HttpClient(REMOTE_ADDR="203.0.113.8")
    for _ in range(5):
        http.post(LOGIN, {"username": email, "password": "wrong"})
    assert not log_in(http, email, TEST_PASSWORD)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert log_in(http, email, TEST_PASSWORD)


@pytest.mark.django_db
def test_a_success_resets_the_count(acme: Agency) -> None:
    email = acme.admin.user.email
    http = HttpClient(REMOTE_ADDR="203.0.113.9")
    for _ in range(4):
        http.post(LOGIN, {"username": email, "password": "wrong"})
    assert log_in(http, email, TEST_PASSWORD)
    http.logout()
    for _ in range(4):
        http.post(LOGIN, {"username": email, "password": "wrong"})
    assert log_in(http, email, TEST_PASSWORD)
