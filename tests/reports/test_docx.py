"""The Word export, read back with python-docx: the same words in the same order as the PDF's
HTML, headings as Word headings, tables as tables, charts as pictures, the consultant's edits
where the PDF puts them, nothing fetched or linked from outside, and the same bytes every time."""

import base64
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser

import pytest
from docx import Document
from docx.document import Document as WordDocument
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from PIL import Image

from advisor.scoring.examples import EXAMPLE_PROJECTS
from reports.content import SECTION_TITLES, ReportEdits, Section
from reports.docx import html_to_docx, render_report_docx
from reports.pdf import STATIC_PREFIX, render_html
from tests.personas import Agency
from tests.reports.client_text import EDITED, NOTES, VARIANTS, context, internal_words, submitted
from tests.reports.test_report_content import pdf_text

# Elements a reader sees as separate blocks: their text never runs into the next one's.
BLOCKS = {
    *("p", "div", "section", "main", "aside", "blockquote", "figure", "ul", "ol", "li"),
    *("dl", "dt", "dd", "table", "thead", "tbody", "tr", "td", "th", "caption", "br"),
    *("h1", "h2", "h3", "h4", "h5", "h6"),
}


def words(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Reading:
    """What a reader gets from one format: the body's words in order, its headings, tables."""

    text: str
    headings: list[tuple[int, str]]
    tables: list[list[list[str]]]
    primary_rows: list[tuple[int, int]] = field(default_factory=list)  # (table, row)
    header_rows: list[tuple[int, int]] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)  # each chart's description


