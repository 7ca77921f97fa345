"""Property-based fuzzing of the blind comparison's forms: whatever a visitor posts gives a page
or a redirect, never a 500; a refused vote writes nothing; a pair never holds two votes of one
visitor. The agency's link form likewise."""

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor import blind
from advisor.models import BlindComparison, BlindVote, Pilot
from tests.personas import Agency
from tests.reports.test_evidence_report import piloted
from tests.test_fuzz_other_forms import hostile, refused_or_done, rows

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

choices = st.one_of(hostile, st.sampled_from(["A", "B", "equal", "a", "Equal", "A ", "candidate"]))
comments = st.one_of(hostile, st.text(max_size=1200), st.just("x" * 1001))
numbers = st.one_of(st.integers(min_value=0, max_value=60), st.just(1))


@pytest.mark.django_db
def test_no_vote_gives_a_500_a_half_save_or_a_second_vote(acme: Agency) -> None:
    pilot = Pilot.objects.get(assessment=piloted(acme))
    link = blind.blind_comparison_create(pilot=pilot, by=acme.admin.user, days=3)
    visitor = HttpClient()
    visitor.get(reverse("blind:start", kwargs={"token": link.token}))  # the visitor's cookie

    @FUZZ
    @given(choice=choices, comment=comments, number=numbers, extra=hostile)
    def fuzz(choice: str, comment: str, number: int, extra: str) -> None:
        before = rows(BlindVote)
        url = reverse("blind:pair", kwargs={"token": link.token, "number": number})
        data = {"choice": choice, "comment": comment, "pair": extra, "visitor": extra}
        response = visitor.post(url, data)
        refused_or_done(response, before, rows(BlindVote))
        per_pair = BlindVote.objects.values_list("visitor", "case_id")
        assert len(per_pair) == len(set(per_pair))
        if response.status_code == 302:
            stored = BlindVote.objects.get(case_id=link.case_ids[number - 1])
            assert stored.comment == comment.strip()

    fuzz()


@pytest.mark.django_db
def test_no_link_form_input_gives_a_500(alice: HttpClient, acme: Agency) -> None:
    pilot = Pilot.objects.get(assessment=piloted(acme))
    url = pilot.assessment.url("blind_create")

    @FUZZ
    @given(cases=st.one_of(hostile, st.sampled_from(["all", "picked"])), days=hostile)
    def fuzz(cases: str, days: str) -> None:
        before = rows(BlindComparison)
        response = alice.post(url, {"cases": cases, "days": days})
        assert response.status_code == 302  # back to the pilot page, saying what was wrong
        if not (cases == "all" and days.strip().isdecimal() and 1 <= int(days) <= 90):
            assert rows(BlindComparison) == before

    fuzz()
