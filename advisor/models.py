from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone

from advisor import questionnaire
from advisor.scoring.answers import ANSWER_FIELDS, InvalidAnswers, parse_answers
from advisor.scoring.contract import CostSnapshotDict, RecommendationDict
from advisor.scoring.currency import US_DOLLAR, US_DOLLARS, Currency
from advisor.scoring.prices import (
    ASSUMPTION_SPECS,
    Assumptions,
    check_assumption_overrides,
    default_assumptions,
)

if TYPE_CHECKING:
    from projects.models import Organization


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def for_organization(self, organization: Organization) -> AssessmentQuerySet:
        return self.filter(project__client__organization=organization)


class Assessment(models.Model):
    """One run of the questionnaire for a project, saved after every step.

    While a draft, `answers` holds the valid answers given so far and `pending_inputs` what was
    typed but not yet valid (kept when someone goes Back). Submitting freezes the answers and
    stores the engine's full output, so later rule changes never alter a past result.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="assessments"
    )
    number = models.PositiveIntegerField(help_text="1 for a project's first assessment, and so on.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # A callable, so bumping the version needs no migration.
    questionnaire_version = models.CharField(max_length=20, default=questionnaire.current_version)
    answers = models.JSONField(default=dict, blank=True)
    pending_inputs = models.JSONField(default=dict, blank=True)
    last_step = models.CharField(max_length=30, blank=True)
    # Optimistic locking: every save increments it; a save based on an older one is refused.
    version = models.PositiveIntegerField(default=1)
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    ruleset_version = models.CharField(max_length=40, blank=True)
    recommendation = models.JSONField(null=True, blank=True)
    # {"horizons": {"12": tco, "24": ..., "36": ...}, "cumulative": {approach: [month 0..36]}}
    costs = models.JSONField(null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="unique_assessment_number_per_project"
            ),
        ]

    def __str__(self) -> str:
        return f"Assessment {self.number} of {self.project}"

    def get_absolute_url(self) -> str:
        if self.is_draft:
            return self.step_url(self.resume_step())
        return reverse("advisor:result", kwargs={"project_pk": self.project_id, "pk": self.pk})

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def step_url(self, slug: str) -> str:
        return reverse(
            "advisor:step", kwargs={"project_pk": self.project_id, "pk": self.pk, "step": slug}
        )

    def url(self, name: str) -> str:
        return reverse(f"advisor:{name}", kwargs={"project_pk": self.project_id, "pk": self.pk})

    @property
    def result(self) -> RecommendationDict:
        """The engine's output as frozen at submission, in the output contract."""
        if self.recommendation is None:
            raise ValueError(f"{self} is not submitted: it has no result yet")
        return cast("RecommendationDict", self.recommendation)

    @property
    def cost_snapshot(self) -> CostSnapshotDict:
        """The costs frozen at submission: per horizon, and month by month for the chart."""
        if self.costs is None:
            raise ValueError(f"{self} is not submitted: it has no costs yet")
        return cast("CostSnapshotDict", self.costs)

    def applicable_fields(self) -> dict[str, tuple[str, ...]]:
        """Step slug → the questions that apply on it, given the answers so far."""
        return {
            step.slug: questionnaire.applicable_fields(step, self.answers)
            for step in questionnaire.STEPS
        }

    def missing_by_step(self) -> dict[str, list[str]]:
        """Step slug → applicable questions without a valid answer yet."""
        return {
            slug: missing
            for slug, fields in self.applicable_fields().items()
            if (missing := [f for f in fields if not self._is_answered(f)])
        }

    def _is_answered(self, field: str) -> bool:
        # An optional answer a draft does not hold yet takes its default (older drafts).
        if field in self.pending_inputs:
            return False
        return field in self.answers or ANSWER_FIELDS[field].optional

    @property
    def step_count(self) -> int:
        """How many steps the questionnaire has."""
        return len(questionnaire.STEPS)

    def steps_done(self) -> set[str]:
        missing = self.missing_by_step()
        return {step.slug for step in questionnaire.STEPS if step.slug not in missing}

    def resume_step(self) -> str:
        """Where to continue: the first step with something missing, else the review page."""
        missing = self.missing_by_step()
        for step in questionnaire.STEPS:
            if step.slug in missing:
                return step.slug
        return "review"

    def engine_input(self) -> dict[str, Any]:
        return questionnaire.engine_input(self.answers)

    def validation_errors(self) -> dict[str, str]:
        """Every reason the answers cannot be submitted yet (field → message); empty if none."""
        errors = dict.fromkeys(self.pending_inputs, "has a value that is not valid yet")
        try:
            parse_answers(self.engine_input())
        except InvalidAnswers as invalid:
            errors.update({f: m for f, m in invalid.errors.items() if f not in errors})
        return errors

    @property
    def currency(self) -> str:
        """The currency of its amounts and budgets: as frozen with the result once submitted
        (US dollars before currencies existed), the organization's while a draft."""
        if self.recommendation is not None:
            code = self.recommendation.get("currency", US_DOLLARS)
            return code if isinstance(code, str) else US_DOLLARS
        return RateCard.of(self.project.client.organization).currency


