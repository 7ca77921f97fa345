"""Blind comparisons: the client judges pairs of a pilot's outputs without knowing which is which.

A link (`BlindComparison`) shows pairs: the same held-out input, with prompting's and the
fine-tuned model's outputs as "A" and "B". Which is which is drawn per visitor and pair from a
keyed hash of the link, the visitor's random key (kept in a signed cookie) and the case: stable
for one visitor, unrelated across pairs and visitors, and unguessable without the server's secret.
The page only ever holds the letters; a vote is resolved to the approach when it is stored.

One vote per visitor and pair: voting again on a pair replaces that visitor's earlier vote.
The preference rate counts "equal" as half for each side (`paired_stats.preference_rate`).
"""

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from django.contrib.auth.models import User
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from advisor.models import BLIND_SALT, BlindComparison, BlindVote, Pilot, PilotOutput
from advisor.pilots import pilot_audit
from advisor.scoring.paired_stats import preference_rate
from advisor.services import ProjectArchived
from projects.models import AuditEvent, Project

MAX_BLIND_PAIRS: Final = 50
"""A client judges a pair in about half a minute; fifty is most of an hour, and more goes unread."""
MAX_BLIND_DAYS: Final = 90
COMMENT_MAX_CHARS: Final = 1_000
PAGE_TEXT_CHARS: Final = 8_000  # each text scrolls in its own box past this
LETTERS: Final = ("A", "B")
EQUAL: Final = "equal"
_ORDER_SALT: Final = "advisor.blind-order"


class CaseSelection:
    """Which cases a new link shows."""

    PICKED = "picked"  # the cases the consultant picked for the side-by-side comparison
    ALL = "all"  # every case whose two outputs differ (a random MAX_BLIND_PAIRS of them past that)


class BlindComparisonRefused(ValueError):
    """A link cannot be made, for the reason the message gives; nothing was saved."""


class BlindComparisonUnknown(Exception):
    """The token is forged or names no link."""


class BlindComparisonClosed(Exception):
    """The link exists but takes no more votes: revoked, expired, or its results replaced."""

    def __init__(self, comparison: BlindComparison) -> None:
        super().__init__(f"{comparison} is {comparison.status}")
        self.comparison = comparison


class VoteRefused(ValueError):
    """The vote cannot be stored; the message names the field. Nothing changed."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def differing_pairs(pilot: Pilot) -> list[str]:
    """Case ids, in file order, with both approaches' outputs, not empty and not the same: a
    pair of identical texts tells nothing about which is better."""
    outputs = PilotOutput.objects.filter(
        case__pilot=pilot, approach__in=[pilot.baseline_approach, pilot.candidate_approach]
    ).values_list("case__case_id", "case__position", "approach", "output")
    by_case: dict[str, dict[str, str]] = {}
    positions: dict[str, int] = {}
    for case_id, position, approach, output in outputs:
        by_case.setdefault(case_id, {})[approach] = output
        positions[case_id] = position
    found = [
        case_id
        for case_id, texts in by_case.items()
        if (baseline := texts.get(pilot.baseline_approach))
        and (candidate := texts.get(pilot.candidate_approach))
        and baseline.strip() != candidate.strip()
    ]
    return sorted(found, key=positions.__getitem__)


def blind_pairs_available(pilot: Pilot) -> dict[str, int]:
    """How many pairs a new link would show, per selection, and how many cases differ."""
    differing = differing_pairs(pilot) if pilot.has_results else []
    usable = set(differing)
    return {
        CaseSelection.PICKED: sum(1 for c in pilot.comparison_case_ids if c in usable),
        CaseSelection.ALL: min(len(differing), MAX_BLIND_PAIRS),
        "differing": len(differing),
    }


@transaction.atomic
def blind_comparison_create(
    *, pilot: Pilot, by: User, days: int, cases: str = CaseSelection.ALL
) -> BlindComparison:
    """A link to judge the pilot's pairs blind for `days` days (1 to MAX_BLIND_DAYS): the
    picked cases, or every case whose outputs differ (a random MAX_BLIND_PAIRS past that, kept
    in file order). `BlindComparisonRefused` says why not; nothing is saved then."""
    if not 1 <= days <= MAX_BLIND_DAYS:
        raise BlindComparisonRefused(f"Open for: choose from 1 to {MAX_BLIND_DAYS} days.")
    if cases not in {CaseSelection.PICKED, CaseSelection.ALL}:
        raise BlindComparisonRefused("Pairs: choose the picked cases or all cases.")
    locked = Pilot.objects.select_for_update().select_related("assessment").get(pk=pilot.pk)
    if Project.objects.filter(pk=locked.assessment.project_id, archived_at__isnull=False).exists():
        raise ProjectArchived
    if not locked.has_results:
        raise BlindComparisonRefused("Import the pilot's results before sharing its outputs.")
    differing = differing_pairs(locked)
    if cases == CaseSelection.PICKED:
        usable = set(differing)
        chosen = [case_id for case_id in locked.comparison_case_ids if case_id in usable]
        if not chosen:
            raise BlindComparisonRefused(
                "Pairs: none of the picked cases has two different outputs to judge; pick "
                "cases, or share all cases."
            )
    else:
        chosen = differing
        if not chosen:
            raise BlindComparisonRefused(
                "Pairs: no case has two different outputs to judge (both approaches answered "
                "every case alike, or without an output)."
            )
        if len(chosen) > MAX_BLIND_PAIRS:
            order = {case_id: index for index, case_id in enumerate(differing)}
            sample = random.SystemRandom().sample(differing, MAX_BLIND_PAIRS)
            chosen = sorted(sample, key=order.__getitem__)
    comparison = BlindComparison.objects.create(
        pilot=locked,
        results_version=locked.results_version,
        case_ids=chosen,
        expires_at=timezone.now() + timedelta(days=days),
        created_by=by,
    )
    detail = f"blind comparison link {comparison.pk}, {len(chosen)} pairs, {days} days"
    pilot_audit(locked, by, AuditEvent.Action.SHARED, detail)
    return comparison


@transaction.atomic
def blind_comparison_revoke(*, comparison: BlindComparison, by: User) -> None:
    """Close the link for good; its votes stay counted. Revoking again keeps the first time."""
    if comparison.revoked_at is None:
        comparison.revoked_at = timezone.now()
        comparison.save(update_fields=["revoked_at"])
    pilot_audit(
        comparison.pilot, by, AuditEvent.Action.REVOKED, f"blind comparison link {comparison.pk}"
    )


def blind_comparison_open(token: str) -> BlindComparison:
    """The link a token names, if it takes votes. `BlindComparisonUnknown` for a forged token
    or a deleted link; `BlindComparisonClosed` for a revoked, expired or replaced one."""
    try:
        pk = signing.Signer(salt=BLIND_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError) as error:
        raise BlindComparisonUnknown from error
    if not isinstance(pk, int):
        raise BlindComparisonUnknown
    comparison = (
        BlindComparison.objects.select_related("pilot__assessment__project__client__organization")
        .filter(pk=pk)
        .first()
    )
    if comparison is None:
        raise BlindComparisonUnknown
    if not comparison.is_open:
        raise BlindComparisonClosed(comparison)
    return comparison


def new_visitor_key() -> str:
    """A visitor's random key: 32 hex digits, telling nothing about the person."""
    return secrets.token_hex(16)


