"""The blind comparison through the real stack: the agency makes and revokes links; a visitor
without an account judges pairs shown as A and B; isolation, randomisation, one vote per pair
and visitor, CSRF, escaping, and the tally with its Wilson interval."""

import re

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from advisor import blind, pilots
from advisor.blind_views import VISITOR_COOKIE
from advisor.models import Assessment, BlindComparison, BlindVote, Pilot, PilotOutput
from advisor.scoring.paired_stats import wilson_interval
from projects.models import AuditEvent
from tests.advisor.piloting import EXAMPLES
from tests.personas import Agency
from tests.reports.test_evidence_report import piloted

# What would tell a visitor which output is which, or name the tool: never on the public page.
LEAKS = re.compile(
    r"best-prompt|tuned-llama|fine-tun|prompting|candidate|baseline|approach|Advisor|(?-i:inv-\d)",
    re.IGNORECASE,
)


def pilot_of(assessment: Assessment) -> Pilot:
    return Pilot.objects.get(assessment=assessment)


@pytest.fixture
def pilot(acme: Agency) -> Pilot:
    return pilot_of(piloted(acme))


@pytest.fixture
def link(pilot: Pilot, acme: Agency) -> BlindComparison:
    return blind.blind_comparison_create(
        pilot=pilot, by=acme.admin.user, days=7, cases=blind.CaseSelection.ALL
    )


def visitor_client() -> HttpClient:
    """Someone who got the link by email: no account, their own cookies."""
    return HttpClient()


def pair_url(link: BlindComparison, number: int) -> str:
    return reverse("blind:pair", kwargs={"token": link.token, "number": number})


def shown(http: HttpClient, link: BlindComparison, number: int) -> tuple[str, str, str]:
    """(page HTML, text shown as A, text shown as B) of a pair, as the visitor sees it."""
    html = http.get(pair_url(link, number)).content.decode()
    texts = re.findall(r'id="answer-([ab])"[^>]*>(.*?)</div>', html, flags=re.DOTALL)
    by_letter = dict(texts)
    return html, by_letter["a"], by_letter["b"]


def outputs(link: BlindComparison, number: int) -> tuple[str, str]:
    """(prompting's, the fine-tuned model's) output of a pair, HTML-escaped as the page shows it."""
    from django.utils.html import escape

    pilot = link.pilot
    case_id = link.case_ids[number - 1]
    found = {
        o.approach: o.output
        for o in PilotOutput.objects.filter(case__pilot=pilot, case__case_id=case_id)
    }
    return escape(found[pilot.baseline_approach]), escape(found[pilot.candidate_approach])


def vote(http: HttpClient, link: BlindComparison, number: int, choice: str, comment: str = ""):
    http.get(pair_url(link, number))  # the page sets the visitor's cookie
    return http.post(pair_url(link, number), {"choice": choice, "comment": comment})


# Making and revoking links.


@pytest.mark.django_db
def test_a_link_shows_every_differing_case_and_is_audited(acme: Agency, pilot: Pilot) -> None:
    available = blind.blind_pairs_available(pilot)

    made = blind.blind_comparison_create(pilot=pilot, by=acme.admin.user, days=7)

    assert 0 < len(made.case_ids) == available["all"] <= blind.MAX_BLIND_PAIRS
    assert made.results_version == pilot.results_version
    assert made.is_open
    positions = dict(pilot.cases.values_list("case_id", "position"))
    assert [positions[c] for c in made.case_ids] == sorted(positions[c] for c in made.case_ids)
    event = AuditEvent.objects.get(action=AuditEvent.Action.SHARED, target_type="pilot")
    assert f"blind comparison link {made.pk}, {len(made.case_ids)} pairs, 7 days" == event.detail


