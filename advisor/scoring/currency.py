"""The currency an agency plans in: its ISO 4217 code, how many units of it a US dollar buys,
and the day that rate was set.

The model catalogue prices in US dollars; the costs convert every catalogue price at the
agency's rate, so every amount the engine outputs, and every budget it reads, is in the
agency's currency.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from advisor.scoring.contract import ExchangeRateDict

US_DOLLARS: Final = "USD"
# A ceiling that keeps a typo out (one US dollar buys about 150 yen and 90 rupees).
MAX_PER_USD: Final = 10_000


@dataclass(frozen=True, slots=True)
class CurrencyInfo:
    """How amounts in one currency read: its plural name and its sign, before the amount
    ("£1,200") or, for a code, after it ("1,200 CHF")."""

    name: str
    sign: str
    sign_first: bool = True


CURRENCIES: Final[Mapping[str, CurrencyInfo]] = {
    "USD": CurrencyInfo("US dollars", "$"),
    "EUR": CurrencyInfo("euros", "€"),
    "GBP": CurrencyInfo("pounds sterling", "£"),
    "CHF": CurrencyInfo("Swiss francs", "CHF", sign_first=False),
    "CAD": CurrencyInfo("Canadian dollars", "CA$"),
    "AUD": CurrencyInfo("Australian dollars", "A$"),
    "NZD": CurrencyInfo("New Zealand dollars", "NZ$"),
    "JPY": CurrencyInfo("Japanese yen", "¥"),
    "SEK": CurrencyInfo("Swedish kronor", "SEK", sign_first=False),
    "NOK": CurrencyInfo("Norwegian kroner", "NOK", sign_first=False),
    "DKK": CurrencyInfo("Danish kroner", "DKK", sign_first=False),
    "PLN": CurrencyInfo("Polish złoty", "PLN", sign_first=False),
    "CZK": CurrencyInfo("Czech koruny", "CZK", sign_first=False),
    "SGD": CurrencyInfo("Singapore dollars", "S$"),
    "HKD": CurrencyInfo("Hong Kong dollars", "HK$"),
    "INR": CurrencyInfo("Indian rupees", "₹"),
    "BRL": CurrencyInfo("Brazilian reais", "R$"),
    "MXN": CurrencyInfo("Mexican pesos", "MX$"),
    "ZAR": CurrencyInfo("South African rand", "R"),
    "AED": CurrencyInfo("UAE dirhams", "AED", sign_first=False),
}
"""The currencies an agency may plan in, by ISO 4217 code."""


def currency_info(code: str) -> CurrencyInfo:
    """How amounts in `code` read; a code not listed (say, in a stored result from a later
    version) reads as the code after the amount."""
    return CURRENCIES.get(code) or CurrencyInfo(code, code, sign_first=False)


@dataclass(frozen=True, slots=True)
class Currency:
    """The currency amounts are in, and its rate: `per_usd` units of it buy one US dollar, as
    set on `as_of` (ISO date; None for US dollars, which need no rate)."""

    code: str = US_DOLLARS
    per_usd: float = 1.0
    as_of: str | None = None

    def __post_init__(self) -> None:
        if self.code not in CURRENCIES:
            raise ValueError(f"unknown currency {self.code!r}; use one of {', '.join(CURRENCIES)}")
        if not (math.isfinite(self.per_usd) and 0 < self.per_usd <= MAX_PER_USD):
            raise ValueError(f"a rate to the US dollar must be above 0 and at most {MAX_PER_USD:,}")
        if self.code == US_DOLLARS and self.per_usd != 1:
            raise ValueError("one US dollar is one US dollar: the rate must be 1")

    def from_usd(self, amount: float) -> float:
        """An amount in US dollars (a catalogue price), in this currency."""
        return amount * self.per_usd

    def to_dict(self) -> ExchangeRateDict:
        """Return JSON-ready data."""
        return {"per_usd": self.per_usd, "as_of": self.as_of}


US_DOLLAR: Final = Currency()