class _HtmlReading(HTMLParser):
    """The report's HTML as the PDF prints it: the text of <main>, charts left out."""

    def __init__(self) -> None:
        super().__init__()
        self.main = self.svg = self.thead = 0
        self.chunks: list[str] = []
        self.captures: list[list[str]] = []
        self.headings: list[tuple[int, str]] = []
        self.tables: list[list[list[str]]] = []
        self.primary: list[tuple[int, int]] = []
        self.header: list[tuple[int, int]] = []
        self.charts: list[str] = []
        self.in_desc = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.main += tag == "main"
        if tag == "svg":
            self.svg += 1
            self.charts.append("")
        self.in_desc = tag == "desc"
        if not self.main or self.svg:
            return
        if tag in BLOCKS:
            self._data(" ")
        if tag in {"table", "dl"}:
            self.tables.append([])
        self.thead += tag == "thead"
        if tag == "tr" or (tag == "dt"):
            self.tables[-1].append([])
            row = (len(self.tables) - 1, len(self.tables[-1]) - 1)
            if "is-primary" in (attributes.get("class") or "").split():
                self.primary.append(row)
            if self.thead:
                self.header.append(row)
        if tag in {"td", "th", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6"}:
            self.captures.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self.svg -= 1
        self.in_desc = self.in_desc and tag != "desc"
        if not self.main or self.svg:
            return
        if tag in {"td", "th", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6"}:
            captured = words("".join(self.captures.pop()))
            if tag.startswith("h"):
                self.headings.append((int(tag[1]), captured))
            else:
                self.tables[-1][-1].append(captured)
        self.thead -= tag == "thead"
        if tag in BLOCKS:
            self._data(" ")
        self.main -= tag == "main"

    def handle_data(self, data: str) -> None:
        if self.svg and self.in_desc:
            self.charts[-1] += words(data)
        elif self.main and not self.svg:
            self._data(data)

    def _data(self, data: str) -> None:
        self.chunks.append(data)
        for capture in self.captures:
            capture.append(data)


def read_html(html: str) -> Reading:
    parser = _HtmlReading()
    parser.feed(html)
    return Reading(
        words("".join(parser.chunks)),
        parser.headings,
        parser.tables,
        parser.primary,
        parser.header,
        parser.charts,
    )


def cells(table: Table) -> list[list[_Cell]]:
    """Each row's cells once (a merged cell is one cell, as in the HTML)."""
    return [[_Cell(tc, table) for tc in tr.tc_lst] for tr in table._tbl.tr_lst]


def cell_text(cell: _Cell) -> str:
    return words(" ".join(block_text(block) for block in cell.iter_inner_content()))


def block_text(block: Paragraph | Table) -> str:
    if isinstance(block, Paragraph):
        return block.text
    return " ".join(cell_text(cell) for row in cells(block) for cell in row)


def read_docx(document: WordDocument) -> Reading:
    blocks = list(document.iter_inner_content())
    tables = [block for block in blocks if isinstance(block, Table)]
    return Reading(
        words(" ".join(block_text(block) for block in blocks)),
        [
            (int(p.style.name.removeprefix("Heading ")), words(p.text))
            for p in document.paragraphs
            if p.style is not None and p.style.name.startswith("Heading ")
        ],
        [[[cell_text(cell) for cell in row] for row in cells(table)] for table in tables],
        [
            (t, r)
            for t, table in enumerate(tables)
            for r, row in enumerate(cells(table))
            if all(run.bold for cell in row for p in cell.paragraphs for run in p.runs)
        ],
        [
            (t, r)
            for t, table in enumerate(tables)
            for r, tr in enumerate(table._tbl.tr_lst)
            if tr.trPr is not None and tr.trPr.find(qn("w:tblHeader")) is not None
        ],
        [shape._inline.docPr.get("descr") for shape in document.inline_shapes],
    )


def opened(docx: bytes) -> WordDocument:
    return Document(io.BytesIO(docx))


def report_html(ctx: dict) -> str:
    return render_html({**ctx, "for_pdf": True, "bundled_static": STATIC_PREFIX})


def external_targets(docx: bytes) -> list[str]:
    """Every relationship of the package that points outside it."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return [
            match
            for name in package.namelist()
            if name.endswith(".rels")
            for match in re.findall(
                r'<Relationship [^>]*TargetMode="External"[^>]*>', package.read(name).decode()
            )
        ]


def all_text(document: WordDocument) -> str:
    """Body, header, footer and the document's properties: whatever a reader can find."""
    section = document.sections[0]
    stories = [section.header, section.footer, section.first_page_footer]
    properties = document.core_properties
    return words(
        " ".join(
            [
                read_docx(document).text,
                *(p.text for story in stories for p in story.paragraphs),
                properties.title,
                properties.subject,
                properties.keywords,
                properties.author,
            ]
        )
    )


@pytest.mark.django_db
@pytest.mark.parametrize("example", EXAMPLE_PROJECTS)
def test_the_word_file_says_what_the_pdf_says_in_the_same_order(acme: Agency, example: str) -> None:
    assessment = submitted(acme, dict(EXAMPLE_PROJECTS[example]))
    for variant in VARIANTS:
        ctx = context(assessment, variant)
        html = read_html(report_html(ctx))
        rendered = render_report_docx(ctx)
        document = opened(rendered.docx)
        word = read_docx(document)

        assert word.text == html.text, variant  # every paragraph and cell, in order
        assert word.headings == html.headings, variant
        assert word.tables == html.tables, variant  # rows and columns kept (the cover's too)
        assert set(html.primary_rows) <= set(word.primary_rows), variant
        assert word.header_rows == html.header_rows, variant
        assert word.charts == html.charts, variant  # each chart a picture, described
        assert len(html.charts) == (1 if variant == "executive" else 2)
        assert internal_words(all_text(document)) == [], variant
        assert external_targets(rendered.docx) == [], variant
        assert render_report_docx(ctx).checksum == rendered.checksum, variant


def test_the_comparison_notices_a_missing_or_moved_paragraph_or_cell() -> None:
    """The reading above fails when the Word file drops or reorders content."""
    html = "<main><h2>A</h2><p>one</p><p>two</p><table><tr><td>x</td><td>y</td></tr></table></main>"
    reading = read_html(html)
    assert read_docx(opened(html_to_docx(html))).text == reading.text == "A one two x y"
    for changed in (
        html.replace("<p>one</p>", ""),
        html.replace("<p>one</p><p>two</p>", "<p>two</p><p>one</p>"),
        html.replace("<td>y</td>", ""),
        html.replace("<td>x</td><td>y</td>", "<td>y</td><td>x</td>"),
    ):
        word = read_docx(opened(html_to_docx(changed)))
        assert word.text != reading.text or word.tables != reading.tables


@pytest.mark.django_db
def test_the_consultants_edits_sit_where_the_pdf_puts_them(acme: Agency) -> None:
    assessment = submitted(acme, dict(EXAMPLE_PROJECTS["contract_review"]))
    notes, edits = NOTES, EDITED
    ctx = context(assessment, "full", edits)
    document = opened(render_report_docx(ctx).docx)
    word = read_docx(document)
    assert word.text == read_html(report_html(ctx)).text

    # The same landmarks, in the same order, as in the real PDF's text.
    landmarks = ["Dear Jo Client, We looked at your contracts. Here is what we found."]
    for section in Section:
        if section not in {Section.RISKS, Section.CHANGES, Section.EVIDENCE}:
            landmarks += [SECTION_TITLES[section], notes[section]]
        if section is Section.NEXT_STEPS:
            landmarks.append("Collect 500 signed contracts Harbor Legal 2 weeks")
    landmarks.append("About this report: Version 2, finalised 3 December 2026")
    pdf = pdf_text(ctx)
    for text in (pdf, word.text):
        positions = [text.index(landmark) for landmark in landmarks]
        assert positions == sorted(positions)
    assert SECTION_TITLES[Section.RISKS] not in word.text  # hidden, as in the PDF

    paragraphs = document.paragraphs
    styled = [(p.style.name, p.text) for p in paragraphs]
    for section, note in notes.items():
        if section in {Section.RISKS, Section.CHANGES, Section.EVIDENCE}:  # EVIDENCE: no pilot
            continue
        at = styled.index(("Comment", note))
        assert styled[at - 1] == ("Comment Label", "Our comment")
        heading = next(p for p in reversed(styled[:at]) if p[0] == "Heading 2")
        assert heading[1] == SECTION_TITLES[section]
    letter = styled.index(("Normal", "Dear Jo Client,"))
    assert paragraphs[letter].paragraph_format.page_break_before  # the cover has its own page
    assert styled[letter + 1 : letter + 3] == [
        ("Normal", "We looked at your contracts."),
        ("Normal", "Here is what we found."),
    ]
    summary = styled.index(("Heading 2", SECTION_TITLES[Section.SUMMARY]))
    assert paragraphs[summary].paragraph_format.page_break_before  # the letter too
    assert ("Headline", "We recommend adapter fine-tuning.") in styled[summary:]
    plan = next(t for t in word.tables if t[0] == ["Step", "Who", "Effort", "By"])
    assert plan[1:] == [["Collect 500 signed contracts", "Harbor Legal", "2 weeks", "—"]]


@pytest.mark.django_db
def test_the_cover_carries_the_logo_and_the_pages_the_running_header_and_footer(
    acme: Agency,
) -> None:
    acme.organization.report_footer = "Acme · Independent advice"
    acme.organization.save()
    assessment = submitted(acme, dict(EXAMPLE_PROJECTS["brand_voice"]))
    logo = io.BytesIO()
    Image.new("RGB", (400, 50), "#1f4e79").save(logo, "PNG")
    ctx = {
        **context(assessment, "full"),
        "logo": "data:image/png;base64," + base64.b64encode(logo.getvalue()).decode(),
        "accent": "#7a1f5c",
    }
    document = opened(render_report_docx(ctx).docx)

    first = document.paragraphs[0]
    [logo_shape, *charts] = document.inline_shapes
    assert first._p.xpath(".//pic:pic")  # the logo comes first, on the cover
    assert logo_shape._inline.docPr.get("descr") == "Acme"
    assert logo_shape.width / logo_shape.height == pytest.approx(8, rel=0.01)
    assert (logo_shape.width, logo_shape.height) <= (70 * 36_000, 18 * 36_000)  # mm in EMU
    assert len(charts) == 2
    section = document.sections[0]
    assert section.different_first_page_header_footer  # no running header on the cover
    assert [p.text for p in section.first_page_header.paragraphs] == [""]
    assert section.header.paragraphs[0].text == "Acme · Draft\tAcme Retail · Acme chatbot"
    for footer in (section.footer, section.first_page_footer):
        footer_xml = footer.paragraphs[0]._p.xml
        assert footer.paragraphs[0].text.startswith("Acme · Independent advice\tPage ")
        assert 'w:instr=" PAGE "' in footer_xml
        assert 'w:instr=" NUMPAGES "' in footer_xml
    for level in (1, 2, 3):
        assert str(document.styles[f"Heading {level}"].font.color.rgb) == "7A1F5C"
    properties = document.core_properties
    assert properties.title == "Acme chatbot: prompting or fine-tuning? · Acme Retail"
    assert properties.author == properties.last_modified_by == "Acme"
    assert properties.created == properties.modified
    assert properties.created.date() == ctx["date"]


@pytest.mark.django_db
def test_nothing_in_the_package_names_the_tool_and_every_entry_is_dated_the_report(
    acme: Agency,
) -> None:
    assessment = submitted(acme, dict(EXAMPLE_PROJECTS["brand_voice"]))
    ctx = {**context(assessment, "executive"), "date": date(2026, 12, 3)}
    docx = render_report_docx(ctx).docx

    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        for entry in package.infolist():
            assert entry.date_time == (2026, 12, 3, 0, 0, 0), entry.filename
            if not entry.filename.startswith("word/media/"):
                xml = package.read(entry).decode()
                assert not re.search(r"python|docx|advisor|weasyprint|cairo|macintosh", xml, re.I)
        assert not [n for n in package.namelist() if "thumbnail" in n or "app.xml" in n]
    assert opened(docx).core_properties.comments == ""


HOSTILE = (
    '<img src="http://evil.example/pixel.png"> <script>alert(1)</script> '
    '<a href="javascript:alert(2)">click</a>'
)


@pytest.mark.django_db
def test_markup_typed_into_the_report_is_text_and_nothing_links_outside(acme: Agency) -> None:
    acme.project.description = f"Our brief. {HOSTILE}"
    acme.project.save()
    assessment = submitted(acme, dict(EXAMPLE_PROJECTS["brand_voice"]))
    edits = ReportEdits(cover_note=f"Dear all. {HOSTILE}", notes={Section.SUMMARY: HOSTILE})
    ctx = context(assessment, "full", edits)
    docx = render_report_docx(ctx).docx
    document = opened(docx)
    text = read_docx(document).text

    assert text.count(HOSTILE) == 3  # the brief, the cover note, the comment: all as typed
    assert text == read_html(report_html(ctx)).text
    assert external_targets(docx) == []
    assert len(document.inline_shapes) == 2  # the two charts, no third picture
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        rels = " ".join(package.read(n).decode() for n in package.namelist() if n.endswith(".rels"))
    assert not re.search("evil.example|javascript", rels)


def test_raw_markup_keeps_its_text_and_drops_what_would_be_fetched(monkeypatch) -> None:
    """Given markup the template never writes: images that are not data: URLs are dropped
    (their alt text kept), links lose their target, scripts are not content, an unknown
    element keeps its text, and the chart renderer is asked for nothing outside."""
    fetched: list[str] = []
    monkeypatch.setattr("cairosvg.url.urlopen", lambda request, *a, **k: fetched.append(request))
    pixel = io.BytesIO()
    Image.new("RGB", (10, 10)).save(pixel, "PNG")
    data_png = "data:image/png;base64," + base64.b64encode(pixel.getvalue()).decode()
    html = (
        '<body><div class="preview-toolbar"><a href="/back">Back</a><form><button>Download'
        "</button></form></div><main>"
        '<p>Before <img src="http://evil.example/x.png" alt="a picture"> '
        '<img src="file:///etc/passwd"><a href="javascript:alert(1)">the link</a> after</p>'
        "<script>document.write('no')</script><style>p { color: red }</style>"
        "<marquee>Kept <blink>as well</blink></marquee>"
        f'<p><img src="{data_png}" alt="inline"></p>'
        '<p><img src="data:text/html;base64,PHA+aGk8L3A+" alt="not a picture"></p>'
        "<table><tr><td>cell<table><tr><td>nested</td></tr></table></td></tr></table>"
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 50">'
        '<title>T</title><desc>D</desc><image href="http://evil.example/y.png" width="9" '
        'height="9"/><image href="file:///etc/passwd" width="9" height="9"/></svg>'
        "</main></body>"
    )
    docx = html_to_docx(html)
    document = opened(docx)

    assert read_docx(document).text == (
        "Before a picture the link after Kept as well not a picture cell nested"
    )
    assert len(document.inline_shapes) == 2  # the data: PNG and the chart
    assert external_targets(docx) == []
    assert fetched == []
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        xml = " ".join(package.read(n).decode() for n in package.namelist() if n.endswith("ml"))
    assert not re.search("evil.example|passwd|javascript|document.write|color: red", xml)


def test_lists_number_from_one_and_tables_keep_spans_headers_and_emphasis() -> None:
    html = (
        "<main><ol><li>a</li><li>b</li></ol><p>between</p><ol><li>c</li></ol>"
        "<ul><li>d<ul><li>e</li></ul></li></ul>"
        '<table><thead><tr><th colspan="2">Head</th></tr></thead><tbody>'
        '<tr class="is-primary"><th>one</th><td class="num">1</td></tr>'
        '<tr><td colspan="2">all across</td></tr></tbody></table></main>'
    )
    document = opened(html_to_docx(html))
    lists = [p for p in document.paragraphs if p.style.name.startswith("List")]

    assert [(p.style.name, p.text) for p in lists] == [
        ("List Number", "a"),
        ("List Number", "b"),
        ("List Number", "c"),
        ("List Bullet", "d"),
        ("List Bullet 2", "e"),
    ]
    numbers = [p._p.pPr.numPr.numId.val for p in lists[:3]]
    assert numbers[0] == numbers[1] != numbers[2]  # the second list starts again at 1
    word = read_docx(document)
    assert word.tables == [[["Head"], ["one", "1"], ["all across"]]]
    assert word.header_rows == [(0, 0)]
    assert (0, 1) in word.primary_rows  # bold, as the recommended approach's row
    assert (0, 2) not in word.primary_rows
    [table] = document.tables
    assert table.cell(1, 1).paragraphs[0].alignment == 2  # right, as figures are
