"""Pilot services: recording the pilot, importing its results whole or not at all, picking the
cases to compare; each with its audit event."""

import json
from pathlib import Path

import pytest

from advisor import pilots
from advisor.models import Assessment, Pilot, PilotCase, PilotOutput
from advisor.scoring.evidence import parse_target
from projects.models import AuditEvent
from projects.services import project_archive
from tests.personas import Agency, submit

EXAMPLES = Path(__file__).parent / "pilot_examples"


def record(assessment: Assessment, **changes: object) -> Pilot:
    fields: dict[str, object] = {
        "held_out_size": 200,
        "held_out_drawn": "Every tenth invoice of 2026, drawn before training.",
        "held_out_confirmed": True,
        "fell_short": ["format_compliance"],
        "targets": [parse_target("format_compliance>=0.95")],
    }
    fields.update(changes)
    return pilots.pilot_record(assessment=assessment, by=assessment.created_by, **fields)


def imported(pilot: Pilot, name: str = "clear_win.csv", **options: str) -> Pilot:
    return pilots.pilot_import_results(
        pilot=pilot,
        raw=(EXAMPLES / name).read_bytes(),
        filename=name,
        by=pilot.assessment.created_by,
        **options,
    )


@pytest.fixture
def piloted(acme: Agency) -> Assessment:
    return submit(acme, "clinical_coding")


@pytest.mark.django_db
def test_a_pilot_is_recorded_only_after_a_recommendation_to_pilot(acme: Agency) -> None:
    with pytest.raises(pilots.PilotNotOffered):
        record(submit(acme, "brand_voice"))

    later = record(submit(acme, "invoice_extraction"))  # the pilot comes after prompt work

    assert later.held_out_size == 200
    assert AuditEvent.objects.filter(action="created", target_type="pilot").count() == 1


@pytest.mark.django_db
def test_importing_stores_every_case_under_every_approach_and_the_verdict(
    piloted: Assessment,
) -> None:
    pilot = imported(record(piloted))

    assert pilot.verdict is not None
    assert pilot.verdict["verdict"] == "adopt_fine_tuning"
    assert pilot.verdict["n_cases"] == 200
    assert (pilot.baseline_approach, pilot.candidate_approach) == ("best-prompt", "tuned-llama-8b")
    assert PilotCase.objects.filter(pilot=pilot).count() == 200
    assert PilotOutput.objects.filter(case__pilot=pilot).count() == 400
    first = PilotOutput.objects.filter(case__pilot=pilot).first()
    assert first is not None
    assert "Invoice" in first.case.input
    assert set(first.values) == {"format_compliance", "field_accuracy", "latency_ms", "cost"}
    assert pilot.results_format == "csv"
    assert pilot.results_version == 1
    event = AuditEvent.objects.get(action="imported", target_type="pilot")
    assert event.detail == "200 cases; adopt fine tuning"


@pytest.mark.django_db
def test_stored_results_read_back_as_imported(piloted: Assessment) -> None:
    pilot = imported(record(piloted), "win_with_regression.json")
    from advisor.scoring.results_file import read_results_file

    original = read_results_file((EXAMPLES / "win_with_regression.json").read_bytes())
    again = pilots.stored_results(pilot)

    assert again.to_rows() == original.to_rows()
    assert pilot.verdict is not None
    assert pilot.verdict["verdict"] == "keep_prompting"


@pytest.mark.django_db
def test_a_bad_file_changes_nothing_already_saved(piloted: Assessment) -> None:
    pilot = imported(record(piloted))
    pilots.pilot_pick_comparison(
        pilot=pilot, case_ids=["inv-001", "inv-002"], by=piloted.created_by
    )
    before = list(PilotOutput.objects.values_list("pk", "output", "values").order_by("pk"))

    with pytest.raises(pilots.PilotRefused) as refused:
        pilots.pilot_import_results(
            pilot=pilot,
            raw=b"case_id,approach,format_compliance\n1,best-prompt,yes\n1,tuned,maybe\n",
            filename="bad.csv",
            by=piloted.created_by,
        )

    assert any(
        "row 3" in where and "format_compliance" in where for where, _ in refused.value.problems
    )
    pilot.refresh_from_db()
    assert pilot.results_version == 1
    assert pilot.comparison_case_ids == ["inv-001", "inv-002"]
    assert list(PilotOutput.objects.values_list("pk", "output", "values").order_by("pk")) == before
    assert AuditEvent.objects.filter(action="imported").count() == 1


