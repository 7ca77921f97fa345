"""Property-based fuzzing of the wizard's forms, of JSON import and of `manage.py recommend`:
no input gives a 500 or a traceback, answers stay short, and nothing is ever half-saved."""

import io
import json
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client as HttpClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor import services
from advisor.forms import DONT_KNOW
from advisor.models import Assessment
from advisor.questionnaire import STEPS
from advisor.scoring import (
    ANSWER_FIELDS,
    ANSWERS_VERSION,
    ASSUMPTION_SPECS,
    FieldKind,
    InvalidAnswers,
    parse_answers,
)
from advisor.scoring.answers import _check_field
from advisor.scoring.answers_file import MAX_FILE_BYTES, UnreadableFile, read_answers_file
from advisor.scoring.examples import sample_input
from tests.personas import Agency

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Refusals list at most 20 problems, each a line; far below this.
SHORT_MESSAGE = 10_000

LONG_TEXTS = ["x" * 10_000, "9" * 10_000, "[" * 10_000, "\u202e" * 5_000, "é" * 10_000]
hostile_text = st.one_of(
    st.text(max_size=40),  # control characters included
    st.sampled_from(["", " ", "-1", "1e999", "NaN", "Infinity", "0x10", "1,2,3", "9" * 400]),
    st.sampled_from(
        ["9" * 5_000, "-" + "9" * 400, "1e-400", "-0", "\uff11\uff12", "\x00", "1\x002"]
    ),
    st.sampled_from(["<script>alert(1)</script>", "'; DROP TABLE advisor_assessment; --"]),
    st.sampled_from(["a\r\nb", "\t", "\u202eevil", "\ufeff1", "\x7f", DONT_KNOW]),
    st.sampled_from(["85%", "99.5", "100.5", "0.004", "1e-9", "1E3", "%", "85%%", "-0.0"]),
    st.sampled_from(LONG_TEXTS),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from([v for spec in ANSWER_FIELDS.values() for v in spec.choices]),
)
step_posts = st.tuples(
    st.sampled_from(STEPS),
    st.dictionaries(
        st.sampled_from(
            [
                *ANSWER_FIELDS,
                "sample_prompt",
                "version",
                "monthly_requests_unknown",
                "heldout_set_size_unknown",
            ]
        ),
        st.one_of(hostile_text, st.lists(hostile_text, max_size=4)),
        max_size=12,
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
        typed = value if isinstance(value, str) else "".join(value)
        assert "\x00" not in typed, value  # PostgreSQL refuses it in JSON


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


hostile_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**600), max_value=10**600),
    st.floats(),  # NaN and infinities become the NaN and Infinity literals
    st.text(max_size=20),  # control characters included
    st.sampled_from(LONG_TEXTS),
)
json_values = st.recursive(
    hostile_leaves,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
# Valid answers to draw from, the optional ones given (a shortfall fully described).
VALID = sample_input(
    prompting_status="falls_short",
    gaps=["format"],
    batch_allowed=True,
    current_model="openai/gpt-4o-mini",
    data_may_leave_cloud=False,
    tuned_model_hosting="own_cloud",
    tuned_model_scope="per_client",
    prompting_built=["few_shot", "rag"],
    shortfall_metric="format_compliance",
    shortfall_measured=85,
    shortfall_target=99.5,
    heldout_set_size=200,
    adapter_fell_short=True,
)
answer_like = st.fixed_dictionaries(
    {},
    optional={
        **{
            name: json_values | st.just(VALID[name]) | st.just(sample_input().get(name))
            for name in ANSWER_FIELDS
        },
        "answers_version": json_values | st.just(ANSWERS_VERSION),
        "assumptions": st.dictionaries(
            st.sampled_from(list(ASSUMPTION_SPECS)) | st.text(max_size=10), json_values
        ),
        "unknown": json_values,
    },
)


def _compact(data: object) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()


def _with_literal(field: str, literal: str) -> bytes:
    """The sample answers with one answer written as a raw JSON literal (say, 5,000 digits)."""
    return _compact(sample_input(**{field: "__raw__"})).replace(b'"__raw__"', literal.encode())


NUMBER_FIELDS = [
    f for f, spec in ANSWER_FIELDS.items() if spec.kind in {FieldKind.INTEGER, FieldKind.NUMBER}
]
LITERALS = ["NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1E-400", "-0.0", "0.5e1"]
hostile_files = st.one_of(
    st.binary(max_size=200),
    answer_like.map(_compact),
    json_values.map(_compact),
    st.integers(1, 60_000).map(lambda n: b"[" * n + b"]" * n),
    st.integers(1, 40_000).map(lambda n: b'{"":' * n + b"1" + b"}" * n),
    st.tuples(st.sampled_from(NUMBER_FIELDS), st.integers(1, 6_000), st.booleans()).map(
        lambda t: _with_literal(t[0], ("-" if t[2] else "") + "9" * t[1])
    ),
    st.tuples(st.sampled_from(NUMBER_FIELDS), st.sampled_from(LITERALS)).map(
        lambda t: _with_literal(t[0], t[1])
    ),
    st.integers(0, 36_000).map(
        lambda n: _compact(sample_input(prompting_status="falls_short", gaps=["cost"] * n))
    ),
    st.integers(0, 25_000).map(
        lambda n: _compact(sample_input(assumptions={f"{i:x}": 1 for i in range(n)}))
    ),
    st.integers(-2, 2).map(
        lambda extra: (
            b" " * (MAX_FILE_BYTES - len(_compact(sample_input())) + extra)
            + _compact(sample_input())
        )
    ),
)


def accepted(raw: bytes) -> bool:
    try:
        parse_answers(read_answers_file(raw))
    except (UnreadableFile, InvalidAnswers):
        return False
    return True


@pytest.mark.django_db
def test_no_imported_file_gives_a_500_and_bad_ones_create_nothing(
    alice: HttpClient, acme: Agency
) -> None:
    url = f"/projects/{acme.project.pk}/assessments/import/"

    @FUZZ
    @given(hostile_files)
    def fuzz(raw: bytes) -> None:
        upload = io.BytesIO(raw)
        upload.name = "answers.json"
        before = Assessment.objects.count()
        response = alice.post(url, {"file": upload}, follow=True)
        assert response.status_code == 200
        told = [str(message) for message in response.context["messages"]]
        assert len(told) == 1, told
        assert len(told[0]) < SHORT_MESSAGE, told
        assert Assessment.objects.count() == before + (1 if accepted(raw) else 0)

    fuzz()


def test_recommend_exits_0_or_2_and_never_with_a_traceback_whatever_the_file() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "answers.json"

        @settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(hostile_files, st.sampled_from(["json", "text"]), st.booleans())
        def fuzz(raw: bytes, output: str, from_stdin: bool) -> None:
            out = io.StringIO()
            if from_stdin:  # as the shell passes it: bytes, not yet decoded
                stdin = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8")
                arguments = ["-"]
            else:
                path.write_bytes(raw)
                stdin, arguments = io.TextIOWrapper(io.BytesIO()), [str(path)]
            try:
                call_command("recommend", *arguments, "--format", output, stdout=out, stdin=stdin)
            except CommandError as error:
                refused = error
            else:
                refused = None
            if refused is not None:
                assert refused.returncode == 2
                assert len(str(refused)) < SHORT_MESSAGE
                assert not accepted(raw)
            else:
                assert accepted(raw)
                if output == "json":
                    assert json.loads(out.getvalue())["primary_approach"]

        fuzz()
