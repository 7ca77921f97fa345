"""Pilots (framework step four): writes with their audit events, and reads of stored results.

A pilot belongs to a submitted assessment that recommends piloting fine-tuning (now or later).
Its results come from a file (promptfoo's JSON, CSV or JSON Lines) read by the engine's parsers;
an import is checked whole and replaces the previous results only when every row and the
comparison asked for are good, so a bad file changes nothing.
"""

from collections.abc import Collection, Mapping, Sequence
from typing import Final

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from advisor.models import Assessment, Pilot, PilotCase, PilotOutput
from advisor.scoring.evidence import (
    Comparison,
    InvalidPilot,
    PilotVerdictDict,
    Target,
    default_roles,
    pilot_verdict,
)
from advisor.scoring.outcomes import Stage
from advisor.scoring.pilot_results import EvalResults, InvalidResults, MetricKind
from advisor.scoring.results_file import (
    read_results_file,
    results_format,
    results_from_records,
)
from advisor.services import ProjectArchived
from projects.models import AuditEvent, Project
from projects.services import audit_record

MAX_COMPARISON_CASES: Final = 5
"""A client reads a handful of pairs closely; more turns a comparison into a listing."""
_BATCH: Final = 1_000


class PilotNotOffered(Exception):
    """The assessment does not recommend a tuning pilot (or is not submitted): no pilot."""


class PilotRefused(ValueError):
    """The pilot's record or results cannot be used; `problems` lists (where, what is wrong),
    every one. Nothing was saved."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{w}: {m}" if w else m for w, m in self.problems))


def pilot_offered(assessment: Assessment) -> bool:
    """A submitted assessment whose recommendation pilots fine-tuning, now or later."""
    if assessment.recommendation is None:
        return False
    result = assessment.result
    pilot = Stage.PILOT_FINE_TUNING.value
    return result["stage"] == pilot or pilot in result.get("later_stages", [])


def _check_not_archived(assessment: Assessment) -> None:
    """An archived project's pilot stays readable and takes no changes (read afresh: the
    project may have been archived since the caller loaded it)."""
    if Project.objects.filter(pk=assessment.project_id, archived_at__isnull=False).exists():
        raise ProjectArchived


def pilot_audit(pilot: Pilot, by: User | None, action: str, detail: str = "") -> None:
    """Note an action on the pilot (or on what hangs from it) in its organization's trail."""
    audit_record(
        organization=pilot.assessment.project.client.organization,
        actor=by,
        action=action,
        target=pilot,
        detail=detail,
    )


def targets_of(pilot: Pilot) -> list[Target]:
    """The pilot's stored targets as the engine takes them."""
    return [
        Target(metric=t["metric"], comparison=Comparison(t["comparison"]), value=float(t["value"]))
        for t in pilot.targets
    ]


def target_dicts(targets: Sequence[Target]) -> list[dict[str, object]]:
    return [
        {"metric": t.metric, "comparison": t.comparison.value, "value": t.value} for t in targets
    ]


@transaction.atomic
def pilot_record(
    *,
    assessment: Assessment,
    by: User,
    held_out_size: int,
    held_out_drawn: str,
    held_out_confirmed: bool,
    fell_short: Collection[str],
    targets: Sequence[Target],
    output_schema: object | None = None,
) -> Pilot:
    """Create or change the assessment's pilot record. With results already imported, the
    verdict is worked out again on the new targets; `PilotRefused` when it cannot be (a metric
    the results do not have), and nothing changes."""
    if not pilot_offered(assessment):
        raise PilotNotOffered
    _check_not_archived(assessment)
    pilot = Pilot.objects.select_for_update().filter(assessment=assessment).first()
    created = pilot is None
    if pilot is None:
        pilot = Pilot(assessment=assessment, created_by=by)
    pilot.held_out_size = held_out_size
    pilot.held_out_drawn = held_out_drawn
    pilot.held_out_confirmed = held_out_confirmed
    pilot.fell_short = list(fell_short)
    pilot.targets = target_dicts(targets)
    pilot.output_schema = output_schema
    if pilot.has_results:
        results = stored_results(pilot)
        pilot.verdict = _verdict(
            results,
            baseline=pilot.baseline_approach,
            candidate=pilot.candidate_approach,
            targets=targets,
            fell_short=fell_short,
        )
    pilot.save()
    pilot_audit(pilot, by, AuditEvent.Action.CREATED if created else AuditEvent.Action.CHANGED)
    return pilot


def _verdict(
    results: EvalResults,
    *,
    baseline: str,
    candidate: str,
    targets: Sequence[Target],
    fell_short: Collection[str],
) -> PilotVerdictDict:
    try:
        verdict = pilot_verdict(
            results, baseline=baseline, candidate=candidate, targets=targets, fell_short=fell_short
        )
    except InvalidPilot as invalid:
        raise PilotRefused(
            [(_ROLE_WORDS.get(what, what), why) for what, why in invalid.problems]
        ) from None
    return verdict.to_dict()


_ROLE_WORDS: Final = {
    "baseline": "Prompting approach",
    "candidate": "Fine-tuned approach",
    "fell_short": "Metrics prompting fell short on",
    "targets": "Targets",
}