def is_visitor_key(value: object) -> bool:
    return (
        isinstance(value, str) and len(value) == 32 and all(c in "0123456789abcdef" for c in value)
    )


def candidate_letter(comparison: BlindComparison, visitor: str, case_id: str) -> str:
    """The letter the fine-tuned model's output is shown as, to this visitor, on this pair."""
    digest = salted_hmac(_ORDER_SALT, f"{comparison.pk}|{visitor}|{case_id}", algorithm="sha256")
    return LETTERS[digest.digest()[0] & 1]


@dataclass(frozen=True, slots=True)
class BlindPair:
    """One pair as a visitor sees it: its number, the input and the texts shown as A and B."""

    number: int
    input: str
    a: str
    b: str
    shortened: bool


def _shortened(text: str) -> tuple[str, bool]:
    if len(text) <= PAGE_TEXT_CHARS:
        return text, False
    return text[:PAGE_TEXT_CHARS].rstrip() + " …", True


def blind_pair(comparison: BlindComparison, visitor: str, number: int) -> BlindPair | None:
    """Pair `number` (from 1) of the link, in this visitor's order; None if there is none."""
    if not 1 <= number <= len(comparison.case_ids):
        return None
    pilot = comparison.pilot
    case_id = comparison.case_ids[number - 1]
    outputs = {
        o.approach: o
        for o in PilotOutput.objects.filter(
            case__pilot=pilot,
            case__case_id=case_id,
            approach__in=[pilot.baseline_approach, pilot.candidate_approach],
        ).select_related("case")
    }
    baseline = outputs.get(pilot.baseline_approach)
    candidate = outputs.get(pilot.candidate_approach)
    if baseline is None or candidate is None:
        return None
    first, second = (candidate, baseline)
    if candidate_letter(comparison, visitor, case_id) == "B":
        first, second = baseline, candidate
    texts = [_shortened(t) for t in (baseline.case.input, first.output, second.output)]
    return BlindPair(
        number=number,
        input=texts[0][0],
        a=texts[1][0],
        b=texts[2][0],
        shortened=any(short for _, short in texts),
    )


def visitor_votes(comparison: BlindComparison, visitor: str) -> dict[int, tuple[str, str]]:
    """The visitor's votes on the link: pair number → (their letter or "equal", comment)."""
    numbers = {case_id: index + 1 for index, case_id in enumerate(comparison.case_ids)}
    found: dict[int, tuple[str, str]] = {}
    for vote in BlindVote.objects.filter(comparison=comparison, visitor=visitor):
        if vote.case_id not in numbers:
            continue
        if vote.preferred == BlindVote.Preferred.EQUAL:
            choice = EQUAL
        elif vote.preferred == BlindVote.Preferred.CANDIDATE:
            choice = vote.candidate_shown_as
        else:
            choice = LETTERS[1 - LETTERS.index(vote.candidate_shown_as)]
        found[numbers[vote.case_id]] = (choice, vote.comment)
    return found


