import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any, Final, Self

from django import forms
from django.http import QueryDict

from advisor import questionnaire
from advisor.models import Assessment, RateCard, figure_label
from advisor.questionnaire import QUESTIONS, Question, Step, applicable_fields, estimate_tokens
from advisor.scoring.answers import (
    ANSWER_FIELDS,
    MAX_PERCENT,
    UNKNOWN_KEY,
    FieldKind,
    FieldSpec,
    ShortfallProblem,
    shortfall_problems,
)
from advisor.scoring.answers_file import MAX_FILE_BYTES, UnreadableFile, read_answers_file
from advisor.scoring.currency import CURRENCIES, MAX_PER_USD, US_DOLLARS, currency_info
from advisor.scoring.labels import field_choices
from advisor.scoring.prices import ASSUMPTION_SPECS, default_assumptions
from advisor.scoring.wording import long_date, number, rounded, with_sign

SAMPLE_PROMPT_MAX_CHARS = 200_000
# Separators people type in big numbers: "12,000", "12 000", "12_000", and a currency sign.
NUMBER_NOISE = re.compile(r"[,\s_$]")
# The same, and the signs of the currencies amounts are typed in: "£95", "95 €", "$1,200".
AMOUNT_NOISE = re.compile(r"[,\s_$£€¥₹]")


class WholeNumberField(forms.IntegerField):
    """An integer typed as text, so "12,000" is understood and nothing is lost in the browser."""

    widget = forms.TextInput(
        attrs={"inputmode": "numeric", "autocomplete": "off", "class": "form-control"}
    )

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = NUMBER_NOISE.sub("", value)
        try:
            return super().to_python(value)
        except forms.ValidationError as error:
            message = "Enter a whole number, such as 1200."
            raise forms.ValidationError(message, code="invalid") from error