def figure_label(name: str) -> str:
    """A rate card figure as a form and its messages name it: what it is, in words."""
    return ASSUMPTION_SPECS[name].description.removesuffix(".")


class RateCard(models.Model):
    """An agency's own rate card: the currency it plans in, how many units of it one US dollar
    buys (the model catalogue prices in dollars), and the figures it sets instead of the
    Advisor's defaults, amounts in its currency, each with the day it was set."""

    organization = models.OneToOneField(
        "projects.Organization", on_delete=models.CASCADE, related_name="rate_card"
    )
    # An ISO 4217 code of CURRENCIES; the service that writes it checks.
    currency = models.CharField(max_length=3, default=US_DOLLARS)
    currency_per_usd = models.DecimalField(max_digits=16, decimal_places=6, default=Decimal(1))
    rate_set_on = models.DateField(null=True, blank=True)
    # {figure name: {"value": 95.0, "set_on": "2026-12-01"}}; only names in ASSUMPTION_SPECS.
    figures = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Rate card of {self.organization}"

    @classmethod
    def of(cls, organization: Organization) -> RateCard:
        """The organization's rate card; the Advisor's defaults in US dollars (unsaved) if it
        has not set one."""
        return cls.objects.filter(organization=organization).first() or cls(
            organization=organization
        )

    def money(self) -> Currency:
        """The currency and its dated rate, as the engine takes them."""
        if self.currency == US_DOLLARS:
            return US_DOLLAR
        as_of = self.rate_set_on.isoformat() if self.rate_set_on else None
        return Currency(self.currency, float(self.currency_per_usd), as_of)

    def set_values(self) -> dict[str, float]:
        """The figures the agency set, by name (names the rate card no longer has left out)."""
        values = {name: entry.get("value") for name, entry in self._entries().items()}
        valid, _ = check_assumption_overrides(values)
        return valid

    def set_on(self, name: str) -> str | None:
        """The day a figure was set (ISO), if the agency set it."""
        day = self._entries().get(name, {}).get("set_on")
        return day if isinstance(day, str) else None

    def _entries(self) -> dict[str, dict[str, Any]]:
        figures = self.figures if isinstance(self.figures, dict) else {}
        return {
            name: entry
            for name, entry in figures.items()
            if name in ASSUMPTION_SPECS and isinstance(entry, dict)
        }

    def assumptions(self) -> Assumptions:
        """The figures a new result uses: the defaults converted into the agency's currency,
        then each figure it set, dated, as its own rate card's."""
        figures = default_assumptions().in_currency(self.money())
        source = f"{self.organization.name}'s rate card"
        by_day: dict[str | None, dict[str, float]] = {}
        for name, value in self.set_values().items():
            by_day.setdefault(self.set_on(name), {})[name] = value
        for day, values in sorted(by_day.items(), key=lambda item: item[0] or ""):
            figures = figures.with_overrides(values, source=source, as_of=day)
        return figures


class PilotQuerySet(models.QuerySet["Pilot"]):
    def for_organization(self, organization: Organization) -> PilotQuerySet:
        return self.filter(assessment__project__client__organization=organization)


