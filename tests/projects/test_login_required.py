"""Every page needs a login, except an explicit allow-list."""

import re

import pytest
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver

# Pages a visitor must reach without logging in.
PUBLIC_URL_NAMES = {
    "healthz",
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "admin:login",
    "reports:shared",  # a client opens a shared report without an account
    "reports:shared_view",  # ... reads it
    "reports:shared_download",  # ... downloads it
    "reports:shared_accept",  # ... and accepts its next step
    "blind:start",  # a client judges a blind comparison without an account
    "blind:pair",
    "projects:invitation_open",  # someone invited may have no account yet
}


SAMPLE_VALUES = {"uidb64": "MQ", "token": "set-password", "step": "use-case"}


def walk(patterns: list, prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    """Every (name, concrete path) in the URLconf, with sample values for the path converters."""
    found: list[tuple[str, str]] = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += walk(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: SAMPLE_VALUES.get(m[1], "1"), route)
            # The admin uses regex routes: fill named groups, drop anchors.
            path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path).replace("^", "").replace("$", "")
            found.append((f"{namespace}{pattern.name}", "/" + path))
    return found


ALL_URLS = walk(get_resolver().url_patterns)
PRIVATE_URLS = [(name, path) for name, path in ALL_URLS if name not in PUBLIC_URL_NAMES]


def test_the_walk_finds_the_app_pages() -> None:
    names = {name for name, _ in ALL_URLS}
    assert {"projects:dashboard", "projects:project_detail", "projects:member_list"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), PRIVATE_URLS, ids=[name for name, _ in PRIVATE_URLS])
def test_anonymous_visitors_are_sent_to_login(client: HttpClient, name: str, path: str) -> None:
    response = client.get(path)
    if name.startswith("admin:"):
        # The admin has its own login page, but still nothing without one.
        assert response.status_code in {302, 404}
        if response.status_code == 302:
            assert "/login/" in response["Location"]
        return
    assert response.status_code == 302, f"{path} answered {response.status_code}"
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.django_db
def test_public_pages_open_without_login(client: HttpClient) -> None:
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/accounts/password_reset/").status_code == 200
    assert client.get("/healthz").status_code == 200