class AmountField(forms.DecimalField):
    """An amount in the organization's currency; "$12,500.50" or "£12,500" is understood.
    Stored as a plain number."""

    default_error_messages = {"invalid": "Enter an amount, such as 25000."}

    widget = forms.TextInput(
        attrs={"inputmode": "decimal", "autocomplete": "off", "class": "form-control"}
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_digits=14, decimal_places=2, **kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = AMOUNT_NOISE.sub("", value)
        return super().to_python(value)


class MeasureField(forms.DecimalField):
    """A measured value in its metric's unit: "85", "85%", "1,200" or "0.004"."""

    default_error_messages = {"invalid": "Enter a number, such as 85 or 0.004."}

    widget = forms.TextInput(
        attrs={"inputmode": "decimal", "autocomplete": "off", "class": "form-control"}
    )

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = NUMBER_NOISE.sub("", value).removesuffix("%")
        return super().to_python(value)


# The wizard's words for each unit, beside a number box; amounts in the organization's currency.
MONEY_PER_REQUEST = "USD per request"
UNIT_WORDS = {"percent": "percent", "milliseconds": "milliseconds"}
NO_UNIT_WORD = "value"
AMOUNT_UNITS = frozenset({"USD", "USD per month"})
# More choices than this are a drop-down rather than a list of radio buttons.
MAX_RADIOS = 8

YES_NO = [("yes", "Yes"), ("no", "No")]

SHORTFALL_MESSAGES = {
    ShortfallProblem.NO_TARGET: "Enter the target as well, or leave both empty.",
    ShortfallProblem.NO_MEASURED: "Enter what the best prompt measured as well, or leave both "
    "empty.",
    ShortfallProblem.TARGET_REACHED: "The target must differ from the measured value: a "
    "metric that reached its target did not fall short.",
    ShortfallProblem.NOT_A_PERCENT: f"This metric is a percentage: enter 0 to {MAX_PERCENT}.",
}
RADIOS = forms.RadioSelect(attrs={"class": "form-check-input"})


# The wizard's "don't know" radio value. Contract values are snake_case words, so a hyphen keeps
# it from ever being a real answer (data_coverage's own "unknown" is one).
DONT_KNOW = "dont-know"
DONT_KNOW_LABEL = "Don't know"
REQUIRED = "Please answer this question."


def _yes_no_or_unknown(value: str) -> bool | str:
    return value if value == DONT_KNOW else value == "yes"


def money_word(currency: str) -> str:
    """What the wizard calls amounts of a currency beside a number box: "dollars", "euros"."""
    return "dollars" if currency == US_DOLLARS else currency_info(currency).name


def _form_field(spec: FieldSpec, question: Question, currency: str) -> forms.Field:
    amount = question.unit in AMOUNT_UNITS
    common: dict[str, Any] = {
        "label": f"{question.label} ({currency})" if amount else question.label,
        "help_text": question.help,
        "error_messages": {"required": REQUIRED},
    }
    dont_know = [(DONT_KNOW, DONT_KNOW_LABEL)] if question.can_be_unknown else []
    match spec.kind:
        case FieldKind.CHOICE:
            return _choice_field(spec, question, dont_know, common)
        case FieldKind.MULTIPLE_CHOICE:
            return forms.MultipleChoiceField(
                choices=field_choices(spec.name),
                widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                required=False,
                **common,
            )
        case FieldKind.BOOLEAN:
            return forms.TypedChoiceField(
                choices=[*YES_NO, *dont_know], coerce=_yes_no_or_unknown, widget=RADIOS, **common
            )
        case FieldKind.INTEGER:
            common["error_messages"] |= {
                "min_value": f"Enter at least {rounded(spec.minimum or 0)}.",
                "max_value": f"Enter at most {rounded(spec.maximum or 0)}.",
            }
            return WholeNumberField(
                min_value=int(spec.minimum or 0),
                max_value=int(spec.maximum or 0),
                required=not spec.nullable,
                **common,
            )
        case FieldKind.NUMBER if amount:
            common["error_messages"] |= {
                "min_value": f"Enter an amount of {with_sign('0', currency)} or more.",
                "max_value": f"Enter at most {with_sign(rounded(spec.maximum or 0), currency)}.",
            }
            return AmountField(min_value=spec.minimum, max_value=spec.maximum, **common)
        case FieldKind.NUMBER:
            common["error_messages"] |= {
                "min_value": "Enter 0 or more.",
                "max_value": f"Enter at most {rounded(spec.maximum or 0)}.",
            }
            return MeasureField(
                min_value=spec.minimum,
                max_value=spec.maximum,
                required=not spec.nullable,
                **common,
            )


def _choice_field(
    spec: FieldSpec, question: Question, dont_know: list[tuple[str, str]], common: dict[str, Any]
) -> forms.Field:
    # A question that may be left unanswered offers that as a choice of its own.
    blank = [("", question.blank)] if spec.nullable else []
    choices = [*field_choices(spec.name), *blank, *dont_know]
    many = len(choices) > MAX_RADIOS
    widget = forms.Select(attrs={"class": "form-select field-narrow"}) if many else RADIOS
    return forms.ChoiceField(choices=choices, widget=widget, required=not spec.nullable, **common)


def to_answer(value: object) -> object:
    """A cleaned form value as the JSON the engine reads."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def to_initial(field: str, value: object) -> object:
    """A stored answer as the form shows it."""
    if ANSWER_FIELDS[field].kind is FieldKind.BOOLEAN and isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _storable(typed: str) -> str:
    # PostgreSQL cannot hold U+0000 in JSON, and nobody types one on purpose.
    return typed.replace("\x00", "")


def unknown_box(field: str) -> str:
    """The name of the "don't know" tick box of a number question."""
    return f"{field}_unknown"


def _initial(step: Step, assessment: Assessment) -> dict[str, Any]:
    """What the step shows: stored answers, overridden by values typed but not yet valid."""
    initial: dict[str, Any] = {}
    unknown = assessment.answers.get(UNKNOWN_KEY, [])
    for field in step.fields:
        if field in unknown:
            is_number = ANSWER_FIELDS[field].kind is FieldKind.INTEGER
            initial[unknown_box(field) if is_number else field] = True if is_number else DONT_KNOW
        elif field in assessment.pending_inputs:
            initial[field] = assessment.pending_inputs[field]
        elif field in assessment.answers:
            initial[field] = to_initial(field, assessment.answers[field])
        elif (default := QUESTIONS[field].default) is not None:
            initial[field] = to_initial(field, default)
    return initial


@dataclass(frozen=True)
class AskedQuestion:
    """One question as the step page shows it."""

    field: forms.BoundField
    unknown_box: forms.BoundField | None = None
    # For a question asked only for some prompting statuses: the words saying so, and the rule
    # the page's script follows to hide it otherwise ("prompting_status=meets_bar,falls_short").
    condition: str = ""
    show_when: str = ""
    # For a number whose unit follows another answer (the shortfall's metric): the unit now,
    # and as JSON the unit for each value of that answer, for the script to follow a change.
    unit_word: str = ""
    unit_words: str = ""


def _unit_word(unit: str, currency: str) -> str:
    return money_word(currency) if unit == MONEY_PER_REQUEST else UNIT_WORDS.get(unit, NO_UNIT_WORD)


def _unit_words(currency: str) -> str:
    words = {
        metric: _unit_word(unit, currency) for metric, unit in questionnaire.metric_units().items()
    }
    return json.dumps({**words, "": NO_UNIT_WORD})


class StepForm(forms.Form):
    """The questions of one wizard step, built from the engine's field specs.

    `shown` fills it from a stored draft; `posted` reads what the browser sent, with the
    button pressed (`action`: next, back or estimate) and the token estimate of a pasted prompt.
    """

    action = "next"
    estimate = 0

    def __init__(
        self,
        *args: Any,
        step: Step,
        active: Sequence[str] | None = None,
        currency: str = US_DOLLARS,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.step = step
        self.currency = currency
        fields = step.fields
        # Every question of the step is shown; only the ones that apply are validated and kept.
        self.answer_fields = tuple(fields)
        self.active_fields = tuple(fields if active is None else active)
        for name in fields:
            question = QUESTIONS[name]
            field = _form_field(ANSWER_FIELDS[name], question, currency)
            field.unit = question.unit  # type: ignore[attr-defined]
            if question.unit in AMOUNT_UNITS:
                # Beside the box: "£ [ ] GBP", "£ [ ] per month", "[ ] CHF per month".
                info = currency_info(currency)
                per_month = " per month" if question.unit.endswith("per month") else ""
                before, after = (info.sign, "") if info.sign_first else ("", info.sign)
                if not per_month and info.sign_first:
                    after = currency
                field.sign_before = before  # type: ignore[attr-defined]
                field.unit_after = f"{after}{per_month}".strip()  # type: ignore[attr-defined]
            field.required = field.required and name in self.active_fields
            self.fields[name] = field
            if question.can_be_unknown and isinstance(field, WholeNumberField):
                self.fields[unknown_box(name)] = forms.BooleanField(
                    label=DONT_KNOW_LABEL,
                    required=False,
                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
                )
        if "prompt_tokens" in fields:
            self.fields["sample_prompt"] = forms.CharField(
                label="Sample prompt (optional)",
                help_text="Paste the system prompt and examples you expect to send; "
                "“Estimate tokens” fills in the size above. The text itself is not stored.",
                required=False,
                max_length=SAMPLE_PROMPT_MAX_CHARS,
                widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
            )

    @classmethod
    def shown(cls, step: Step, assessment: Assessment) -> Self:
        """The step as the draft stores it, "don't know"s and values not yet valid included."""
        return cls(initial=_initial(step, assessment), step=step, currency=assessment.currency)

    @classmethod
    def posted(cls, step: Step, data: QueryDict, assessment: Assessment) -> Self:
        """The step as posted, validated; the questions that apply follow the answers given."""
        data = data.copy()
        action = data.get("action", "next")
        estimate = estimate_tokens(data.get("sample_prompt", ""))
        if action == "estimate":
            data["prompt_tokens"] = str(estimate)
        posted = {field: data.get(field) for field in step.fields if field in data}
        form = cls(
            data,
            step=step,
            active=applicable_fields(step, {**assessment.answers, **posted}),
            currency=assessment.currency,
        )
        form.action, form.estimate = action, estimate
        form.is_valid()
        return form

    def changes(self) -> dict[str, Any]:
        """What to store, as `assessment_save_step`'s keyword arguments."""
        return {
            "step": self.step,
            "expected_version": self.posted_version(),
            "answers": self.answers(),
            "pending": self.typed_but_invalid(),
            "unknown": self.unknown_answers(),
        }

    def questions(self) -> list[AskedQuestion]:
        """Each question's field with its "don't know" box, if it has one, for the template."""
        answers: Mapping[str, object] = self.data if self.is_bound else self.initial
        asked = []
        for name in self.answer_fields:
            box = self[unknown_box(name)] if unknown_box(name) in self.fields else None
            shown = AskedQuestion(self[name], box)
            if condition := questionnaire.condition(name):
                statuses, words = condition
                shown = replace(
                    shown, condition=words, show_when=f"prompting_status={','.join(statuses)}"
                )
            if name in questionnaire.IN_METRIC_UNITS:
                unit = questionnaire.unit_of(name, answers)
                shown = replace(
                    shown,
                    unit_word=_unit_word(unit, self.currency),
                    unit_words=_unit_words(self.currency),
                )
            asked.append(shown)
        return asked

    def full_clean(self) -> None:
        # A ticked "don't know" makes its number optional: what was typed there is ignored.
        if self.is_bound:
            for name in self.answer_fields:
                if unknown_box(name) in self.fields and self.data.get(unknown_box(name)):
                    self.fields[name].required = False
        super().full_clean()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # A question that does not apply is neither kept nor checked: a value left in a box
        # the page hid (say, after prompting was said to meet the bar) refuses nothing.
        inapplicable = set(self.answer_fields) - set(self.active_fields)
        for name in (*self.unknown_answers(), *inapplicable):
            self.errors.pop(name, None)
        self._check_shortfall(cleaned)
        return cleaned

    def _check_shortfall(self, cleaned: Mapping[str, Any]) -> None:
        """The measured value and the target go together, as the contract wants them."""
        names = ("shortfall_measured", "shortfall_target")
        if not set(names) <= set(self.active_fields) or any(n in self.errors for n in names):
            return
        problems = shortfall_problems(
            cleaned.get("shortfall_metric") or None, *(cleaned.get(name) for name in names)
        )
        for name, problem in problems.items():
            self.add_error(name, SHORTFALL_MESSAGES[problem])

    def unknown_answers(self) -> tuple[str, ...]:
        """The questions that apply and were answered "don't know"."""
        unknown = []
        for name in self.active_fields:
            if not QUESTIONS[name].can_be_unknown:
                continue
            if unknown_box(name) in self.fields:
                if self.cleaned_data.get(unknown_box(name)):
                    unknown.append(name)
            elif self.cleaned_data.get(name) == DONT_KNOW:
                unknown.append(name)
        return tuple(unknown)

    def posted_version(self) -> int:
        """The assessment version the form was loaded with (0, never current, if forged)."""
        try:
            return int(self.data.get("version", ""))
        except ValueError:
            return 0

    def answers(self) -> dict[str, object]:
        """The valid answers of the questions that apply, as the engine reads them; a
        "don't know" carries the question's stated assumption."""
        unknown = self.unknown_answers()
        answers: dict[str, object] = {}
        for name in self.active_fields:
            value = self.cleaned_data.get(name) if name not in self.errors else None
            if name in unknown:
                answers[name] = QUESTIONS[name].assumed_if_unknown
            elif value is not None and value != "":
                answers[name] = to_answer(value)
            elif name in self.cleaned_data and ANSWER_FIELDS[name].nullable:
                answers[name] = None
        return answers

    def typed_but_invalid(self) -> dict[str, object]:
        """What was typed into fields that did not validate, to keep it when going Back."""
        pending: dict[str, object] = {}
        for name in self.active_fields:
            if name not in self.errors:
                continue
            if isinstance(self.fields[name], forms.MultipleChoiceField):
                value: object = [_storable(v) for v in self.data.getlist(name)]  # type: ignore[attr-defined]
            else:
                value = _storable(self.data.get(name, ""))
            if value not in ("", []):
                pending[name] = value
        return pending


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Answers file (JSON)",
        help_text="A file exported from an assessment, or written by hand in the same format.",
    )

    def clean_file(self) -> object:
        """The file's data, read as `manage.py recommend` reads it; its answers are not checked."""
        upload = self.cleaned_data["file"]
        try:
            # One byte over the limit is enough to refuse; a huge upload is not read into memory.
            return read_answers_file(upload.read(MAX_FILE_BYTES + 1))
        except UnreadableFile as error:
            raise forms.ValidationError(f"The file {error}.") from None