@transaction.atomic
def blind_vote(
    *, comparison: BlindComparison, visitor: str, number: int, choice: str, comment: str
) -> BlindVote:
    """Store the visitor's judgement of pair `number`: "A", "B" or "equal", with a comment.
    One vote per visitor and pair: a second replaces the first. `VoteRefused` names the
    field; `BlindComparisonClosed` if the link closed meanwhile. A visitor's first vote on a
    link is noted in the audit trail."""
    if not is_visitor_key(visitor):
        raise VoteRefused("visitor", "Your browser did not keep this page's cookie.")
    if choice not in {*LETTERS, EQUAL}:
        raise VoteRefused("choice", "Choose A, B or equal.")
    if len(comment) > COMMENT_MAX_CHARS:
        raise VoteRefused("comment", f"Keep the comment to {COMMENT_MAX_CHARS:,} characters.")
    # Locking the link serialises its votes: two at once from one visitor make one row.
    locked = (
        BlindComparison.objects.select_for_update()
        .select_related("pilot__assessment__project__client__organization")
        .get(pk=comparison.pk)
    )
    if not locked.is_open:
        raise BlindComparisonClosed(locked)
    if not 1 <= number <= len(locked.case_ids):
        raise VoteRefused("pair", "There is no such pair.")
    case_id = locked.case_ids[number - 1]
    letter = candidate_letter(locked, visitor, case_id)
    if choice == EQUAL:
        preferred = BlindVote.Preferred.EQUAL
    elif choice == letter:
        preferred = BlindVote.Preferred.CANDIDATE
    else:
        preferred = BlindVote.Preferred.BASELINE
    first_vote = not BlindVote.objects.filter(comparison=locked, visitor=visitor).exists()
    vote, _ = BlindVote.objects.update_or_create(
        comparison=locked,
        visitor=visitor,
        case_id=case_id,
        defaults={"preferred": preferred, "candidate_shown_as": letter, "comment": comment},
    )
    if first_vote:
        detail = f"blind comparison link {locked.pk}, visitor {visitor[:8]}"
        pilot_audit(locked.pilot, None, AuditEvent.Action.VOTED, detail)
    return vote


@dataclass(frozen=True, slots=True)
class BlindComment:
    """A visitor's comment on a pair, for the agency: which pair, what they preferred, when."""

    number: int
    case_id: str
    preferred: str
    text: str
    at: datetime


@dataclass(frozen=True, slots=True)
class BlindTally:
    """The votes on a pilot's current results, across its links."""

    votes: int
    candidate: int
    baseline: int
    equal: int
    visitors: int
    pairs: int  # distinct pairs judged
    rate: float  # the fine-tuned model's preference rate, "equal" as half
    low: float
    high: float
    chose_a: int  # votes for whichever was shown as A: a strong lean would hint at a side bias
    comments: list[BlindComment]

    @property
    def rate_percent(self) -> int:
        return round(self.rate * 100)

    @property
    def range_percent(self) -> tuple[int, int]:
        return round(self.low * 100), round(self.high * 100)


def blind_tally(pilot: Pilot) -> BlindTally | None:
    """The votes cast through the pilot's links on its current results; None before any."""
    votes = list(
        BlindVote.objects.filter(
            comparison__pilot=pilot, comparison__results_version=pilot.results_version
        ).select_related("comparison")
    )
    counts = dict.fromkeys(BlindVote.Preferred, 0)
    for vote in votes:
        counts[BlindVote.Preferred(vote.preferred)] += 1
    found = preference_rate(
        counts[BlindVote.Preferred.CANDIDATE],
        counts[BlindVote.Preferred.BASELINE],
        counts[BlindVote.Preferred.EQUAL],
    )
    if found is None:
        return None
    rate, (low, high) = found
    chose_a = sum(
        1
        for v in votes
        if (v.preferred == BlindVote.Preferred.CANDIDATE and v.candidate_shown_as == "A")
        or (v.preferred == BlindVote.Preferred.BASELINE and v.candidate_shown_as == "B")
    )
    comments = [
        BlindComment(
            number=vote.comparison.case_ids.index(vote.case_id) + 1,
            case_id=vote.case_id,
            preferred=BlindVote.Preferred(vote.preferred).label,
            text=vote.comment,
            at=vote.updated_at,
        )
        for vote in votes
        if vote.comment.strip()
    ]
    return BlindTally(
        votes=len(votes),
        candidate=counts[BlindVote.Preferred.CANDIDATE],
        baseline=counts[BlindVote.Preferred.BASELINE],
        equal=counts[BlindVote.Preferred.EQUAL],
        visitors=len({(v.comparison_id, v.visitor) for v in votes}),
        pairs=len({v.case_id for v in votes}),
        rate=rate,
        low=low,
        high=high,
        chose_a=chose_a,
        comments=comments,
    )
