"""Helpers for driving the wizard through the test client like a person filling it in."""

from collections.abc import Mapping

from django.test import Client as HttpClient

from advisor.models import Assessment
from advisor.questionnaire import STEPS, applicable_fields
from advisor.scoring import ANSWER_FIELDS


def form_value(value: object) -> object:
    """A contract answer as a browser would post it."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return ""
    if isinstance(value, tuple):
        return list(value)
    return value


def step_post(
    assessment: Assessment, slug: str, answers: Mapping[str, object], action: str = "next"
) -> dict[str, object]:
    """The POST data of one step, filled from contract answers."""
    step = next(step for step in STEPS if step.slug == slug)
    data: dict[str, object] = {"version": assessment.version, "action": action}
    for field in applicable_fields(step, answers):
        # An optional answer left out is posted as the form offers it: its default.
        spec = ANSWER_FIELDS[field]
        value = answers[field] if field in answers or not spec.optional else spec.default
        data[field] = form_value(value)
    return data


def fill_all_steps(http: HttpClient, assessment: Assessment, answers: Mapping[str, object]) -> None:
    """Answer every step in order with Next, as someone would."""
    for step in STEPS:
        assessment.refresh_from_db()
        response = http.post(
            assessment.step_url(step.slug), step_post(assessment, step.slug, answers)
        )
        assert response.status_code == 302, (step.slug, response.content.decode()[:2000])
    assessment.refresh_from_db()