# Where each part of the rate card starts, in the order the engine lists its figures.
RATE_CARD_SECTIONS: Final[Mapping[str, str]] = {
    "labour_rate_per_hour": "Labour and building",
    "example_curation_cost": "Training data",
    "hours_per_prompt_change": "Change and upkeep",
    "zero_shot_prompt_share": "Prompts and serving",
    "pilot_weeks": "Delivery",
}
CHOOSE_CURRENCY = "Currency: choose one from the list."


class RateField(forms.DecimalField):
    """A number of the rate card; "1,200" and "£95" are understood. Error messages name the
    field, as they are also listed at the top of the page."""

    widget = forms.TextInput(
        attrs={"inputmode": "decimal", "autocomplete": "off", "class": "form-control"}
    )

    def __init__(self, *, label: str, maximum: float, **kwargs: Any) -> None:
        super().__init__(
            label=label,
            required=False,
            min_value=0,
            max_value=Decimal(str(maximum)),
            error_messages={
                "invalid": f"{label}: enter a number, such as 25 or 0.5.",
                "min_value": f"{label}: enter 0 or more.",
                "max_value": f"{label}: enter at most {number(maximum)}.",
            },
            **kwargs,
        )

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = AMOUNT_NOISE.sub("", value)
        return super().to_python(value)


