"""An agency's own rate card and currency: saved through one service with its audit event,
used by every new result, never by a result already submitted."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from advisor import services
from advisor.models import Assessment, RateCard
from projects.models import AuditEvent
from tests.personas import Agency, submit

DAY = date(2026, 12, 1)
NEXT_DAY = date(2026, 12, 2)


def set_rates(
    agency: Agency,
    *,
    currency: str = "GBP",
    per_usd: object = 0.8,
    figures: dict[str, object] | None = None,
    today: date = DAY,
) -> RateCard:
    return services.organization_update_rates(
        organization=agency.organization,
        by=agency.admin.user,
        currency=currency,
        currency_per_usd=per_usd,  # type: ignore[arg-type]
        figures=figures or {},  # type: ignore[arg-type]
        today=today,
    )


@pytest.mark.django_db
def test_saving_the_rates_notes_who_changed_them_in_the_trail(acme: Agency, globex: Agency) -> None:
    card = set_rates(acme, figures={"labour_rate_per_hour": 95})

    event = AuditEvent.objects.get()
    assert (event.organization, event.actor, event.action) == (
        acme.organization,
        acme.admin.user,
        "changed",
    )
    assert (event.target_type, event.target_id, event.detail) == (
        "organization",
        acme.organization.pk,
        "rates and currency",
    )
    assert (card.currency, card.currency_per_usd, card.rate_set_on) == ("GBP", Decimal("0.8"), DAY)
    assert card.figures == {"labour_rate_per_hour": {"value": 95.0, "set_on": "2026-12-01"}}
    assert not globex.organization.audit_events.exists()
    assert RateCard.of(globex.organization).currency == "USD"


@pytest.mark.django_db
def test_each_figure_keeps_the_day_it_was_set_until_it_changes(acme: Agency) -> None:
    set_rates(acme, figures={"labour_rate_per_hour": 95, "pilot_weeks": 8})
    card = set_rates(
        acme,
        figures={"labour_rate_per_hour": 95, "pilot_weeks": 10, "vector_store_per_month": None},
        today=NEXT_DAY,
    )

    assert card.figures == {
        "labour_rate_per_hour": {"value": 95.0, "set_on": "2026-12-01"},
        "pilot_weeks": {"value": 10.0, "set_on": "2026-12-02"},
    }
    assert card.rate_set_on == DAY  # the same rate, so the same day
    # In euros, 95 an hour is a new figure; 10 weeks are still 10 weeks.
    euros = set_rates(
        acme,
        currency="EUR",
        per_usd=0.9,
        figures={"labour_rate_per_hour": 95, "pilot_weeks": 10},
        today=date(2026, 12, 3),
    )
    assert euros.figures == {
        "labour_rate_per_hour": {"value": 95.0, "set_on": "2026-12-03"},
        "pilot_weeks": {"value": 10.0, "set_on": "2026-12-02"},
    }
    assert set_rates(acme, per_usd=0.79, today=NEXT_DAY).rate_set_on == NEXT_DAY
    # Back to dollars: no rate to date, and every figure left blank is the default again.
    dollars = set_rates(acme, currency="USD", per_usd=None, today=NEXT_DAY)
    assert (dollars.currency, dollars.currency_per_usd, dollars.rate_set_on) == ("USD", 1, None)
    assert dollars.figures == {}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"currency": "XYZ"}, "currency", "Currency: choose one"),
        ({"currency": ""}, "currency", "Currency: choose one"),
        ({"per_usd": None}, "currency_per_usd", "how many pounds sterling one US dollar buys"),
        ({"per_usd": 0}, "currency_per_usd", "US dollar rate: enter a number from 0.000001"),
        ({"per_usd": -1}, "currency_per_usd", "US dollar rate"),
        ({"per_usd": 0.0000001}, "currency_per_usd", "US dollar rate"),
        ({"per_usd": float("nan")}, "currency_per_usd", "US dollar rate"),
        ({"per_usd": float("inf")}, "currency_per_usd", "US dollar rate"),
        ({"per_usd": 10**400}, "currency_per_usd", "US dollar rate"),
        ({"per_usd": True}, "currency_per_usd", "US dollar rate"),
        ({"per_usd": "0.8"}, "currency_per_usd", "US dollar rate"),
        (
            {"figures": {"labour_rate_per_hour": -5}},
            "labour_rate_per_hour",
            "Blended hourly rate of the team: enter a number from 0 to 1,000,000,000",
        ),
        (
            {"figures": {"major_change_new_data_share": 1.5}},
            "major_change_new_data_share",
            "written anew: enter a number from 0 to 1",
        ),
        ({"figures": {"pilot_weeks": float("nan")}}, "pilot_weeks", "enter a number"),
        ({"figures": {"pilot_weeks": "6"}}, "pilot_weeks", "enter a number"),
        ({"figures": {"prompting_input_per_mtok": 2}}, "prompting_input_per_mtok", "not a figure"),
    ],
)
def test_wrong_rates_are_refused_naming_the_field_and_nothing_is_saved(
    acme: Agency, change: dict[str, object], field: str, words: str
) -> None:
    set_rates(acme, figures={"labour_rate_per_hour": 95})
    before = RateCard.objects.values().get()
    events = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as refused:
        set_rates(acme, **change, today=NEXT_DAY)  # type: ignore[arg-type]

    assert words in " ".join(refused.value.message_dict[field])
    assert RateCard.objects.values().get() == before
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_a_submitted_assessment_is_priced_with_the_agencys_rates_and_currency(
    acme: Agency, globex: Agency
) -> None:
    """A GBP agency at 0.8 pounds to the dollar, with its own labour rate: catalogue prices
    converted, labour at its rate, every sentence in pounds."""
    set_rates(acme, figures={"labour_rate_per_hour": 95})
    pounds = submit(acme)
    dollars = submit(globex)  # the same answers, at an agency with no rate card

    result = pounds.result
    assert result["currency"] == "GBP"
    assert result["exchange_rate"] == {"per_usd": 0.8, "as_of": "2026-12-01"}
    tco, usd_tco = result["tco"]["approaches"], dollars.result["tco"]["approaches"]
    for approach in ("system_prompt", "adapter"):
        assert tco[approach]["priced_on"] == usd_tco[approach]["priced_on"]
        ours, theirs = tco[approach]["monthly_breakdown"], usd_tco[approach]["monthly_breakdown"]
        assert ours["inference"] == pytest.approx(0.8 * theirs["inference"], abs=0.01)
    training = tco["adapter"]["one_off_breakdown"]["training"]
    assert training == pytest.approx(
        0.8 * usd_tco["adapter"]["one_off_breakdown"]["training"], abs=0.01
    )
    assert training > 0
    # The default 32 hours of a system prompt, at the agency's own rate.
    assert tco["system_prompt"]["one_off_breakdown"]["build"] == 32 * 95
    assert usd_tco["system_prompt"]["one_off_breakdown"]["build"] == 32 * 110
    said = json.dumps(result, ensure_ascii=False)
    assert "£" in said
    assert "$" not in said
    listed = {a["name"]: a for a in pounds.cost_snapshot["horizons"]["12"]["assumptions"]}
    assert listed["labour_rate_per_hour"] == {
        "name": "labour_rate_per_hour",
        "value": 95.0,
        "unit": "GBP per hour",
        "description": "Blended hourly rate of the team.",
        "as_of": "2026-12-01",
        "source": "Acme's rate card",
    }
    assert listed["vector_store_per_month"]["value"] == pytest.approx(70 * 0.8)
    assert "converted at 0.8 GBP per US dollar" in listed["vector_store_per_month"]["source"]


@pytest.mark.django_db
def test_a_submitted_result_keeps_the_rates_it_was_priced_with(acme: Agency) -> None:
    before = submit(acme)
    frozen = (before.recommendation, before.costs)
    set_rates(acme, figures={"labour_rate_per_hour": 300})
    before.refresh_from_db()

    assert (before.recommendation, before.costs) == frozen
    assert before.currency == "USD"
    after = submit(acme)
    assert after.currency == "GBP"
    assert after.result["tco"]["approaches"]["system_prompt"]["one_off_breakdown"]["build"] == (
        32 * 300
    )


@pytest.mark.django_db
def test_a_draft_is_in_the_currency_the_agency_plans_in_now(acme: Agency) -> None:
    draft = services.assessment_start(project=acme.project, by=acme.admin.user, answers={})
    assert draft.currency == "USD"
    set_rates(acme, currency="EUR", per_usd=0.92)
    assert draft.currency == "EUR"


@pytest.mark.django_db
def test_a_figure_the_rate_card_no_longer_has_is_left_out(acme: Agency) -> None:
    """A name dropped from the engine, or a value out of a tightened range, stays stored but
    prices nothing; the rest of the card still applies."""
    card = set_rates(acme, figures={"labour_rate_per_hour": 95})
    card.figures = {
        **card.figures,
        "retired_figure": {"value": 1.0, "set_on": "2026-01-01"},
        "pilot_weeks": {"value": 10_000.0, "set_on": "2026-01-01"},
    }
    card.save()

    figures = RateCard.of(acme.organization).assumptions()
    assert figures.labour_rate_per_hour == 95
    assert figures.pilot_weeks == 6


@pytest.mark.django_db
def test_a_result_stored_before_currencies_existed_reads_in_us_dollars(acme: Agency) -> None:
    assessment = submit(acme)
    stored = dict(assessment.recommendation)
    del stored["currency"], stored["exchange_rate"]
    assessment.recommendation = stored
    assessment.save()
    set_rates(acme, currency="GBP", per_usd=0.8)

    assert Assessment.objects.get(pk=assessment.pk).currency == "USD"
