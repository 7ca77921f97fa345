"""How pages name people: `{{ user|person }}`, `{{ user|person_with_title }}`."""

from django import template
from django.contrib.auth.models import User

from projects.models import job_title, person_name

register = template.Library()


@register.filter
def person(user: User | None) -> str:
    """The user's full name, else their email; "" for no user."""
    return person_name(user) if user is not None else ""


@register.filter
def person_with_title(user: User | None) -> str:
    """The user's name followed by their job title, if they gave one."""
    return person_name(user, with_title=True) if user is not None else ""


@register.filter(name="job_title")
def job_title_filter(user: User | None) -> str:
    """The user's job title, or ""."""
    return job_title(user) if user is not None else ""
