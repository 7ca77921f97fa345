from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.db import models
from django.urls import reverse

from advisor import questionnaire
from advisor.scoring.answers import ANSWER_FIELDS, InvalidAnswers, parse_answers
from advisor.scoring.contract import CostSnapshotDict, RecommendationDict

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
