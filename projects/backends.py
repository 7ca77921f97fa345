"""Log in with an email address or a username, as the login page offers."""

from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.db.models import Q
from django.http import HttpRequest

# Emails are not unique in Django's user table; a login names at most a handful of accounts.
MAX_CANDIDATES = 5


class EmailOrUsernameBackend(ModelBackend):
    """Accept the account whose username is the login, or whose email is (in any letter case).

    Both are tried: an account created from an invitation may have been given a username other
    than its email (when another account already used that email as its username), and its
    owner still logs in with the email.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None or password is None:
            return None
        login = username.strip()
        candidates = list(
            User.objects.filter(Q(username=login) | Q(email__iexact=login)).order_by("pk")[
                :MAX_CANDIDATES
            ]
        )
        if not candidates:
            # Hash anyway, so a wrong login takes as long as a wrong password.
            User().set_password(password)
            return None
        for user in candidates:
            if user.check_password(password) and self.user_can_authenticate(user):
                return user
        return None

    async def aauthenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        # ModelBackend's own async version looks up usernames only; keep one rule for both.
        return await sync_to_async(self.authenticate)(request, username, password, **kwargs)
