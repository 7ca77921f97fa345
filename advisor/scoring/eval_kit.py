"""The eval kit: a runnable promptfoo configuration for a project's pilot, as a zip.

Two providers (the best prompt's model, and a placeholder for the tuned model), one prompt, the
held-out cases as a tests CSV, and asserts derived from the gaps prompting fell short on:
`is-json` against the client's schema for a format gap (its named metric is what the pilot
compares), `latency` and `cost` thresholds for those gaps. Its results file
(`promptfoo eval --output results.json`) is what the pilot's import reads.

promptfoo's configuration as documented (promptfoo.dev/docs/configuration/reference, .../
expected-outputs): `prompts`, `providers` ({id, label}), `tests: file://tests.csv` (one test per
row, each column a variable), `defaultTest.assert` ({type, value, threshold, metric}); a
`latency` assert needs the cache off (`evaluateOptions.cache: false`). Written as YAML whose
strings are JSON-quoted, which YAML reads as they are.
"""

import csv
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from advisor.scoring.answers import NO_CURRENT_MODEL, OTHER_MODEL, Gap
from advisor.scoring.evidence import Comparison, Target
from advisor.scoring.pilot_results import MetricKind, kind_by_name

BASELINE_LABEL: Final = "best-prompt"
CANDIDATE_LABEL: Final = "tuned-model"
FORMAT_METRIC: Final = "format_compliance"
TUNED_MODEL_PLACEHOLDER: Final = "openai:REPLACE-WITH-YOUR-TUNED-MODEL"
BEST_MODEL_PLACEHOLDER: Final = "openai:REPLACE-WITH-THE-MODEL-OF-YOUR-BEST-PROMPT"
PERMISSIVE_SCHEMA: Final = {"type": "object"}
_ZIP_TIME: Final = (2026, 1, 1, 0, 0, 0)  # fixed: the same pilot always gives the same bytes
# promptfoo's provider ids for the catalogue's providers that it names the same way.
_PROVIDER_PREFIXES: Final = {"openai": "openai:", "anthropic": "anthropic:messages:"}


@dataclass(frozen=True, slots=True)
class KitCase:
    case_id: str
    input: str


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _provider_id(current_model: str) -> str:
    """promptfoo's id of the model the best prompt runs on, when the answers name one."""
    if current_model in (NO_CURRENT_MODEL, OTHER_MODEL, ""):
        return BEST_MODEL_PLACEHOLDER
    provider, _, model = current_model.partition("/")
    prefix = _PROVIDER_PREFIXES.get(provider)
    return f"{prefix}{model}" if prefix and model else BEST_MODEL_PLACEHOLDER


def _threshold(targets: Sequence[Target], kind: MetricKind) -> float | None:
    for target in targets:
        if kind_by_name(target.metric) is kind and target.comparison is Comparison.AT_MOST:
            return target.value
    return None


def kit_config(
    *,
    title: str,
    gaps: Sequence[str],
    targets: Sequence[Target],
    current_model: str,
    latency_target_ms: int | None = None,
) -> str:
    """promptfooconfig.yaml for the pilot."""
    lines = [
        "# yaml-language-server: $schema=https://promptfoo.dev/config-schema.json",
        f"description: {_quoted(f'Pilot: {title}: the best prompt against the tuned model')}",
        "prompts:",
        "  - file://prompt.txt",
        "providers:",
        f"  - id: {_quoted(_provider_id(current_model))}",
        f"    label: {_quoted(BASELINE_LABEL)}",
        f"  - id: {_quoted(TUNED_MODEL_PLACEHOLDER)}",
        f"    label: {_quoted(CANDIDATE_LABEL)}",
        "tests: file://tests.csv",
        "defaultTest:",
    ]
    checks: list[str] = []
    if Gap.FORMAT in gaps:
        checks += [
            "    - type: is-json",
            "      value: file://schema.json",
            f"      metric: {_quoted(FORMAT_METRIC)}",
        ]
    latency = _threshold(targets, MetricKind.LATENCY) or latency_target_ms
    if Gap.LATENCY in gaps or latency is not None:
        if latency is None:
            checks.append("    # Set the latency target in milliseconds:")
        checks += ["    - type: latency", f"      threshold: {_number(latency or 1000)}"]
    cost = _threshold(targets, MetricKind.COST)
    if Gap.COST in gaps or cost is not None:
        if cost is None:
            checks.append("    # Set the cost target per request, in US dollars:")
        checks += ["    - type: cost", f"      threshold: {_number(cost or 0.01)}"]
    if checks:
        lines += ["  assert:", *checks]
    else:
        lines += [
            "  # Add a check for each metric prompting fell short on, named with `metric:`.",
            "  assert: []",
        ]
    lines += [
        "evaluateOptions:",
        "  # Latency is measured only on fresh calls.",
        "  cache: false",
        "outputPath: results.json",
    ]
    return "\n".join(lines) + "\n"


