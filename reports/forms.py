from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.forms.boundfield import BoundField

from advisor.evidence import outcome_of, recommended_approach
from advisor.scoring import APPROACH_LABELS
from projects.forms import ComposedCharField
from projects.validators import MULTI_LINE, ONE_LINE
from reports.content import HIDEABLE_SECTIONS, SECTION_TITLES, NextStepItem, Section
from reports.models import (
    ACCEPTED_NAME_MAX_LENGTH,
    MAX_NEXT_STEPS,
    TEXT_MAX_LENGTH,
    Report,
    ShareLink,
    Variant,
)
from reports.services import (
    MAX_SHARE_DAYS,
    SHARE_EMAIL_MESSAGE_MAX_LENGTH,
    SHARE_EMAIL_SUBJECT_MAX_LENGTH,
)

# Blank rows under the plan, so steps can be added without JavaScript: saving gives new ones.
BLANK_STEP_ROWS = 2


def _text_area(label: str, help_text: str = "", rows: int = 3) -> ComposedCharField:
    return ComposedCharField(
        label=label,
        required=False,
        max_length=TEXT_MAX_LENGTH,
        validators=[MULTI_LINE],
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


@dataclass(frozen=True)
class SectionFields:
    """One section of the report in the editor: its title, the commentary and the hide box."""

    section: Section
    title: str
    note: BoundField
    hide: BoundField | None


class ReportEditForm(forms.Form):
    """The consultant's words on a draft report; the service decides what may be stored."""

    recipient = ComposedCharField(
        label="Addressed to",
        required=False,
        max_length=120,
        validators=[ONE_LINE],
        help_text="The client contact the cover note greets; prefilled from the client's details.",
    )
    cover_note = _text_area(
        "Cover note",
        "A short letter before the report, in your own words. Up to 2,000 characters.",
        rows=5,
    )
    override_approach = forms.ChoiceField(label="Recommend instead", required=False)
    override_rationale = _text_area(
        "Why you recommend it instead",
        "Required with an override: the report prints it beside the engine's recommendation.",
        rows=4,
    )

    def __init__(self, *args: Any, report: Report, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        primary = recommended_approach(report.assessment)  # after a pilot, its evidence's
        # The pilot's evidence is a section only once the assessment's pilot has results.
        with_evidence = outcome_of(report.assessment) is not None
        self.report_sections = [s for s in Section if s is not Section.EVIDENCE or with_evidence]
        cast(forms.ChoiceField, self.fields["override_approach"]).choices = [
            ("", f"No override: keep {APPROACH_LABELS[primary]}"),
            *((a.value, label) for a, label in APPROACH_LABELS.items() if a != primary),
        ]
        for section in self.report_sections:
            title = SECTION_TITLES[section]
            self.fields[f"note_{section}"] = _text_area(
                f"Your commentary on “{title}”", "Printed with the section. Up to 2,000 characters."
            )
            if section in HIDEABLE_SECTIONS:
                self.fields[f"hide_{section}"] = forms.BooleanField(
                    label="Hide this section", required=False
                )
        if not self.is_bound:
            self.initial = {
                "recipient": report.recipient,
                "cover_note": report.cover_note,
                "override_approach": report.override_approach,
                "override_rationale": report.override_rationale,
                **{f"note_{name}": text for name, text in report.section_notes.items()},
                **{f"hide_{name}": True for name in report.hidden_sections},
            }

    def sections(self) -> list[SectionFields]:
        return [
            SectionFields(
                section=section,
                title=SECTION_TITLES[section],
                note=self[f"note_{section}"],
                hide=self[f"hide_{section}"] if section in HIDEABLE_SECTIONS else None,
            )
            for section in self.report_sections
        ]

    def notes(self) -> dict[str, str]:
        return {
            section.value: self.cleaned_data[f"note_{section}"]
            for section in self.report_sections
            if self.cleaned_data[f"note_{section}"]
        }

    def hidden(self) -> list[str]:
        return [
            s.value
            for s in HIDEABLE_SECTIONS
            if s in self.report_sections and self.cleaned_data[f"hide_{s}"]
        ]


class NextStepForm(forms.Form):
    """One row of the plan; a row left blank is no step."""

    step = ComposedCharField(label="Step", required=False, max_length=300, validators=[ONE_LINE])
    owner = ComposedCharField(label="Owner", required=False, max_length=120, validators=[ONE_LINE])
    effort = ComposedCharField(label="Effort", required=False, max_length=60, validators=[ONE_LINE])
    due = forms.DateField(
        label="Due date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date, such as 2027-03-31."},
    )

    def item(self) -> NextStepItem | None:
        """The step this row holds, or None when it is blank or marked for removal."""
        data = self.cleaned_data
        if data.get("DELETE") or not any(data.get(name) for name in self.base_fields):
            return None
        return NextStepItem(
            step=data["step"], owner=data["owner"], effort=data["effort"], due=data["due"]
        )


class BaseNextStepFormSet(forms.BaseFormSet[NextStepForm]):
    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_many_forms": f"A plan has at most {MAX_NEXT_STEPS} next steps.",
        "missing_management_form": (
            "The next steps could not be read: please reload the page and enter them again."
        ),
    }

    def add_fields(self, form: NextStepForm, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this step"

    def items(self) -> list[tuple[int, NextStepItem]]:
        """(row index, step) of every row that holds a step, in order."""
        return [(i, item) for i, form in enumerate(self.forms) if (item := form.item())]


NextStepFormSet = cast(
    type[BaseNextStepFormSet],
    forms.formset_factory(
        NextStepForm,
        formset=BaseNextStepFormSet,
        extra=BLANK_STEP_ROWS,
        can_delete=True,
        can_delete_extra=False,
        max_num=MAX_NEXT_STEPS,
        validate_max=True,
        absolute_max=MAX_NEXT_STEPS + BLANK_STEP_ROWS,
    ),
)


class ShareLinkForm(forms.Form):
    """Which PDF to share and for how long; the page offers only the documents the version has
    (the service refuses the others)."""

    variant = forms.ChoiceField(
        label="Document",
        choices=Variant.choices,
        initial=Variant.FULL,
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={
            "invalid_choice": "Choose which document to share: executive summary or full report.",
            "required": "Choose which document to share: executive summary or full report.",
        },
    )
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

    def __init__(self, *args: Any, variants: Iterable[str] = Variant.values, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offered = set(variants)
        field = cast(forms.ChoiceField, self.fields["variant"])
        field.choices = [(value, label) for value, label in Variant.choices if value in offered]


class ShareLinkEmailForm(forms.Form):
    """An email with a share link to the client contact; the service appends the link itself."""

    link = forms.ChoiceField(
        label="Link to send",
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={
            "invalid_choice": "Choose one of this version's active links to send.",
            "required": "Choose one of this version's active links to send.",
        },
    )
    name = ComposedCharField(
        label="Client contact",
        required=False,
        max_length=120,
        validators=[ONE_LINE],
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    to = forms.EmailField(
        label="Their email",
        max_length=254,
        widget=forms.EmailInput(attrs={"class": "form-control", "autocomplete": "off"}),
        error_messages={
            "required": "Enter the client's email address, such as ingrid@client.example.",
            "invalid": "Enter the client's email address, such as ingrid@client.example.",
        },
    )
    subject = ComposedCharField(
        label="Subject",
        max_length=SHARE_EMAIL_SUBJECT_MAX_LENGTH,
        validators=[ONE_LINE],
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"required": "Give the email a subject."},
    )
    message = ComposedCharField(
        label="Message",
        required=False,
        max_length=SHARE_EMAIL_MESSAGE_MAX_LENGTH,
        validators=[MULTI_LINE],
        strip=False,
        help_text="The link, and until when it works, follow your message.",
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 9}),
    )

    def __init__(self, *args: Any, links: Iterable[ShareLink] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["link"])
        field.choices = [
            (
                str(link.pk),
                f"{link.get_variant_display()}, created {link.created_at:%-d %b %Y}, "
                f"until {link.expires_at:%-d %b %Y}",
            )
            for link in links
        ]


class AcceptanceForm(forms.Form):
    """The client's typed name and tick; the service decides whether it may be recorded."""

    name = ComposedCharField(
        label="Your name",
        max_length=ACCEPTED_NAME_MAX_LENGTH,
        validators=[ONE_LINE],
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "name"}),
        error_messages={"required": "Type your name to accept the next step."},
    )
    confirmed = forms.BooleanField(
        label="I accept this next step on behalf of my organization.",
        error_messages={"required": "Tick the box to confirm that you accept the next step."},
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
