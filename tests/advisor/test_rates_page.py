"""The "Rates and currency" tab of the organization settings: admins only, every figure with
its unit and default, refused input named and nothing lost."""

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from advisor.models import RateCard
from advisor.scoring import ASSUMPTION_SPECS
from projects.models import AuditEvent, Membership
from tests.personas import Agency

RATES = reverse("organization_rates")


def posted(**values: object) -> dict[str, object]:
    """Every box of the form, blank unless given: what a browser sends."""
    return {
        "currency": "USD",
        "currency_per_usd": "",
        **dict.fromkeys(ASSUMPTION_SPECS, ""),
        **values,
    }


@pytest.mark.django_db
def test_the_page_lists_every_figure_with_its_unit_and_default(alice: HttpClient) -> None:
    page = alice.get(RATES).content.decode()

    assert "Rates and currency" in page
    assert 'aria-current="page" href="/organization/rates/"' in page
    assert page.count('class="input-group-text"') == len(ASSUMPTION_SPECS)
    assert "Blended hourly rate of the team" in page
    assert "Default 110 USD per hour" in page
    assert "labour_rate_per_hour</" not in page  # names are for the code, not the page


@pytest.mark.django_db
def test_an_admin_sets_the_currency_and_a_rate(alice: HttpClient, acme: Agency) -> None:
    response = alice.post(
        RATES,
        posted(
            currency="GBP", currency_per_usd="0.79", labour_rate_per_hour="£95", pilot_weeks="8"
        ),
    )

    assert response.status_code == 302
    card = RateCard.of(acme.organization)
    assert (card.currency, str(card.currency_per_usd)) == ("GBP", "0.790000")
    assert card.set_values() == {"labour_rate_per_hour": 95.0, "pilot_weeks": 8.0}
    assert AuditEvent.objects.filter(detail="rates and currency").count() == 1
    page = alice.get(RATES).content.decode()
    assert "Rates and currency saved" in page
    # Defaults now read in pounds, converted at the agency's rate.
    assert "Default 55.3 GBP per month" in page  # the $70 document index
    assert "Default 6 weeks" in page
    assert 'value="95"' in page
    assert "your figure since" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "said"),
    [
        ({"currency": "GBP"}, "US dollar rate: enter how many pounds sterling one US dollar buys"),
        ({"currency": "GBP", "currency_per_usd": "0"}, "US dollar rate: enter a number from"),
        ({"currency": "GBP", "currency_per_usd": "lots"}, "US dollar rate: enter a number"),
        ({"currency": "XYZ"}, "Currency: choose one from the list."),
        ({"labour_rate_per_hour": "-1"}, "Blended hourly rate of the team: enter 0 or more."),
        ({"tuned_prompt_share": "2"}, "still needs: enter at most 1."),
        ({"pilot_weeks": "NaN"}, "one tuning pilot: enter a number"),
        ({"pilot_weeks": "1e999"}, "one tuning pilot: enter at most 520."),
    ],
)
def test_wrong_input_is_named_and_nothing_changes(
    alice: HttpClient, acme: Agency, values: dict[str, str], said: str
) -> None:
    alice.post(RATES, posted(currency="EUR", currency_per_usd="0.9", labour_rate_per_hour="100"))
    before = RateCard.objects.values().get()

    response = alice.post(RATES, posted(**values))

    assert response.status_code == 200
    assert said in response.content.decode()
    assert "Nothing was saved" in response.content.decode()
    assert RateCard.objects.values().get() == before


@pytest.mark.django_db
def test_members_cannot_see_or_change_the_rates(acme: Agency, carol: Membership) -> None:
    member = acme.http(carol)

    assert member.get(RATES).status_code == 403
    assert member.post(RATES, posted(currency="GBP", currency_per_usd="0.8")).status_code == 403
    assert not RateCard.objects.exists()


@pytest.mark.django_db
def test_each_agency_edits_its_own_rates(alice: HttpClient, acme: Agency, globex: Agency) -> None:
    globex.http().post(RATES, posted(currency="CHF", currency_per_usd="0.88"))
    alice.post(RATES, posted(currency="GBP", currency_per_usd="0.8"))

    assert RateCard.of(globex.organization).currency == "CHF"
    assert RateCard.of(acme.organization).currency == "GBP"
    assert alice.get(RATES).context["form"]["currency"].value() == "GBP"
    assert globex.http().get(RATES).context["form"]["currency"].value() == "CHF"