@pytest.mark.django_db
def test_more_differing_cases_than_the_cap_are_sampled(
    acme: Agency, pilot: Pilot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(blind, "MAX_BLIND_PAIRS", 10)  # the example file has 29 that differ
    assert blind.blind_pairs_available(pilot)["differing"] > blind.MAX_BLIND_PAIRS

    first = blind.blind_comparison_create(pilot=pilot, by=acme.admin.user, days=7)
    second = blind.blind_comparison_create(pilot=pilot, by=acme.admin.user, days=7)

    assert len(first.case_ids) == len(set(first.case_ids)) == 10
    assert first.case_ids != second.case_ids  # drawn at random; equal by chance ~ never


@pytest.mark.django_db
def test_a_link_can_show_only_the_picked_cases(acme: Agency, pilot: Pilot) -> None:
    by = acme.admin.user
    differing = blind.blind_comparison_create(pilot=pilot, by=by, days=3).case_ids
    alike = next(c for c in pilot.cases.values_list("case_id", flat=True) if c not in differing)
    picks = [differing[4], alike, differing[1]]
    pilots.pilot_pick_comparison(pilot=pilot, case_ids=picks, by=by)

    made = blind.blind_comparison_create(
        pilot=pilot, by=by, days=3, cases=blind.CaseSelection.PICKED
    )

    # In the consultant's order; a pair whose two outputs are the same is left out.
    assert made.case_ids == [differing[4], differing[1]]


@pytest.mark.django_db
@pytest.mark.parametrize("days", [0, 91, -3])
def test_a_link_needs_sensible_days(acme: Agency, pilot: Pilot, days: int) -> None:
    with pytest.raises(blind.BlindComparisonRefused, match="Open for"):
        blind.blind_comparison_create(pilot=pilot, by=acme.admin.user, days=days)
    assert not BlindComparison.objects.exists()


@pytest.mark.django_db
def test_the_pilot_page_makes_lists_and_revokes_links(alice: HttpClient, pilot: Pilot) -> None:
    assessment = pilot.assessment
    response = alice.post(assessment.url("blind_create"), {"cases": "all", "days": "10"})
    assert response.status_code == 302
    made = BlindComparison.objects.get()

    page = alice.get(assessment.url("pilot")).content.decode()

    assert f"http://testserver/compare/{made.token}/" in page
    assert "No votes yet" in page
    response = alice.post(reverse("blind:revoke", kwargs={"pk": made.pk}))
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.revoked_at is not None
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REVOKED, target_type="pilot").exists()


@pytest.mark.django_db
def test_bad_link_fields_are_named_and_nothing_is_made(alice: HttpClient, pilot: Pilot) -> None:
    response = alice.post(
        pilot.assessment.url("blind_create"), {"cases": "every", "days": "900"}, follow=True
    )

    text = response.content.decode()
    assert "Choose which pairs to show" in text
    assert "less than or equal to 90" in text
    assert not BlindComparison.objects.exists()


# Isolation: another organization's link, a forged token, a revoked, expired or replaced link.


@pytest.mark.django_db
def test_another_organizations_link_cannot_be_used_from_the_agency_side(
    alice: HttpClient, globex: Agency
) -> None:
    theirs = pilot_of(piloted(globex))
    link = blind.blind_comparison_create(pilot=theirs, by=globex.admin.user, days=5)

    assert alice.post(reverse("blind:revoke", kwargs={"pk": link.pk})).status_code == 404
    create = theirs.assessment.url("blind_create")
    assert alice.post(create, {"cases": "all", "days": "5"}).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None
    assert BlindComparison.objects.count() == 1


@pytest.mark.django_db
def test_a_forged_token_is_404(link: BlindComparison) -> None:
    http = visitor_client()
    forged = link.token[:-2] + ("xy" if not link.token.endswith("xy") else "zz")
    from django.core import signing

    other_salt = signing.dumps(link.pk, salt="reports.share-link")  # a report's share token

    for token in (forged, other_salt, "1", "x" * 300):
        assert http.get(reverse("blind:start", kwargs={"token": token})).status_code == 404
        url = reverse("blind:pair", kwargs={"token": token, "number": 1})
        assert http.post(url, {"choice": "A"}).status_code == 404
    assert not BlindVote.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("closing", ["revoked", "expired", "reimported"])
