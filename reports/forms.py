from django import forms

from reports.models import Report
from reports.services import MAX_SHARE_DAYS


class GenerateReportForm(forms.Form):
    variant = forms.ChoiceField(choices=Report.Variant.choices)


class ShareLinkForm(forms.Form):
    days = forms.IntegerField(
        label="Link works for",
        min_value=1,
        max_value=MAX_SHARE_DAYS,
        initial=14,
        help_text=f"Days, from 1 to {MAX_SHARE_DAYS}.",
        widget=forms.NumberInput(attrs={"class": "form-control", "min": 1, "max": MAX_SHARE_DAYS}),
        error_messages={
            "min_value": "A link must work for at least 1 day.",
            "max_value": f"A link can work for at most {MAX_SHARE_DAYS} days.",
            "invalid": "Enter a number of days.",
            "required": "Enter a number of days.",
        },
    )