@dataclass(frozen=True)
class RateRow:
    """One figure as the rates page shows it: its box, unit, default and when it was set."""

    field: forms.BoundField
    unit: str
    default: str
    set_on: str


class RateCardForm(forms.Form):
    """The organization's currency, its rate to the US dollar, and every rate card figure;
    a figure left blank takes the Advisor's default. The form reads the numbers; the rules
    (a rate for any currency but US dollars, figures in range) are the service's."""

    currency = forms.ChoiceField(
        label="Currency",
        choices=[
            (code, f"{info.name[0].upper()}{info.name[1:]} ({code})")
            for code, info in CURRENCIES.items()
        ],
        help_text="Your rates, and every amount in new results (budgets included), are in it. "
        "If you change it, check your amounts below: they are read in the new currency.",
        error_messages={"required": CHOOSE_CURRENCY, "invalid_choice": CHOOSE_CURRENCY},
        widget=forms.Select(attrs={"class": "form-select field-narrow"}),
    )

    def __init__(self, *args: Any, card: RateCard, **kwargs: Any) -> None:
        rate = "" if card.currency == US_DOLLARS else f"{card.currency_per_usd.normalize():f}"
        figures = {name: number(value) for name, value in card.set_values().items()}
        kwargs["initial"] = {"currency": card.currency, "currency_per_usd": rate, **figures}
        super().__init__(*args, **kwargs)
        self.card = card
        self.fields["currency_per_usd"] = RateField(
            label="US dollar rate",
            maximum=MAX_PER_USD,
            help_text="How many units of your currency one US dollar buys, e.g. 0.79 for "
            "pounds sterling. Model prices are in US dollars and convert at this rate. "
            "Not needed for US dollars.",
        )
        for name, spec in ASSUMPTION_SPECS.items():
            self.fields[name] = RateField(label=figure_label(name), maximum=spec.maximum)
        for name, field in self.fields.items():
            field.widget.attrs["aria-describedby"] = f"id_{name}_help"

    def changes(self) -> dict[str, Any]:
        """What to save, as `organization_update_rates`' keyword arguments."""
        cleaned = self.cleaned_data
        return {
            "currency": cleaned["currency"],
            "currency_per_usd": cleaned.get("currency_per_usd"),
            "figures": {name: cleaned.get(name) for name in ASSUMPTION_SPECS},
        }

    def sections(self) -> list[tuple[str, list[RateRow]]]:
        """Each part of the rate card with its figures, units and defaults in the currency
        saved now."""
        card = self.card
        defaults = default_assumptions().in_currency(card.money())
        sections: list[tuple[str, list[RateRow]]] = []
        for name, spec in ASSUMPTION_SPECS.items():
            if name in RATE_CARD_SECTIONS or not sections:
                sections.append((RATE_CARD_SECTIONS.get(name, "Figures"), []))
            set_on = card.set_on(name)
            sections[-1][1].append(
                RateRow(
                    field=self[name],
                    unit=spec.unit_in(card.currency),
                    default=number(round(getattr(defaults, name), 4)),
                    set_on=long_date(date.fromisoformat(set_on)) if set_on else "",
                )
            )
        return sections