def test_a_closed_link_says_so_in_the_agencys_colours_and_takes_no_vote(
    acme: Agency, link: BlindComparison, closing: str
) -> None:
    http = visitor_client()
    http.get(pair_url(link, 1))
    if closing == "revoked":
        blind.blind_comparison_revoke(comparison=link, by=acme.admin.user)
    elif closing == "expired":
        BlindComparison.objects.filter(pk=link.pk).update(expires_at=timezone.now())
    else:
        pilots.pilot_import_results(
            pilot=link.pilot,
            raw=(EXAMPLES / "clear_win.csv").read_bytes(),
            filename="clear_win.csv",
            by=acme.admin.user,
        )

    page = http.get(reverse("blind:start", kwargs={"token": link.token}))
    posted = http.post(pair_url(link, 1), {"choice": "A"})

    assert page.status_code == posted.status_code == 410
    text = page.content.decode()
    assert "This comparison is no longer open" in text
    assert "Acme" in text
    assert not LEAKS.search(text)
    assert not BlindVote.objects.exists()


@pytest.mark.django_db
def test_a_pair_number_past_the_end_is_404(link: BlindComparison) -> None:
    http = visitor_client()
    assert http.get(pair_url(link, len(link.case_ids) + 1)).status_code == 404
    assert http.get(pair_url(link, 0)).status_code == 404


# What a visitor sees: A and B, never which is which, in an order drawn per visitor and pair.


@pytest.mark.django_db
def test_the_public_page_needs_no_login_and_never_tells_which_is_which(
    link: BlindComparison,
) -> None:
    http = visitor_client()

    response = http.get(reverse("blind:start", kwargs={"token": link.token}))

    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    cookie = response.cookies[VISITOR_COOKIE]
    assert cookie["httponly"]
    assert cookie["path"] == "/compare/"
    html = response.content.decode()
    assert "Answer A" in html
    assert "Answer B" in html
    assert "Acme" in html
    for number in range(1, len(link.case_ids) + 1):
        page, _, _ = shown(http, link, number)
        assert not LEAKS.search(page), LEAKS.search(page)


@pytest.mark.django_db
def test_the_order_is_stable_for_a_visitor_and_varies_across_visitors_and_pairs(
    link: BlindComparison,
) -> None:
    def candidate_shown_as(http: HttpClient, number: int) -> str:
        _, a, b = shown(http, link, number)
        baseline, candidate = outputs(link, number)
        assert {a, b} == {baseline, candidate}
        return "A" if a == candidate else "B"

    one = visitor_client()
    letters = [candidate_shown_as(one, n) for n in range(1, 21)]
    assert letters == [candidate_shown_as(one, n) for n in range(1, 21)]  # stable on reload
    assert set(letters) == {"A", "B"}  # not always the same side across pairs
    first_pair = [candidate_shown_as(visitor_client(), 1) for _ in range(30)]
    assert set(first_pair) == {"A", "B"}  # nor for one pair across visitors
    assert 5 <= first_pair.count("A") <= 25  # about half: P(outside) < 0.001


# Voting: one vote per pair and visitor, CSRF, cookies, escaping.


@pytest.mark.django_db
def test_a_vote_is_resolved_to_the_approach_and_a_second_one_replaces_it(
    link: BlindComparison,
) -> None:
    http = visitor_client()
    _, a, _ = shown(http, link, 1)
    _, candidate = outputs(link, 1)
    candidate_letter = "A" if a == candidate else "B"
    other = "B" if candidate_letter == "A" else "A"

    first = vote(http, link, 1, candidate_letter, "Cleaner.")
    assert first.status_code == 302
    assert first["Location"] == pair_url(link, 2)  # on to the next pair not judged yet
    second = vote(http, link, 1, other, "On second thoughts.")
    assert second.status_code == 302

    stored = BlindVote.objects.get()
    assert stored.preferred == BlindVote.Preferred.BASELINE
    assert stored.candidate_shown_as == candidate_letter
    assert stored.comment == "On second thoughts."
    tally = blind.blind_tally(link.pilot)
    assert tally is not None
    assert (tally.votes, tally.candidate, tally.baseline, tally.visitors) == (1, 0, 1, 1)
    page = http.get(pair_url(link, 1)).content.decode()
    assert f"Your answer so far: {other} is better" in page
    # Only the visitor's first vote on the link is noted in the audit trail.
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VOTED).count() == 1


