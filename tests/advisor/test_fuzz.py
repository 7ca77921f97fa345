"""Property-based fuzzing of the wizard's forms and of JSON import: no input gives a 500,
and nothing is ever half-saved."""

import io
import json

import pytest
from django.test import Client as HttpClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor import services
from advisor.models import Assessment
from advisor.questionnaire import STEPS
from advisor.scoring import ANSWER_FIELDS, InvalidAnswers, parse_answers
from advisor.scoring.answers import _check_field
from advisor.scoring.examples import sample_input
from tests.conftest import Agency

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

hostile_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "-1", "1e999", "NaN", "Infinity", "0x10", "1,2,3", "9" * 400]),
    st.sampled_from(["<script>alert(1)</script>", "'; DROP TABLE advisor_assessment; --"]),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from([v for spec in ANSWER_FIELDS.values() for v in spec.choices]),
)
step_posts = st.tuples(
    st.sampled_from(STEPS),
    st.dictionaries(
        st.sampled_from([*ANSWER_FIELDS, "sample_prompt", "version", "monthly_requests_unknown"]),
        st.one_of(hostile_text, st.lists(hostile_text, max_size=4)),
        max_size=8,
    ),
    st.sampled_from(["next", "back", "estimate", "", "delete"]),
)


def stored_state_is_consistent(assessment: Assessment) -> None:
    """Every stored answer is a valid contract value; what was not valid waits in pending."""
    for field, value in assessment.answers.items():
        if field == "unknown":
            continue
        _, problem = _check_field(ANSWER_FIELDS[field], value)
        assert problem is None, (field, value, problem)
    for value in assessment.pending_inputs.values():
        assert isinstance(value, str | list)


@pytest.mark.django_db
def test_no_wizard_input_gives_a_500_or_a_half_save(alice: HttpClient, acme: Agency) -> None:
    assessment = services.assessment_start(project=acme.project, by=acme.admin.user)

    @FUZZ
    @given(step_posts)
    def fuzz(post: tuple) -> None:
        step, data, action = post
        current = Assessment.objects.get(pk=assessment.pk)
        payload = {"version": current.version, **data, "action": action}
        response = alice.post(current.step_url(step.slug), payload)
        assert response.status_code in {200, 302, 409, 422}, response.status_code
        after = Assessment.objects.get(pk=assessment.pk)
        # Either the save went through whole (one new version) or nothing changed.
        if after.version == current.version:
            assert (after.answers, after.pending_inputs) == (
                current.answers,
                current.pending_inputs,
            )
        else:
            assert after.version == current.version + 1
        stored_state_is_consistent(after)

    fuzz()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
answer_like = st.fixed_dictionaries(
    {},
    optional={name: json_values | st.just(sample_input()[name]) for name in ANSWER_FIELDS},
)


@pytest.mark.django_db
def test_no_imported_file_gives_a_500_and_bad_ones_create_nothing(
    alice: HttpClient, acme: Agency
) -> None:
    url = f"/projects/{acme.project.pk}/assessments/import/"

    @FUZZ
    @given(st.one_of(answer_like, json_values, st.binary(max_size=200)))
    def fuzz(content: object) -> None:
        raw = content if isinstance(content, bytes) else json.dumps(content).encode()
        upload = io.BytesIO(raw)
        upload.name = "answers.json"
        before = Assessment.objects.count()
        response = alice.post(url, {"file": upload})
        assert response.status_code == 302
        try:
            accepted = parse_answers(json.loads(raw.decode())) is not None
        except (UnicodeDecodeError, ValueError, InvalidAnswers):
            accepted = False
        assert Assessment.objects.count() == before + (1 if accepted else 0)

    fuzz()