@pytest.mark.django_db
def test_a_metric_the_results_lack_refuses_the_import(piloted: Assessment) -> None:
    pilot = record(piloted, fell_short=["tone"], targets=[])

    with pytest.raises(pilots.PilotRefused) as refused:
        imported(pilot)

    assert refused.value.problems[0][0] == "Metrics prompting fell short on"
    assert "'tone' is not a metric" in refused.value.problems[0][1]
    assert not PilotCase.objects.exists()


@pytest.mark.django_db
def test_approaches_that_cannot_be_told_apart_must_be_chosen(piloted: Assessment) -> None:
    raw = (EXAMPLES / "clear_win.csv").read_bytes().replace(b"best-prompt", b"model-a")
    raw = raw.replace(b"tuned-llama-8b", b"model-b")
    pilot = record(piloted)

    with pytest.raises(pilots.PilotRefused, match="“model-a”, “model-b”"):
        pilots.pilot_import_results(pilot=pilot, raw=raw, filename="r.csv", by=piloted.created_by)
    chosen = pilots.pilot_import_results(
        pilot=pilot, raw=raw, filename="r.csv", by=piloted.created_by, candidate="model-b"
    )

    assert (chosen.baseline_approach, chosen.candidate_approach) == ("model-a", "model-b")


@pytest.mark.django_db
def test_changing_the_targets_works_the_verdict_out_again(piloted: Assessment) -> None:
    pilot = imported(record(piloted))
    assert pilot.verdict is not None

    changed = record(piloted, targets=[parse_target("format_compliance>=0.99")])

    assert changed.pk == pilot.pk
    assert changed.verdict is not None
    assert changed.verdict["metrics"][0]["target"] == {"comparison": ">=", "value": 0.99}
    with pytest.raises(pilots.PilotRefused):
        record(piloted, fell_short=["tone"])
    pilot.refresh_from_db()
    assert pilot.targets[0]["value"] == 0.99


@pytest.mark.django_db
def test_a_reimport_keeps_the_picked_cases_it_still_has(piloted: Assessment) -> None:
    pilot = imported(record(piloted))
    pilots.pilot_pick_comparison(
        pilot=pilot, case_ids=["inv-001", "inv-200"], by=piloted.created_by
    )
    rows = pilots.stored_results(pilot).to_rows()
    raw = "\n".join(json.dumps(row) for row in rows if row["case_id"] != "inv-200").encode()

    again = pilots.pilot_import_results(
        pilot=pilot, raw=raw, filename="fewer.jsonl", by=piloted.created_by
    )

    assert again.comparison_case_ids == ["inv-001"]
    assert again.results_version == 2


@pytest.mark.django_db
def test_picking_cases_to_compare_is_checked(piloted: Assessment) -> None:
    pilot = imported(record(piloted))
    by = piloted.created_by

    with pytest.raises(pilots.PilotRefused, match="at most 5"):
        pilots.pilot_pick_comparison(
            pilot=pilot, case_ids=[f"inv-00{i}" for i in range(1, 7)], by=by
        )
    with pytest.raises(pilots.PilotRefused, match="“nope” is not a case"):
        pilots.pilot_pick_comparison(pilot=pilot, case_ids=["nope"], by=by)
    picked = pilots.pilot_pick_comparison(pilot=pilot, case_ids=["inv-003", "inv-001"], by=by)

    assert picked.comparison_case_ids == ["inv-003", "inv-001"]


@pytest.mark.django_db
def test_an_archived_project_takes_no_pilot(acme: Agency, piloted: Assessment) -> None:
    project_archive(project=acme.project, by=acme.admin.user)

    with pytest.raises(pilots.ProjectArchived):
        record(piloted)
    assert not Pilot.objects.exists()