class Pilot(models.Model):
    """The pilot of step four after a "pilot fine-tuning" recommendation: the held-out test set,
    the metrics prompting fell short on with their targets, and the results as imported.

    The results live in `PilotCase` (one per held-out case, with its input) and `PilotOutput`
    (one per case and approach: the output and each metric's value). `verdict` is the engine's
    verdict on them (`PilotVerdictDict`), computed by the service that imports them.
    """

    assessment = models.OneToOneField(
        "advisor.Assessment", on_delete=models.CASCADE, related_name="pilot"
    )
    # The held-out test set, as the consultant describes it.
    held_out_size = models.PositiveIntegerField()
    held_out_drawn = models.TextField(help_text="How the held-out cases were drawn.")
    held_out_confirmed = models.BooleanField(
        default=False, help_text="Confirmed absent from the tuned model's training data."
    )
    # Metric names as the results file names them.
    fell_short = models.JSONField(default=list, blank=True)
    # [{"metric": "format_compliance", "comparison": ">=", "value": 0.95}, ...]
    targets = models.JSONField(default=list, blank=True)
    # The client's JSON schema, for the eval kit's `is-json` assert on a format gap.
    output_schema = models.JSONField(null=True, blank=True)

    # The imported results: which approach is which, where they came from, the verdict.
    baseline_approach = models.CharField(max_length=200, blank=True)
    candidate_approach = models.CharField(max_length=200, blank=True)
    approaches = models.JSONField(default=list, blank=True)  # every approach, in file order
    metrics = models.JSONField(default=list, blank=True)  # [{"name": ..., "kind": ...}]
    results_filename = models.CharField(max_length=200, blank=True)
    results_format = models.CharField(max_length=10, blank=True)
    results_notes = models.JSONField(default=list, blank=True)
    # Bumped on every import: what refers to one import's outputs can tell it is replaced.
    results_version = models.PositiveIntegerField(default=0)
    results_imported_at = models.DateTimeField(null=True, blank=True)
    results_imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verdict = models.JSONField(null=True, blank=True)
    # Case ids the consultant picked for the side-by-side comparison, in their order.
    comparison_case_ids = models.JSONField(default=list, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PilotQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Pilot of assessment {self.assessment.number} of {self.assessment.project}"

    @property
    def has_results(self) -> bool:
        return self.verdict is not None


class PilotCase(models.Model):
    """One held-out test case of a pilot's imported results, with its input (if the file gave
    one); its outputs are one `PilotOutput` per approach."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="cases")
    case_id = models.CharField(max_length=200)
    position = models.PositiveIntegerField(help_text="Its place in the results file, from 0.")
    input = models.TextField(blank=True)  # "" when the file gave none (an input is never empty)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["pilot", "case_id"], name="unique_case_per_pilot"),
        ]

    def __str__(self) -> str:
        return f"Case {self.case_id}"


class PilotOutput(models.Model):
    """One case under one approach: the output and the value of every metric (pass/fail as 1.0
    or 0.0), as imported."""

    case = models.ForeignKey(PilotCase, on_delete=models.CASCADE, related_name="outputs")
    approach = models.CharField(max_length=200)
    output = models.TextField(blank=True)  # "" when the file gave none
    values = models.JSONField(default=dict)  # {metric name: float}

    class Meta:
        ordering = ["case__position", "approach"]
        constraints = [
            models.UniqueConstraint(fields=["case", "approach"], name="unique_output_per_approach"),
        ]

    def __str__(self) -> str:
        return f"{self.case} under {self.approach}"


BLIND_SALT = "advisor.blind-comparison"


class BlindComparisonQuerySet(models.QuerySet["BlindComparison"]):
    def for_organization(self, organization: Organization) -> BlindComparisonQuerySet:
        return self.filter(pilot__assessment__project__client__organization=organization)


class BlindComparison(models.Model):
    """A link through which the client judges pairs of a pilot's outputs blind, without a
    login: the same input, the two approaches' outputs as "A" and "B" in an order drawn per
    visitor and pair, until the link expires, is revoked, or the results are imported again."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="blind_comparisons")
    # The import whose outputs it shows (`Pilot.results_version`): a later import closes it.
    results_version = models.PositiveIntegerField()
    case_ids = models.JSONField(default=list)  # the pairs shown, in order
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BlindComparisonQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Blind comparison {self.pk} of the pilot of {self.pilot.assessment.project}"

    def get_absolute_url(self) -> str:
        return reverse("blind:start", kwargs={"token": self.token})

    @property
    def token(self) -> str:
        """Signed, so a link cannot be guessed from another one's number; without a time in
        it, so the address stays the same wherever it is shown."""
        return signing.Signer(salt=BLIND_SALT).sign_object(self.pk)

    @property
    def is_open(self) -> bool:
        """Takes votes: not revoked, not expired, and its results are the pilot's current ones."""
        return (
            self.revoked_at is None
            and self.expires_at > timezone.now()
            and self.results_version == self.pilot.results_version
        )

    @property
    def status(self) -> str:
        """What the agency's list says of it, in a word or two."""
        if self.revoked_at is not None:
            return "revoked"
        if self.results_version != self.pilot.results_version:
            return "closed by a new import"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"


class BlindVote(models.Model):
    """One visitor's judgement of one pair of a blind comparison: which output they preferred
    (resolved to the approach at the time of the vote) and their comment. One per visitor and
    pair: voting again on a pair changes this vote."""

    class Preferred(models.TextChoices):
        CANDIDATE = "candidate", "the fine-tuned model"
        BASELINE = "baseline", "prompting"
        EQUAL = "equal", "equal"

    comparison = models.ForeignKey(BlindComparison, on_delete=models.CASCADE, related_name="votes")
    # A random key from the visitor's signed cookie; nothing about the person.
    visitor = models.CharField(max_length=32)
    case_id = models.CharField(max_length=200)
    preferred = models.CharField(max_length=10, choices=Preferred.choices)
    # The letter the fine-tuned model's output was shown as, to check for a bias to one side.
    candidate_shown_as = models.CharField(max_length=1)
    comment = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["comparison", "visitor", "case_id"], name="one_vote_per_pair_and_visitor"
            ),
        ]

    def __str__(self) -> str:
        return f"Vote on case {self.case_id} in {self.comparison}"
