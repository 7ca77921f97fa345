"""What the report editor's form posts, for tests that drive it through the real views."""

from typing import Any

from reports.content import Section


def editor_post(steps: tuple[dict[str, str], ...] = (), initial: int = 0, **fields: Any) -> dict:
    """What the editor's form posts: every field, the plan's rows and two blank ones."""
    data: dict[str, Any] = {
        "action": "save",
        "recipient": "",
        "cover_note": "",
        "override_approach": "",
        "override_rationale": "",
        **{f"note_{section}": "" for section in Section},
    }
    rows = [*steps, {}, {}]
    data |= {
        "steps-TOTAL_FORMS": len(rows),
        "steps-INITIAL_FORMS": initial,
        "steps-MIN_NUM_FORMS": 0,
        "steps-MAX_NUM_FORMS": 20,
    }
    for index, row in enumerate(rows):
        for name in ("step", "owner", "effort", "due"):
            data[f"steps-{index}-{name}"] = row.get(name, "")
    return data | fields
