"""Forms of a pilot: its record, the results upload and the cases to compare. They validate and
normalize; the services in `advisor.pilots` write."""

import json
import re
import unicodedata
from collections.abc import Mapping
from typing import Any, Final

from django import forms
from django.core.files.uploadedfile import UploadedFile

from advisor.models import Assessment
from advisor.scoring.answers import ShortfallMetric
from advisor.scoring.answers_file import LongNumber, nesting_depth, parse_json
from advisor.scoring.evidence import Comparison, Target, parse_target
from advisor.scoring.pilot_results import MAX_METRICS, MAX_NAME_CHARS
from advisor.scoring.results_file import MAX_FILE_BYTES, MAX_FILE_SIZE_TEXT
from projects.validators import MULTI_LINE, ONE_LINE

MAX_HELD_OUT: Final = 100_000  # far more than any pilot labels by hand
MAX_SCHEMA_CHARS: Final = 64_000  # a schema is a page or two of JSON
MAX_SCHEMA_NESTING: Final = 32
_SEPARATORS: Final = re.compile(r"[,\s]+")
_RESULT_SUFFIXES: Final = (".json", ".csv", ".jsonl", ".ndjson", ".txt")

# The questionnaire's shortfall metrics, as a results file usually names them, with the unit
# the answers give the target in.
_SHORTFALL_TARGETS: Final[Mapping[ShortfallMetric, tuple[str, Comparison, float]]] = {
    ShortfallMetric.FORMAT_COMPLIANCE: ("format_compliance", Comparison.AT_LEAST, 0.01),
    ShortfallMetric.ACCURACY: ("accuracy", Comparison.AT_LEAST, 0.01),
    ShortfallMetric.CONSISTENCY: ("consistency", Comparison.AT_LEAST, 0.01),
    ShortfallMetric.LATENCY_P95: ("latency_ms", Comparison.AT_MOST, 1.0),
    ShortfallMetric.COST_PER_REQUEST: ("cost", Comparison.AT_MOST, 1.0),
}


