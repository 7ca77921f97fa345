"""Forms of a blind comparison: the agency's new link and the client's vote. They validate and
normalize; the services in `advisor.blind` write."""

from typing import Final

from django import forms

from advisor.blind import COMMENT_MAX_CHARS, EQUAL, MAX_BLIND_DAYS, CaseSelection
from projects.validators import MULTI_LINE

DEFAULT_DAYS: Final = 14


class BlindComparisonForm(forms.Form):
    cases = forms.ChoiceField(
        label="Pairs to judge",
        choices=[
            (CaseSelection.ALL, "All cases whose two outputs differ"),
            (CaseSelection.PICKED, "Only the cases picked for the side-by-side comparison"),
        ],
        initial=CaseSelection.ALL,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose which pairs to show.",
            "invalid_choice": "Choose which pairs to show: all cases or the picked ones.",
        },
    )
    days = forms.IntegerField(
        label="Open for (days)",
        min_value=1,
        max_value=MAX_BLIND_DAYS,
        initial=DEFAULT_DAYS,
        error_messages={
            "required": f"Say how many days the link stays open (1 to {MAX_BLIND_DAYS})."
        },
    )


class BlindVoteForm(forms.Form):
    choice = forms.ChoiceField(
        label="Which answer is better?",
        choices=[("A", "A is better"), ("B", "B is better"), (EQUAL, "They are about equal")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose A, B or about equal.",
            "invalid_choice": "Choose A, B or about equal.",
        },
    )
    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        max_length=COMMENT_MAX_CHARS,
        validators=[MULTI_LINE],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What made the difference, in a sentence or two.",
    )
