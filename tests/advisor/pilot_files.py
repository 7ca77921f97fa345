"""Small, realistic results files built in code: the same cases as promptfoo's JSON, CSV and
JSON Lines. (Not a test module: shared by the import, verdict and command tests.)"""

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Case:
    """One test case under one approach."""

    case_id: str
    approach: str
    output: str
    passed: bool  # promptfoo's success: every assertion passed
    scores: dict[str, float] = field(default_factory=dict)  # named scores
    latency_ms: int = 800
    cost: float | None = 0.002
    input: str = ""


def invoice_cases(count: int = 4) -> list[Case]:
    """An invoice-extraction pilot: the tuned model fixes the JSON format on two cases."""
    cases = []
    for i in range(count):
        text = f"Invoice INV-{1040 + i} from Acme Tools, total EUR {100 + i * 10}.50"
        good = json.dumps({"invoice_no": f"INV-{1040 + i}", "total": 100.5 + i * 10})
        prompt_ok = i % 2 == 0
        cases.append(
            Case(
                case_id=str(i),
                approach="best-prompt",
                output=good if prompt_ok else f"Here you go: {good[:-1]}",
                passed=prompt_ok,
                scores={"format_compliance": 1 if prompt_ok else 0, "field_accuracy": 0.9},
                latency_ms=820 + i,
                cost=0.0031,
                input=text,
            )
        )
        cases.append(
            Case(
                case_id=str(i),
                approach="tuned-lora",
                output=good,
                passed=True,
                scores={"format_compliance": 1, "field_accuracy": 0.85 + i / 100},
                latency_ms=540 + i,
                cost=0.0012,
                input=text,
            )
        )
    return cases


def promptfoo_document(cases: Sequence[Case], *, version: int = 3) -> dict[str, object]:
    """What `promptfoo eval --output results.json` writes (OutputFile, EvaluateSummaryV3), with
    the fields the import reads and a few it ignores, as a real file has."""
    approaches = list(dict.fromkeys(case.approach for case in cases))
    case_ids = list(dict.fromkeys(case.case_id for case in cases))
    rows = []
    for case in cases:
        named = dict(case.scores)
        row: dict[str, object] = {
            "id": f"{case.approach}-{case.case_id}",
            "promptIdx": approaches.index(case.approach),
            "testIdx": case_ids.index(case.case_id),
            "testCase": {"vars": {"invoice": case.input}, "assert": [{"type": "is-json"}]},
            "promptId": "extract",
            "provider": {"id": f"openai:{case.approach}", "label": case.approach},
            "prompt": {"raw": f"Extract this invoice as JSON: {case.input}", "label": "extract"},
            "vars": {"invoice": case.input},
            "response": {"output": case.output, "tokenUsage": {"total": 120, "prompt": 100}},
            "error": None if case.passed else "Expected output to be valid JSON",
            "failureReason": 0 if case.passed else 1,
            "success": case.passed,
            "score": 1.0 if case.passed else 0.0,
            "latencyMs": case.latency_ms,
            "gradingResult": {
                "pass": case.passed,
                "score": 1.0 if case.passed else 0.0,
                "reason": "All assertions passed" if case.passed else "Not valid JSON",
                "namedScores": named,
                "componentResults": [{"pass": case.passed, "score": 1.0, "reason": "ok"}],
            },
            "namedScores": named,
            "metadata": {},
        }
        if case.cost is not None:
            row["cost"] = case.cost
        rows.append(row)
    return {
        "evalId": "eval-2026-11-20T10:14:03",
        "results": {
            "version": version,
            "timestamp": "2026-11-20T10:14:03.512Z",
            "prompts": [{"raw": "Extract this invoice as JSON: {{invoice}}", "label": "extract"}],
            "results": rows,
            "stats": {"successes": 6, "failures": 2, "errors": 0},
        },
        "config": {"providers": [{"id": f"openai:{a}", "label": a} for a in approaches]},
        "shareableUrl": None,
    }


def promptfoo_bytes(cases: Sequence[Case], **options: int) -> bytes:
    return json.dumps(promptfoo_document(cases, **options), indent=2).encode()


def neutral_records(cases: Sequence[Case]) -> list[dict[str, object]]:
    """The same cases as neutral rows, with the metrics promptfoo's file gives."""
    records = []
    for case in cases:
        record: dict[str, object] = {
            "case_id": case.case_id,
            "approach": case.approach,
            "input": case.input,
            "output": case.output,
            "all_checks": case.passed,
            **case.scores,
            "latency_ms": case.latency_ms,
        }
        if case.cost is not None:
            record["cost"] = case.cost
        records.append(record)
    return records


def jsonl_bytes(cases: Sequence[Case]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in neutral_records(cases)).encode()


def csv_bytes(cases: Sequence[Case]) -> bytes:
    records = neutral_records(cases)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(records[0]))
    writer.writeheader()
    for record in records:
        writer.writerow(
            {k: str(v).lower() if isinstance(v, bool) else v for k, v in record.items()}
        )
    return buffer.getvalue().encode()


def csv_text(header: str, *rows: str) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()
