"""How amounts, counts and lists read in a sentence: one home for every surface's wording.

Pure Python, so the engine's sentences, the result page, the report and the CLI agree.
"""

from collections.abc import Sequence
from datetime import date, datetime

from advisor.scoring.currency import US_DOLLARS, currency_info


def with_sign(digits: str, currency: str) -> str:
    """Put a currency's sign on a formatted amount: "$1,200", "£1,200", "1,200 CHF"."""
    info = currency_info(currency)
    return f"{info.sign}{digits}" if info.sign_first else f"{digits} {info.sign}"


def money(amount: float, currency: str = US_DOLLARS, *, signed: bool = False) -> str:
    """A whole amount with separators in `currency` (an ISO 4217 code): "$1,200", "€1,200",
    "1,200 CHF"; with `signed`, a change: "+£1,200" or "-£300" (the minus a true minus sign)."""
    sign = "\N{MINUS SIGN}" if amount < 0 else ("+" if signed and amount > 0 else "")
    return sign + with_sign(f"{abs(amount):,.0f}", currency)


def money_cents(amount: float, currency: str = US_DOLLARS) -> str:
    """An amount with cents, dropped when whole: "$12,500" or "£12,500.50"."""
    return with_sign(f"{amount:,.2f}".removesuffix(".00"), currency)


def rounded(value: float) -> str:
    """Rounded to a whole number, with separators: "1,235"."""
    return f"{value:,.0f}"


def number(value: float) -> str:
    """A number with separators; whole numbers without decimals: "1,200" or "0.25"."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def count(n: int, singular: str, plural: str | None = None) -> str:
    """ "1 example", "1,200 examples"; `plural` for irregular nouns."""
    return f"{n:,} {singular if n == 1 else plural or singular + 's'}"


def singular(unit: str) -> str:
    """A plural unit in the singular: "examples" → "example", "requests per month" → "request
    per month"."""
    first, _, rest = unit.partition(" ")
    return f"{first.removesuffix('s')} {rest}".strip()


def with_unit(n: int, unit: str) -> str:
    """A whole number with its plural unit, singular for one: "1 week", "12 weeks"."""
    return f"{n:,} {singular(unit) if n == 1 else unit}".strip()


def listing(items: Sequence[str]) -> str:
    """Join phrases as in a sentence: "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def time_of_day(moment: datetime) -> str:
    """ "14:05": a time today, as in "saved at 14:05"."""
    return f"{moment:%H:%M}"


def long_date(day: date) -> str:
    """ "1 November 2026": a date as a report or a message writes it."""
    return f"{day.day} {day:%B %Y}"


def long_date_time(moment: datetime) -> str:
    """ "1 November 2026, 14:05"."""
    return f"{long_date(moment)}, {time_of_day(moment)}"


def as_assumed(sentence: str) -> str:
    """A sentence stating an answer nobody knew yet, said as the assumption it is."""
    first = sentence[:1].lower() if sentence[1:2].islower() else sentence[:1]
    return f"Assumed until confirmed: {first}{sentence[1:]}"