def _number(value: float) -> str:
    return f"{value:g}"


def kit_tests_csv(cases: Sequence[KitCase]) -> str:
    """The held-out cases: each row a test, `case_id` and `input` its variables."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["case_id", "input"])
    for case in cases:
        writer.writerow([case.case_id, case.input])
    return out.getvalue()


def kit_readme(*, title: str, held_out_size: int, cases: int, has_schema: bool) -> str:
    have = (
        f"`tests.csv` holds the {cases:,} held-out cases of the results imported so far."
        if cases
        else f"`tests.csv` is empty: add the {held_out_size:,} held-out cases, one a row, "
        "with a `case_id` and the `input` the prompt receives."
    )
    schema = (
        "`schema.json` is the client's JSON schema; every output is checked against it."
        if has_schema
        else "`schema.json` accepts any JSON object: replace it with the client's schema."
    )
    return f"""# Pilot kit: {title}

Runs the best prompt and the tuned model on the same held-out test cases with promptfoo, and
writes the results file the Advisor reads.

1. {have} None of them may be in the tuned model's training data.
2. Put the best prompt in `prompt.txt`; `{{{{input}}}}` is replaced by each case's input.
3. In `promptfooconfig.yaml`, set the model of the best prompt (label `{BASELINE_LABEL}`) if it
   is not set, and the tuned model's id (label `{CANDIDATE_LABEL}`).
4. {schema}
5. Run `npx promptfoo@latest eval -c promptfooconfig.yaml --output results.json`
   (the cache is off, so latency is measured).
6. Upload `results.json` on the pilot's page: `{BASELINE_LABEL}` is the prompting approach and
   `{CANDIDATE_LABEL}` the fine-tuned one.

Each check that fails counts against `all_checks`; the schema check is also reported as
`{FORMAT_METRIC}`, and latency and cost are read from every response.
"""


PROMPT_PLACEHOLDER: Final = (
    "Replace this with the best prompt (instructions, examples, context).\n\n{{input}}\n"
)


def eval_kit_zip(
    *,
    title: str,
    gaps: Sequence[str],
    targets: Sequence[Target],
    current_model: str,
    cases: Sequence[KitCase],
    held_out_size: int,
    output_schema: object | None,
    latency_target_ms: int | None = None,
) -> bytes:
    """The kit as a zip: promptfooconfig.yaml, prompt.txt, tests.csv, schema.json (for a
    format gap) and README.md. The same pilot always gives the same bytes."""
    files = {
        "README.md": kit_readme(
            title=title,
            held_out_size=held_out_size,
            cases=len(cases),
            has_schema=output_schema is not None,
        ),
        "promptfooconfig.yaml": kit_config(
            title=title,
            gaps=gaps,
            targets=targets,
            current_model=current_model,
            latency_target_ms=latency_target_ms,
        ),
        "prompt.txt": PROMPT_PLACEHOLDER,
        "tests.csv": kit_tests_csv(cases),
    }
    if Gap.FORMAT in gaps:
        schema = output_schema if output_schema is not None else PERMISSIVE_SCHEMA
        files["schema.json"] = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            info = zipfile.ZipInfo(f"pilot-kit/{name}", date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()
