"""Property-based fuzzing of the "Rates and currency" form through the real view: whatever is
typed, the answer is the page with every problem named or a whole save, never a 500, and a
refused post changes nothing."""

import math
from decimal import Decimal, InvalidOperation

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.forms import AMOUNT_NOISE
from advisor.models import RateCard
from advisor.scoring import ASSUMPTION_SPECS
from advisor.scoring.currency import CURRENCIES, MAX_PER_USD
from projects.models import AuditEvent
from tests.personas import Agency

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
RATES = reverse("organization_rates")

hostile_number = st.one_of(
    st.just(""),
    st.text(max_size=20),
    st.sampled_from(["-1", "-0", "0", "1e999", "1e-999", "NaN", "-Infinity", "0x10", "1,2,3"]),
    st.sampled_from(["9" * 400, "9" * 5_000, "0." + "0" * 400 + "1", "\x00", "1\x002", "\ufeff1"]),
    st.sampled_from(["£95", "95 €", "$1,200.50", "1 200", "\uff11\uff12", "<b>1</b>", "12%"]),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.floats(min_value=0, max_value=2_000, allow_nan=False).map(repr),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)
# Values every figure takes (the smallest maximum is 1), so that many posts save.
fitting_number = st.one_of(
    st.just(""),
    st.decimals(min_value=0, max_value=1, places=4).map(str),
    st.sampled_from(["0", "1", "0.5", "1,0", " 0.25 "]),
)
typed_number = st.one_of(fitting_number, fitting_number, hostile_number)
typed_rate = st.one_of(
    st.decimals(min_value=Decimal("0.001"), max_value=MAX_PER_USD, places=3).map(str),
    hostile_number,
)
currencies = st.one_of(
    st.sampled_from(list(CURRENCIES)),
    st.sampled_from(list(CURRENCIES)),
    st.sampled_from(["", "usd", "XYZ", "GBP ", "\x00", "<script>", "US", "E" * 500]),
)


def snapshot() -> list[dict[str, object]]:
    return list(RateCard.objects.order_by("pk").values())


def as_number(typed: str) -> float | None:
    """What the form makes of a typed figure: None for blank, the number otherwise."""
    stripped = AMOUNT_NOISE.sub("", typed)
    if not stripped:
        return None
    try:
        return float(Decimal(stripped))
    except InvalidOperation:  # pragma: no cover - a saved post only holds numbers
        raise AssertionError(typed) from None


@pytest.mark.django_db
def test_no_rates_input_gives_a_500_or_a_half_save(alice: HttpClient, acme: Agency) -> None:
    alice.post(
        RATES,
        {"currency": "EUR", "currency_per_usd": "0.9", "labour_rate_per_hour": "100"},
    )

    @FUZZ
    @given(
        currency=currencies,
        per_usd=typed_rate,
        figures=st.dictionaries(
            st.sampled_from(list(ASSUMPTION_SPECS)), typed_number, max_size=len(ASSUMPTION_SPECS)
        ),
        unknown=st.dictionaries(st.text(max_size=10), st.text(max_size=10), max_size=3),
    )
    def fuzz(currency: str, per_usd: str, figures: dict[str, str], unknown: dict[str, str]) -> None:
        before, events = snapshot(), AuditEvent.objects.count()
        post = {**unknown, "currency": currency, "currency_per_usd": per_usd, **figures}
        response = alice.post(RATES, post)

        assert response.status_code in {200, 302}, response.status_code
        if response.status_code == 200:
            form = response.context["form"]
            assert form.errors
            page = response.content.decode()
            assert "Nothing was saved" in page
            # Every message names its field, in words.
            for name, problems in form.errors.items():
                for problem in problems:
                    assert problem.startswith(f"{form.fields[name].label}:"), problem
            assert snapshot() == before
            assert AuditEvent.objects.count() == events
            return
        card = RateCard.objects.get(organization=acme.organization)
        assert card.currency == currency
        if currency == "USD":
            assert card.currency_per_usd == 1
        else:
            rate = float(card.currency_per_usd)
            assert 0 < rate <= MAX_PER_USD
            assert rate == pytest.approx(as_number(per_usd), rel=1e-6, abs=1e-6)
        saved = card.set_values()
        for name, typed in figures.items():
            value = as_number(typed)
            if value is None:
                assert name not in saved
            else:
                assert saved[name] == value
                assert math.isfinite(value)
                assert 0 <= value <= ASSUMPTION_SPECS[name].maximum
        assert set(saved) <= set(figures)
        assert AuditEvent.objects.count() == events + 1
        # And new results can be priced with what was saved.
        card.assumptions()

    fuzz()