@pytest.mark.django_db
def test_votes_from_two_visitors_count_twice_and_the_rate_has_wilsons_interval(
    alice: HttpClient, link: BlindComparison
) -> None:
    for choices in (("A", "B", "equal"), ("equal", "A", "A", "B")):
        http = visitor_client()
        for number, choice in enumerate(choices, start=1):
            assert vote(http, link, number, choice).status_code == 302

    tally = blind.blind_tally(link.pilot)

    assert tally is not None
    assert tally.votes == 7
    assert tally.visitors == 2
    assert tally.equal == 2
    assert tally.candidate + tally.baseline == 5
    wins = tally.candidate + tally.equal / 2
    assert tally.rate == pytest.approx(wins / 7)
    assert (tally.low, tally.high) == pytest.approx(wilson_interval(wins, 7))
    page = alice.get(link.pilot.assessment.url("result")).content.decode()
    assert f"<strong>{round(wins / 7 * 100)} %</strong> preference for the fine-tuned model" in page
    assert "7 votes on 4 pairs from 2 visitors" in page


@pytest.mark.django_db
def test_a_vote_without_the_visitors_cookie_is_refused(link: BlindComparison) -> None:
    http = visitor_client()

    response = http.post(pair_url(link, 1), {"choice": "A"})

    assert response.status_code == 400
    assert "did not keep this page" in response.content.decode()
    assert not BlindVote.objects.exists()


@pytest.mark.django_db
def test_a_forged_visitor_cookie_is_a_new_visitor(link: BlindComparison) -> None:
    http = visitor_client()
    http.cookies[VISITOR_COOKIE] = "0" * 32  # unsigned

    response = http.post(pair_url(link, 1), {"choice": "A"})

    assert response.status_code == 400
    assert not BlindVote.objects.exists()


@pytest.mark.django_db
def test_voting_needs_the_csrf_token(link: BlindComparison) -> None:
    http = HttpClient(enforce_csrf_checks=True)
    page = http.get(pair_url(link, 1)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None

    refused = http.post(pair_url(link, 1), {"choice": "A"})
    accepted = http.post(pair_url(link, 1), {"choice": "A", "csrfmiddlewaretoken": token.group(1)})

    assert refused.status_code == 403
    assert accepted.status_code == 302
    assert BlindVote.objects.count() == 1


@pytest.mark.django_db
def test_a_bad_vote_names_the_field_and_keeps_the_comment(link: BlindComparison) -> None:
    http = visitor_client()
    http.get(pair_url(link, 1))

    response = http.post(pair_url(link, 1), {"choice": "C", "comment": "Kept & shown"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose A, B or about equal." in html
    assert "Kept &amp; shown</textarea>" in html
    assert not BlindVote.objects.exists()


@pytest.mark.django_db
def test_user_text_is_escaped_on_both_sides(alice: HttpClient, acme: Agency, pilot: Pilot) -> None:
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    made = blind.blind_comparison_create(pilot=pilot, by=acme.admin.user, days=2)
    case_id = made.case_ids[0]
    PilotOutput.objects.filter(case__pilot=pilot, case__case_id=case_id).update(
        output=hostile + " (one)"
    )
    PilotOutput.objects.filter(
        case__pilot=pilot, case__case_id=case_id, approach=pilot.candidate_approach
    ).update(output=hostile + " (two)")
    http = visitor_client()

    page = http.get(pair_url(made, 1)).content.decode()
    assert vote(http, made, 1, "A", hostile).status_code == 302
    agency = alice.get(pilot.assessment.url("pilot")).content.decode()

    for html in (page, agency):
        assert "<script>alert" not in html
        assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in agency


@pytest.mark.django_db
def test_after_the_last_pair_the_visitor_is_thanked(link: BlindComparison) -> None:
    http = visitor_client()
    total = len(link.case_ids)
    for number in range(1, total + 1):
        response = vote(http, link, number, "equal")
    assert response["Location"] == reverse("blind:start", kwargs={"token": link.token})

    thanks = http.get(response["Location"]).content.decode()

    assert f"you have judged all {total} pairs" in thanks
    assert BlindVote.objects.count() == total