def _composed(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


class PilotForm(forms.Form):
    held_out_size = forms.IntegerField(
        label="Held-out test cases",
        min_value=1,
        max_value=MAX_HELD_OUT,
        help_text="How many test cases were set aside before training.",
    )
    held_out_drawn = forms.CharField(
        label="How they were drawn",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[MULTI_LINE],
        help_text="For example: every tenth ticket of 2026, drawn before any training data.",
    )
    held_out_confirmed = forms.BooleanField(
        label="Confirmed: none of these cases is in the tuned model's training data",
        required=False,
    )
    fell_short = forms.CharField(
        label="Metrics prompting fell short on",
        max_length=2000,
        required=False,
        validators=[ONE_LINE],
        help_text="As the results file names them, separated by commas: format_compliance.",
    )
    targets = forms.CharField(
        label="Targets",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[MULTI_LINE],
        help_text="One a line, on the mean over the cases (a pass rate from 0 to 1 for "
        "pass/fail): format_compliance>=0.95, latency_ms<=800.",
    )
    output_schema = forms.CharField(
        label="The client's JSON schema (optional)",
        max_length=MAX_SCHEMA_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control font-monospace"}),
        validators=[MULTI_LINE],
        help_text="For a format gap, the eval kit checks every output against it.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)

    def clean_held_out_drawn(self) -> str:
        return _composed(self.cleaned_data["held_out_drawn"])

    def clean_fell_short(self) -> list[str]:
        names = [n for n in _SEPARATORS.split(_composed(self.cleaned_data["fell_short"])) if n]
        if len(names) > MAX_METRICS:
            raise forms.ValidationError(f"Name at most {MAX_METRICS} metrics.")
        for name in names:
            if len(name) > MAX_NAME_CHARS:
                raise forms.ValidationError(
                    f"“{name[:40]}...” is longer than a metric's name ({MAX_NAME_CHARS} "
                    "characters at most)."
                )
        return list(dict.fromkeys(names))

    def clean_targets(self) -> list[Target]:
        lines = [line.strip() for line in self.cleaned_data["targets"].splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > MAX_METRICS:
            raise forms.ValidationError(f"Give at most {MAX_METRICS} targets.")
        targets: list[Target] = []
        problems: list[str] = []
        for number, line in enumerate(lines, 1):
            try:
                target = parse_target(_composed(line))
            except ValueError as error:
                problems.append(f"Line {number}: {error}")
                continue
            if len(target.metric) > MAX_NAME_CHARS:
                problems.append(f"Line {number}: the metric's name is too long.")
            elif any(t.metric == target.metric for t in targets):
                problems.append(f"Line {number}: “{target.metric}” already has a target.")
            else:
                targets.append(target)
        if problems:
            raise forms.ValidationError(problems)
        return targets

    def clean_output_schema(self) -> object | None:
        text = self.cleaned_data["output_schema"].strip()
        if not text:
            return None
        try:
            schema = parse_json(text)
        except (ValueError, RecursionError) as error:
            where = f" (line {error.lineno})" if isinstance(error, json.JSONDecodeError) else ""
            raise forms.ValidationError(f"This is not valid JSON{where}.") from None
        if not isinstance(schema, dict):
            raise forms.ValidationError("A JSON schema is an object: {...}.")
        if nesting_depth(schema, MAX_SCHEMA_NESTING) > MAX_SCHEMA_NESTING:
            raise forms.ValidationError(f"The schema nests more than {MAX_SCHEMA_NESTING} levels.")
        if _has_long_number(schema):
            raise forms.ValidationError("The schema holds a number too long to keep.")
        return schema

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("fell_short") and not data.get("targets"):
            self.add_error(
                "fell_short",
                "Name the metrics prompting fell short on, or give a target prompting misses.",
            )
        return data

    @classmethod
    def initial_for(cls, assessment: Assessment) -> dict[str, object]:
        """A first record from the answers: the shortfall they name and its target."""
        answers = assessment.answers
        try:
            metric = ShortfallMetric(answers.get("shortfall_metric"))
        except ValueError:
            return {}
        if metric not in _SHORTFALL_TARGETS:
            return {}
        name, comparison, scale = _SHORTFALL_TARGETS[metric]
        initial: dict[str, object] = {"fell_short": name}
        target = answers.get("shortfall_target")
        if isinstance(target, int | float) and not isinstance(target, bool):
            value = round(target * scale, 6)
            initial["targets"] = f"{name}{comparison.value}{value:g}"
        return initial

    @staticmethod
    def initial_from(pilot: Any) -> dict[str, object]:
        """The form as a stored pilot fills it."""
        return {
            "held_out_size": pilot.held_out_size,
            "held_out_drawn": pilot.held_out_drawn,
            "held_out_confirmed": pilot.held_out_confirmed,
            "fell_short": ", ".join(pilot.fell_short),
            "targets": "\n".join(
                f"{t['metric']}{t['comparison']}{t['value']:g}" for t in pilot.targets
            ),
            "output_schema": json.dumps(pilot.output_schema, indent=2)
            if pilot.output_schema is not None
            else "",
        }


def _styled(form: forms.Form) -> None:
    """Bootstrap's classes, and each field described by its help text."""
    for name, field in form.fields.items():
        if isinstance(field.widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
            continue
        field.widget.attrs.setdefault("class", "form-control")
        if field.help_text:
            field.widget.attrs["aria-describedby"] = f"id_{name}_help"


def _has_long_number(data: object) -> bool:
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, LongNumber):
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class PilotImportForm(forms.Form):
    file = forms.FileField(
        label="Results file",
        help_text=f"promptfoo's JSON output, or CSV or JSON Lines with one row per test case and "
        f"approach; at most {MAX_FILE_SIZE_TEXT}.",
    )
    baseline = forms.CharField(
        label="Prompting approach (label in the file)",
        max_length=MAX_NAME_CHARS,
        required=False,
        validators=[ONE_LINE],
        help_text="Leave empty when the labels say which is which (“best-prompt”, “tuned”).",
    )
    candidate = forms.CharField(
        label="Fine-tuned approach (label in the file)",
        max_length=MAX_NAME_CHARS,
        required=False,
        validators=[ONE_LINE],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)
        self.fields["file"].widget.attrs["accept"] = ",".join(_RESULT_SUFFIXES)

    def clean_file(self) -> tuple[str, bytes]:
        """The file's name and bytes: one byte more than the limit is read, so a huge upload
        is refused without being read whole."""
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_FILE_SIZE_TEXT}.")
        raw = upload.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_FILE_SIZE_TEXT}.")
        name = str(upload.name or "")
        if name and not name.lower().endswith(_RESULT_SUFFIXES):
            raise forms.ValidationError(
                "Upload a .json (promptfoo), .csv or .jsonl file of the pilot's results."
            )
        return name[-200:], raw

    def clean_baseline(self) -> str:
        return _composed(self.cleaned_data["baseline"])

    def clean_candidate(self) -> str:
        return _composed(self.cleaned_data["candidate"])


class PilotCompareForm(forms.Form):
    """The cases the client sees side by side; checkboxes of the imported cases."""

    cases = forms.MultipleChoiceField(
        label="Cases to show side by side", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, case_ids: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cases"]
        assert isinstance(field, forms.MultipleChoiceField)  # noqa: S101 (declared above)
        field.choices = [(case_id, case_id) for case_id in case_ids]
