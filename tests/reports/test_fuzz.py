"""Property-based fuzzing of the report editor through the real view: whatever is typed (text,
section boxes, approaches, dates, the plan's rows and its counts), the answer is the page with
its errors or a whole save, never a 500, and a refused post changes nothing."""

import unicodedata

import pytest
from django.test import Client as HttpClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.models import Assessment
from reports.content import Section
from reports.models import NextStep, Report
from reports.services import report_draft
from tests.personas import Agency
from tests.reports.editor import editor_post

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

hostile = st.one_of(
    st.text(max_size=30),
    st.text(st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Zs", "Mn"]), max_size=4),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "\u202eevil",
            "a\r\nb",
            "e\u0301",
            "x" * 2001,
            "x" * 301,
            "-1",
            "9" * 400,
            "2027-02-30",
            "99999-01-01",
            "0001-01-01",
            "2027-03-31",
            "adapter",
            "system_prompt",
            "full_fine_tune",
            "on",
            "<script>alert(1)</script>",
        ]
    ),
)
# Ordinary input too, so that some posts save and what was saved is checked.
plain = st.text(st.characters(categories=["L", "N", "P", "Zs"]), max_size=30)
typed = st.one_of(st.just(""), plain, plain, hostile)
words = st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=20)
# No override, a coherent one, or anything at all.
override = st.one_of(
    st.just(("", "")),
    st.tuples(st.sampled_from(["adapter", "rag", "full_fine_tune"]), words),
    st.tuples(st.one_of(st.sampled_from(["system_prompt", "adapter"]), hostile), typed),
)
# A blank row, a plain step, or anything at all.
plan_row = st.one_of(
    st.just({}),
    st.fixed_dictionaries({"step": words, "owner": typed, "due": st.just("2027-03-31")}),
    st.fixed_dictionaries(
        {"step": typed, "owner": typed, "effort": typed, "due": st.one_of(st.just(""), hostile)}
    ),
)
# The management form as posted (None), most often, or tampered with.
counts = st.one_of(*[st.none()] * 3, st.integers(min_value=-2, max_value=30).map(str), hostile)


def snapshot() -> list[list[dict[str, object]]]:
    return [list(m.objects.order_by("pk").values()) for m in (Report, NextStep)]


@pytest.mark.django_db
def test_no_editor_input_gives_a_500_or_a_half_save(
    alice: HttpClient, acme: Agency, acme_result: Assessment
) -> None:
    draft = report_draft(assessment=acme_result, by=acme.admin.user)
    url = draft.get_absolute_url()

    @FUZZ
    @given(
        text=st.fixed_dictionaries({"recipient": typed, "cover_note": typed}),
        override=override,
        note=st.tuples(st.sampled_from([*Section, "epilogue"]), typed),
        hide=st.lists(st.sampled_from([*Section, "poster"]), max_size=3),
        step=plan_row,
        total=counts,
        initial=counts,
        delete=st.booleans(),
    )
    def fuzz(text, override, note, hide, step, total, initial, delete) -> None:
        data = editor_post(steps=(step,), **text, **{f"note_{note[0]}": note[1]})
        data |= {"override_approach": override[0], "override_rationale": override[1]}
        data |= {f"hide_{name}": "on" for name in hide}
        if total is not None:
            data["steps-TOTAL_FORMS"] = total
        if initial is not None:
            data["steps-INITIAL_FORMS"] = initial
        if delete:
            data["steps-0-DELETE"] = "on"
        before = snapshot()

        response = alice.post(url, data)

        assert response.status_code in {200, 302}, response.status_code
        if response.status_code == 200:
            assert "The draft was not saved" in response.content.decode()
            assert snapshot() == before
            return
        saved = Report.objects.get(pk=draft.pk)
        assert saved.recipient == unicodedata.normalize("NFC", text["recipient"].strip())
        assert saved.override_approach == override[0]
        assert "summary" not in saved.hidden_sections
        assert all(n.step for n in saved.next_steps.all())

    fuzz()
