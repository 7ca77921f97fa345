"""`{{ amount|money:currency }}`: a whole amount in a result's currency, "$12,500" or
"£12,500" or "12,500 CHF", rounded as the page's other numbers are."""

from django import template
from django.template.defaultfilters import floatformat

from advisor.scoring.currency import US_DOLLARS
from advisor.scoring.wording import with_sign

register = template.Library()


@register.filter
def money(amount: object, currency: str = US_DOLLARS) -> str:
    """The amount, whole, with separators and the currency's sign."""
    return with_sign(floatformat(amount, "0g"), currency)