def _roles(results: EvalResults, baseline: str, candidate: str) -> tuple[str, str]:
    """The baseline and candidate as chosen; the other of two when one is chosen; else told
    apart by their labels. `PilotRefused` naming the approaches when it cannot be told."""
    approaches = results.approaches
    if not baseline and candidate and len(approaches) == 2:
        baseline = next((a for a in approaches if a != candidate), "")
    if not candidate and baseline and len(approaches) == 2:
        candidate = next((a for a in approaches if a != baseline), "")
    if not baseline and not candidate and (roles := default_roles(approaches)):
        baseline, candidate = roles
    if not baseline or not candidate:
        listed = ", ".join(f"“{approach}”" for approach in approaches)
        raise PilotRefused(
            [
                (
                    "Approaches",
                    f"say which approach is prompting and which the fine-tuned model; the "
                    f"file holds {listed}",
                )
            ]
        )
    return baseline, candidate


@transaction.atomic
def pilot_import_results(
    *,
    pilot: Pilot,
    raw: bytes,
    filename: str,
    by: User,
    baseline: str = "",
    candidate: str = "",
) -> Pilot:
    """Read a results file and, if it and the comparison are good, replace the pilot's results
    with it and store the verdict. `PilotRefused` names every problem; nothing changes then."""
    try:
        results = read_results_file(raw, filename=filename)
    except InvalidResults as invalid:
        raise PilotRefused(invalid.problems()) from None
    baseline, candidate = _roles(results, baseline, candidate)
    verdict = _verdict(
        results,
        baseline=baseline,
        candidate=candidate,
        targets=targets_of(pilot),
        fell_short=pilot.fell_short,
    )
    locked = Pilot.objects.select_for_update().select_related("assessment").get(pk=pilot.pk)
    _check_not_archived(locked.assessment)
    _replace_results(locked, results)
    kept = [case_id for case_id in locked.comparison_case_ids if case_id in results.inputs]
    text = raw[:4096].decode("utf-8", errors="replace")
    locked.baseline_approach, locked.candidate_approach = baseline, candidate
    locked.approaches = list(results.approaches)
    locked.metrics = [{"name": m.name, "kind": m.kind.value} for m in results.metrics]
    locked.results_filename = filename[:200]
    locked.results_format = results_format(text, filename=filename).value
    locked.results_notes = list(results.notes)
    locked.results_version += 1
    locked.results_imported_at = timezone.now()
    locked.results_imported_by = by
    locked.verdict = verdict
    locked.comparison_case_ids = kept
    locked.save()
    detail = f"{len(results.case_ids):,} cases; {verdict['verdict'].replace('_', ' ')}"
    pilot_audit(locked, by, AuditEvent.Action.IMPORTED, detail)
    return locked


def _replace_results(pilot: Pilot, results: EvalResults) -> None:
    PilotCase.objects.filter(pilot=pilot).delete()
    cases = PilotCase.objects.bulk_create(
        [
            PilotCase(
                pilot=pilot,
                case_id=case_id,
                position=position,
                input=results.inputs[case_id] or "",
            )
            for position, case_id in enumerate(results.case_ids)
        ],
        batch_size=_BATCH,
    )
    by_id = {case.case_id: case for case in cases}
    PilotOutput.objects.bulk_create(
        [
            PilotOutput(
                case=by_id[case_id],
                approach=approach,
                output=result.output or "",
                values=dict(result.values),
            )
            for approach in results.approaches
            for case_id, result in results.results[approach].items()
        ],
        batch_size=_BATCH,
    )


def stored_results(pilot: Pilot) -> EvalResults:
    """The pilot's imported results, read back as the engine takes them."""
    kinds = {m["name"]: m["kind"] for m in pilot.metrics}
    order = {approach: index for index, approach in enumerate(pilot.approaches)}
    records: list[Mapping[str, object]] = []
    outputs = PilotOutput.objects.filter(case__pilot=pilot).select_related("case")
    for output in sorted(outputs, key=lambda o: (order.get(o.approach, 0), o.case.position)):
        record: dict[str, object] = {"case_id": output.case.case_id, "approach": output.approach}
        if output.case.input:
            record["input"] = output.case.input
        if output.output:
            record["output"] = output.output
        # In the file's order: PostgreSQL's jsonb keeps an object's keys in an order of its own.
        for name, kind in kinds.items():
            value = output.values.get(name)
            record[name] = bool(value) if kind == MetricKind.PASS_FAIL else value
        records.append(record)
    return results_from_records(records)


@transaction.atomic
def pilot_pick_comparison(*, pilot: Pilot, case_ids: Sequence[str], by: User) -> Pilot:
    """Choose the cases shown side by side to the client (at most MAX_COMPARISON_CASES, each a
    case of the imported results). `PilotRefused` names what is wrong; nothing changes then."""
    picked = list(dict.fromkeys(case_ids))
    problems: list[tuple[str, str]] = []
    if len(picked) > MAX_COMPARISON_CASES:
        problems.append(
            ("Cases", f"{len(picked)} picked; pick at most {MAX_COMPARISON_CASES} to compare")
        )
    known = set(
        PilotCase.objects.filter(pilot=pilot, case_id__in=picked[:100]).values_list(
            "case_id", flat=True
        )
    )
    problems += [
        ("Cases", f"“{case_id[:40]}” is not a case of the imported results")
        for case_id in picked[:MAX_COMPARISON_CASES]
        if case_id not in known
    ]
    if problems:
        raise PilotRefused(problems)
    locked = Pilot.objects.select_for_update().get(pk=pilot.pk)
    locked.comparison_case_ids = picked
    locked.save(update_fields=["comparison_case_ids", "updated_at"])
    pilot_audit(locked, by, AuditEvent.Action.CHANGED, f"{len(picked)} cases to compare")
    return locked


def pilot_of(assessment: Assessment) -> Pilot | None:
    """The assessment's pilot, if it has one."""
    return Pilot.objects.filter(assessment=assessment).first()
