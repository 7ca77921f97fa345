"""Guards for the processes that serve requests: wsgi.py and asgi.py (which runserver, gunicorn
and ASGI servers load) call them once at start-up. Offline commands and the tests do not."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

REFUSAL_MESSAGE = (
    "SECRET_KEY is not set. With DEBUG off the Advisor refuses to serve requests with the "
    "published development key: anyone could forge sessions and share links with it. Set "
    "SECRET_KEY to a long random value, e.g. the output of "
    "python3 -c 'import secrets; print(secrets.token_urlsafe(50))', or set DEBUG=1 for a local run."
)


def refuse_development_secret_key() -> None:
    """Stop with a clear message if DEBUG is off and SECRET_KEY is still the development key."""
    if not settings.DEBUG and settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
        raise ImproperlyConfigured(REFUSAL_MESSAGE)
