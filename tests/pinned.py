"""Outputs pinned byte for byte in tests/golden/.

A refactoring leaves these files unchanged; a deliberate change of the rules, the wording or
the report regenerates them (`UPDATE_GOLDEN=1 make test`) and the diff is reviewed like code.
"""

import os
from html.parser import HTMLParser
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"


def check_golden(name: str, text: str) -> None:
    """Assert `text` equals the pinned file `name` (or rewrite it with UPDATE_GOLDEN=1)."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, f"{name} changed; see its diff"


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._skip += tag in {"style", "script"}

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in {"style", "script"}

    def handle_data(self, data: str) -> None:
        if not self._skip and (text := " ".join(data.split())):
            self.lines.append(text)


def page_text(html: str) -> str:
    """The words a reader sees, one run of text a line, without markup or styles."""
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.lines) + "\n"
