"""The login page asks for "Email or username": both work, the email in any letter case."""

import pytest
from django.test import Client as HttpClient

from tests.factories import TEST_PASSWORD, UserFactory, log_in


@pytest.mark.django_db
@pytest.mark.parametrize("login", ["dana", "dana@agency.example", "Dana@Agency.EXAMPLE"])
def test_an_account_logs_in_with_its_username_or_its_email(login: str) -> None:
    UserFactory(username="dana", email="dana@agency.example")
    assert log_in(HttpClient(), login, TEST_PASSWORD)


@pytest.mark.django_db
def test_the_wrong_password_or_an_unknown_login_is_refused() -> None:
    UserFactory(username="dana", email="dana@agency.example")
    assert not log_in(HttpClient(), "dana@agency.example", "not-the-password")
    assert not log_in(HttpClient(), "nobody@agency.example", TEST_PASSWORD)


@pytest.mark.django_db
def test_an_email_that_is_another_accounts_username_finds_each_by_its_password() -> None:
    dana = UserFactory(username="dana", email="dana@agency.example", password="danas-own-secret-1")
    other = UserFactory(username="dana@agency.example", email="someone@else.example")
    for password, user in [("danas-own-secret-1", dana), (TEST_PASSWORD, other)]:
        http = HttpClient()
        assert log_in(http, "dana@agency.example", password)
        assert http.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_a_deactivated_account_cannot_log_in_by_email() -> None:
    UserFactory(username="dana", email="dana@agency.example", is_active=False)
    assert not log_in(HttpClient(), "dana@agency.example", TEST_PASSWORD)
