"""Hostile and malformed pilot input through the pages: never a 500, never a half-import, and
what was saved before stays as it was."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.test import Client as HttpClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.models import Assessment, Pilot, PilotCase, PilotOutput
from tests.advisor.pilot_files import csv_bytes, invoice_cases, promptfoo_bytes
from tests.advisor.piloting import pilot_with_results
from tests.personas import Agency, submit

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hostile = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "\u202eevil",
            "x" * 5000,
            "-1",
            "1e999",
            "NaN",
            "9" * 400,
            "<script>alert(1)</script>",
            "best-prompt",
            "tuned-llama-8b",
            "format_compliance",
            "format_compliance>=0.95",
            "latency_ms<=1e999",
            "{}",
            "[]",
            '{"a":' * 100,
        ]
    ),
)
cells = st.one_of(
    st.sampled_from(["true", "0", "1", "0.5", "-1", "1e999", "nan", "", "=1+1", '"', "\x00"]),
    st.text(max_size=10),
)


def rows(*models: type[Model]) -> list[list[dict[str, object]]]:
    return [list(m._default_manager.order_by("pk").values()) for m in models]


@pytest.fixture
def with_results(acme: Agency) -> Assessment:
    assessment = submit(acme, "clinical_coding")
    by = acme.admin.user
    pilot_with_results(assessment, by)
    return assessment


def files() -> st.SearchStrategy[tuple[str, bytes]]:
    """Bytes, broken CSV tables, mutated promptfoo documents: what a hostile upload holds."""
    names = st.sampled_from(["r.csv", "r.jsonl", "r.json", "r.txt", "r", "r.exe"])
    table = st.lists(st.lists(cells, min_size=1, max_size=5), min_size=1, max_size=6).map(
        lambda grid: "\n".join(",".join(row) for row in grid).encode("utf-8", "surrogatepass")
    )
    good = csv_bytes(invoice_cases(4))
    broken_csv = st.integers(0, len(good) - 1).map(lambda i: good[:i] + b'\x00,"' + good[i:])
    document = promptfoo_bytes(invoice_cases(3))
    truncated = st.integers(0, len(document)).map(lambda i: document[:i])
    return st.tuples(names, st.one_of(st.binary(max_size=200), table, broken_csv, truncated))


@pytest.mark.django_db
def test_no_upload_gives_a_500_or_a_half_import(alice: HttpClient, with_results: Assessment):
    url = with_results.url("pilot_import")

    @FUZZ
    @given(upload=files(), baseline=hostile, candidate=hostile)
    def fuzz(upload: tuple[str, bytes], baseline: str, candidate: str) -> None:
        before = rows(Pilot, PilotCase, PilotOutput)
        name, raw = upload
        response = alice.post(
            url,
            {"file": SimpleUploadedFile(name, raw), "baseline": baseline, "candidate": candidate},
        )
        assert response.status_code in {302, 400}, response.status_code
        if response.status_code == 400:
            assert rows(Pilot, PilotCase, PilotOutput) == before
            assert (
                "Nothing was imported; the earlier results are kept." in response.content.decode()
            )
        else:  # a whole new import: every case under both approaches
            pilot = Pilot.objects.get()
            cases = PilotCase.objects.filter(pilot=pilot).count()
            assert PilotOutput.objects.filter(case__pilot=pilot).count() == cases * len(
                pilot.approaches
            )

    fuzz()


@pytest.mark.django_db
def test_no_record_or_pick_gives_a_500_or_a_half_save(alice: HttpClient, with_results: Assessment):
    @FUZZ
    @given(
        size=hostile,
        drawn=hostile,
        fell_short=hostile,
        targets=hostile,
        schema=hostile,
        picks=st.lists(hostile, max_size=7),
    )
    def fuzz(size: str, drawn: str, fell_short: str, targets: str, schema: str, picks: list[str]):
        before = rows(Pilot, PilotCase, PilotOutput)
        response = alice.post(
            with_results.url("pilot"),
            {
                "held_out_size": size,
                "held_out_drawn": drawn,
                "fell_short": fell_short,
                "targets": targets,
                "output_schema": schema,
            },
        )
        assert response.status_code in {302, 400}, response.status_code
        if response.status_code == 400:
            assert rows(Pilot, PilotCase, PilotOutput) == before
        before = rows(Pilot)
        response = alice.post(with_results.url("pilot_compare"), {"cases": picks})
        assert response.status_code in {302, 400}, response.status_code
        if response.status_code == 400:
            assert rows(Pilot) == before
        assert alice.get(with_results.url("result")).status_code == 200

    fuzz()


@pytest.mark.django_db
def test_a_schema_too_deep_or_too_long_is_refused_by_name(alice: HttpClient, with_results) -> None:
    deep = "[" * 5000 + "]" * 5000
    response = alice.post(
        with_results.url("pilot"),
        {
            "held_out_size": "10",
            "held_out_drawn": "x",
            "fell_short": "format_compliance",
            "output_schema": deep,
        },
    )
    assert response.status_code == 400
    assert "The client&#x27;s JSON schema (optional):" in response.content.decode()
    assert json.dumps(Pilot.objects.get().output_schema) == "null"
