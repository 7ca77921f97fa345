"""The client report as a Word document, converted from the very HTML the PDF is made from.

Agencies that edit in Word get the same words in the same order as the PDF: the converter walks
the markup the report template produces (headings, paragraphs, lists, quotes, the cover's
details, tables, the consultant's comments, the inline SVG charts, the running header and
footer) and writes each as its Word counterpart, with named styles an editor can change. It
fetches nothing: pictures come only from data: URLs and the inline charts, and any other image
is dropped (its alt text kept). An element it does not know keeps its text as a paragraph.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any, Final
from urllib import request
from xml.etree.ElementTree import Element
from xml.sax.saxutils import escape, quoteattr

import cairosvg
import tinyhtml5
from docx import Document
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu, Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from advisor.charts import DEFAULT_ACCENT
from reports.pdf import STATIC_PREFIX, render_html

SVG_NS: Final = "http://www.w3.org/2000/svg"
XLINK_NS: Final = "http://www.w3.org/1999/xlink"
# Word 2010's copy of the styles, which the blank template still carries.
STYLES_WITH_EFFECTS: Final = (
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
)

# The page of the PDF (report.css): A4, 24 mm top, 18 mm sides, 20 mm bottom.
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGINS: Final = {"top": Mm(24), "right": Mm(18), "bottom": Mm(20), "left": Mm(18)}
TEXT_WIDTH: Final = Emu(PAGE_WIDTH - MARGINS["left"] - MARGINS["right"])
# The report's own colours (report.css): text, secondary text, rules, the soft background.
INK, MUTED, RULE, SOFT = "1D2430", "5B6573", "D9DEE5", "F3F6F9"
MET, UNMET = "1E7A3C", "B3261E"  # the feasibility checklist's marks
FONT: Final = "Calibri"  # the PDF's DejaVu Sans is rare on the desktops that open Word files
# Charts are drawn at twice their size in the markup, so they stay sharp when printed.
CHART_SCALE: Final = 2
LOGO_BOX: Final = (Mm(70), Mm(18))  # the cover logo's largest width and height, as in the PDF
PICTURE_TYPES: Final = frozenset({"image/png", "image/jpeg", "image/gif"})

# Screen-only or not content at all: never written.
SKIPPED_TAGS: Final = frozenset(
    {"head", "script", "style", "template", "noscript", "link", "meta", "title"}
    | {"form", "button", "input", "select", "textarea"}
)
SKIPPED_CLASSES: Final = frozenset({"preview-toolbar", "running-header", "running-footer"})
# Inline elements: their text joins the paragraph around them.
INLINE_TAGS: Final = frozenset(
    {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "label"}
    | {"mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var"}
    | {"br", "img", "svg", "wbr"}
)
HEADINGS: Final = {f"h{level}": level for level in range(1, 7)}


@dataclass(frozen=True)
class RenderedDocx:
    docx: bytes
    checksum: str  # SHA-256 of the bytes: the same report gives the same file


def render_report_docx(context: dict[str, Any]) -> RenderedDocx:
    """Render the report to a Word document (.docx) with the same content as its PDF."""
    html = render_html({**context, "for_pdf": True, "bundled_static": STATIC_PREFIX})
    docx = html_to_docx(html)
    return RenderedDocx(docx=docx, checksum=hashlib.sha256(docx).hexdigest())


def html_to_docx(html: str) -> bytes:
    """Convert the report's HTML to a .docx; the same HTML always gives the same bytes."""
    # The parser WeasyPrint reads the HTML with, so both formats see the same tree.
    root = tinyhtml5.parse(html, namespace_html_elements=False)
    head, body = root.find("head"), root.find("body")
    about = _About.of(head if head is not None else Element("head"))
    document = Document()
    _set_up(document, about)
    if body is not None:
        writer = _Writer(document, accent=about.accent, page_classes=_classes(body))
        writer.running_header_and_footer(body)
        writer.blocks(body, _Out(document), style=None, fmt=_Format())
    return _packed(document, about.created)


# --- What the document is: read from the HTML's head ---------------------------------------


@dataclass(frozen=True)
class _About:
    title: str
    author: str
    description: str
    keywords: str
    created: date
    accent: str  # RRGGBB

    @classmethod
    def of(cls, head: Element) -> _About:
        meta = {m.get("name", ""): m.get("content", "") for m in head.iter("meta")}
        title = head.find("title")
        style = " ".join(s.text or "" for s in head.iter("style"))
        accent = re.search(r"--accent:\s*#([0-9a-fA-F]{6})\b", style)
        try:
            created = date.fromisoformat(meta.get("dcterms.created", ""))
        except ValueError:
            created = date(2000, 1, 1)  # fixed, so the file stays the same for the same report
        return cls(
            title=_collapse(title.text or "" if title is not None else "").strip(),
            author=meta.get("author", ""),
            description=meta.get("description", ""),
            keywords=meta.get("keywords", ""),
            created=created,
            accent=(accent.group(1) if accent else DEFAULT_ACCENT.lstrip("#")).upper(),
        )


# --- Styles: named, so an editor restyles the whole report in one place --------------------


def _set_up(document: WordDocument, about: _About) -> None:
    properties = document.core_properties
    properties.title = about.title
    properties.author = properties.last_modified_by = about.author
    properties.subject = about.description  # as the PDF's subject
    properties.comments = ""  # the blank template's says what made it
    properties.keywords = about.keywords
    properties.language = "en-GB"
    properties.revision = 1
    properties.created = properties.modified = datetime.combine(
        about.created, datetime.min.time(), UTC
    )
    _drop_template_leftovers(document)
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.right_margin = MARGINS["top"], MARGINS["right"]
    section.bottom_margin, section.left_margin = MARGINS["bottom"], MARGINS["left"]
    section.header_distance = section.footer_distance = Mm(10)
    _define_styles(document, about.accent)


def _drop_template_leftovers(document: WordDocument) -> None:
    """Remove what the blank template carries but a report must not: its thumbnail, its
    application details, an empty bibliography and a second copy of its styles."""
    unwanted = {RT.THUMBNAIL, RT.EXTENDED_PROPERTIES, RT.CUSTOM_XML, STYLES_WITH_EFFECTS}
    for rels in (document.part.package.rels, document.part.rels):
        for rid in [rid for rid, rel in rels.items() if rel.reltype in unwanted]:
            del rels[rid]
    # British English, for the spelling checker of whoever edits it.
    lang = document.styles.element.find(qn("w:docDefaults") + "//" + qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:val"), "en-GB")


def _define_styles(document: WordDocument, accent: str) -> None:
    styles = document.styles
    normal = _paragraph_style(document, "Normal", size=10, color=INK)
    normal.paragraph_format.space_after = Pt(5)
    normal.paragraph_format.line_spacing = 1.15
    _fonts(styles.element.find(qn("w:docDefaults")))
    for level, size in ((1, 24), (2, 14), (3, 11), (4, 10), (5, 10), (6, 10)):
        heading = _paragraph_style(document, f"Heading {level}", size=size, bold=True, color=accent)
        heading.paragraph_format.space_before = Pt({1: 6, 2: 14}.get(level, 10))
        heading.paragraph_format.space_after = Pt(6 if level <= 2 else 3)
    _border(styles["Heading 2"], "bottom", accent, size=10)
    for name in ("Header", "Footer"):
        running = _paragraph_style(document, name, size=8, color=MUTED)
        running.paragraph_format.tab_stops.clear_all()
        running.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    headline = _paragraph_style(document, "Headline", size=12)
    _shade(headline, SOFT)
    _border(headline, "left", accent, size=24, space=8)
    headline.paragraph_format.left_indent = Mm(3)
    headline.paragraph_format.space_before = headline.paragraph_format.space_after = Pt(6)
    comment = _paragraph_style(document, "Comment")
    _shade(comment, SOFT)
    # Not the headline's border: Word would draw a comment and a headline that follows it as
    # one box.
    _border(comment, "left", accent, size=20, space=8)
    comment.paragraph_format.left_indent = Mm(3)
    comment.paragraph_format.keep_together = True
    comment.paragraph_format.keep_with_next = True  # as the PDF, never alone at a page's foot
    label = _paragraph_style(document, "Comment Label", base="Comment", size=8, bold=True)
    label.font.all_caps = True
    label.font.color.rgb = RGBColor.from_string(accent)
    label.paragraph_format.keep_with_next = True
    label.paragraph_format.space_after = Pt(2)
    quote = _paragraph_style(document, "Brief", color=INK)
    _border(quote, "left", RULE, size=16, space=8)
    quote.paragraph_format.left_indent = Mm(3)
    _paragraph_style(document, "Small Print", size=8, color=MUTED)
    kicker = _paragraph_style(document, "Cover Kicker", size=9, color=MUTED)
    kicker.font.all_caps = True
    _paragraph_style(document, "Cover Question", size=13).paragraph_format.space_after = Pt(18)
    brand = _paragraph_style(document, "Cover Brand")
    _border(brand, "bottom", accent, size=24, space=12)
    brand.paragraph_format.space_after = Pt(30)
    _paragraph_style(document, "Cover Agency", base="Cover Brand", size=16, bold=True, color=accent)
    _paragraph_style(document, "Lead-in", bold=True).paragraph_format.keep_with_next = True
    checklist = _paragraph_style(document, "Checklist")
    checklist.paragraph_format.left_indent = Mm(7)
    checklist.paragraph_format.first_line_indent = -Mm(7)
    checklist.paragraph_format.keep_together = True
    cell = _paragraph_style(document, "Table Text", size=9)
    cell.paragraph_format.space_after = Pt(0)
    cell.paragraph_format.line_spacing = 1.0
    _table_style(document, "Report Table", RULE)
    _table_style(document, "Details Table", None)


def _paragraph_style(
    document: WordDocument,
    name: str,
    *,
    base: str = "Normal",
    size: float | None = None,
    bold: bool | None = None,
    color: str | None = None,
) -> ParagraphStyle:
    styles = document.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base]
        style.quick_style = True
    assert isinstance(style, ParagraphStyle)  # noqa: S101 - every name here is a paragraph's
    style.font.name = FONT
    _fonts(style.element)
    if size is not None:
        style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    if color is not None:
        style.font.color.rgb = RGBColor.from_string(color)
    return style


def _fonts(element: Any) -> None:
    """Name the font outright: a theme font set beside it would win in Word."""
    rpr = element.find(qn("w:rPr")) if element.tag != qn("w:docDefaults") else None
    found = element.iter(qn("w:rFonts")) if rpr is None else rpr.iter(qn("w:rFonts"))
    for fonts in found:
        for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            fonts.attrib.pop(qn(f"w:{attribute}"), None)
        for attribute in ("ascii", "hAnsi", "cs"):
            fonts.set(qn(f"w:{attribute}"), FONT)
    for color in element.iter(qn("w:color")):  # a theme colour would override ours too
        for attribute in ("themeColor", "themeShade", "themeTint"):
            color.attrib.pop(qn(f"w:{attribute}"), None)


def _border(style: ParagraphStyle, side: str, color: str, *, size: int, space: int = 1) -> None:
    ppr = style.element.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = parse_xml(f"<w:pBdr {nsdecls('w')}/>")
        ppr.append(borders)
    borders.append(
        parse_xml(
            f'<w:{side} {nsdecls("w")} w:val="single" w:sz="{size}" w:space="{space}" '
            f'w:color="{color}"/>'
        )
    )
    _order_ppr(ppr)


def _shade(style: ParagraphStyle, fill: str) -> None:
    ppr = style.element.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill}"/>'))
    _order_ppr(ppr)


# The order Word's schema requires of a paragraph's properties (those this module writes).
_PPR_ORDER: Final = (
    *("pStyle", "keepNext", "keepLines", "pageBreakBefore", "widowControl", "numPr", "pBdr"),
    *("shd", "tabs", "spacing", "ind", "contextualSpacing", "jc", "outlineLvl", "rPr"),
)


def _order_ppr(ppr: Any) -> None:
    rank = {qn(f"w:{name}"): i for i, name in enumerate(_PPR_ORDER)}
    children = sorted(ppr, key=lambda child: rank.get(child.tag, len(rank)))
    for child in children:
        ppr.append(child)  # appending an existing child moves it to the end


def _table_style(document: WordDocument, name: str, rule: str | None) -> None:
    style = document.styles.add_style(name, WD_STYLE_TYPE.TABLE)
    style.base_style = document.styles["Normal Table"]
    edge = f'w:val="single" w:sz="4" w:space="0" w:color="{rule}"' if rule else 'w:val="nil"'
    style.element.append(
        parse_xml(
            f"<w:tblPr {nsdecls('w')}><w:tblBorders>"
            f"<w:top {edge}/><w:bottom {edge}/><w:insideH {edge}/>"
            "</w:tblBorders><w:tblCellMar>"
            '<w:top w:w="57" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
            '<w:bottom w:w="57" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>'
            "</w:tblCellMar></w:tblPr>"
        )
    )


# Paragraph styles by the class an element carries (report.css names what each looks like).
CLASS_STYLES: Final = {
    "headline": "Headline",
    "note": "Small Print",
    "about": "Small Print",
    "cover-footnote": "Small Print",
    "cover-kicker": "Cover Kicker",
    "cover-question": "Cover Question",
    "cover-agency": "Cover Agency",
    "cover-brand": "Cover Brand",
    "consultant-note-label": "Comment Label",
    "consultant-note": "Comment",
    "factor-heading": "Lead-in",
    "brief-text": "Brief",
    "checklist": "Checklist",
}
TAG_STYLES: Final = {"blockquote": "Brief", "aside": "Comment", "figcaption": "Small Print"}


# --- Text as runs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Format:
    bold: bool = False
    italic: bool = False
    underline: bool = False
    color: str | None = None  # RRGGBB
    superscript: bool = False
    subscript: bool = False
    mark_color: str | None = None  # inside a checklist item: the colour of its mark


# Run formats by tag and by class.
TAG_FORMATS: Final[dict[str, dict[str, Any]]] = {
    "b": {"bold": True},
    "strong": {"bold": True},
    "i": {"italic": True},
    "em": {"italic": True},
    "cite": {"italic": True},
    "u": {"underline": True},
    "sup": {"superscript": True},
    "sub": {"subscript": True},
}
CLASS_FORMATS: Final[dict[str, dict[str, Any]]] = {
    "stance": {"bold": True},
    "minimum-viable": {"italic": True},
    "mark": {"bold": True},
    "status": {"color": MUTED},
    "detail": {"color": MUTED},
    "figure-source": {"color": MUTED},
    "met": {"mark_color": MET},
    "unmet": {"mark_color": UNMET},
}


@dataclass(frozen=True)
class _Text:
    text: str
    fmt: _Format


@dataclass(frozen=True)
class _Picture:
    blob: bytes
    width: int
    height: int
    title: str
    description: str


class _Break:
    """A line break within a paragraph (<br>)."""


class _Tab:
    """A tab, to the right-aligned stop of the running header and footer."""


@dataclass(frozen=True)
class _Field:
    """A field Word fills in when it lays the page out (the page number, the page count)."""

    code: str


type _Piece = _Text | _Picture | _Break | _Tab | _Field


@dataclass
class _Line:
    """The inline content of one paragraph, gathered before the paragraph is written."""

    pieces: list[_Piece] = field(default_factory=list)

    def text(self, text: str | None, fmt: _Format) -> None:
        if text:
            self.pieces.append(_Text(_collapse(text), fmt))

    def normalised(self) -> list[_Piece]:
        """HTML's whitespace rules: runs of spaces are one space, none at the start or end of
        a line; neighbouring text of one format is one run."""
        pieces: list[_Piece] = []
        spaced = True  # at the start of a line, a space is dropped
        for piece in self.pieces:
            if isinstance(piece, _Text):
                text = piece.text[1:] if spaced and piece.text.startswith(" ") else piece.text
                if not text:
                    continue
                spaced = text.endswith(" ")
                last = pieces[-1] if pieces else None
                if isinstance(last, _Text) and last.fmt == piece.fmt:
                    pieces[-1] = _Text(last.text + text, piece.fmt)
                else:
                    pieces.append(_Text(text, piece.fmt))
            else:
                if isinstance(piece, _Break | _Tab):
                    _strip_end(pieces)
                    spaced = True
                pieces.append(piece)
        _strip_end(pieces)
        return pieces

    def has_content(self) -> bool:
        return any(not isinstance(p, _Text) or p.text.strip() for p in self.pieces)


def _strip_end(pieces: list[_Piece]) -> None:
    if pieces and isinstance(last := pieces[-1], _Text):
        if text := last.text.rstrip(" "):
            pieces[-1] = _Text(text, last.fmt)
        else:
            pieces.pop()


def _collapse(text: str) -> str:
    return re.sub(r"[ \t\n\r\f]+", " ", text)


# --- Where paragraphs go ----------------------------------------------------------------------


class _Out:
    """The body, a table cell or a header: where the next paragraph or table is written.

    A new table cell already holds one empty paragraph, which the first paragraph reuses.
    """

    def __init__(self, container: Any, *, reuse_first: bool = False) -> None:
        self.container = container
        self._empty: Paragraph | None = container.paragraphs[0] if reuse_first else None

    def paragraph(self, style_id: str | None) -> Paragraph:
        if self._empty is not None:
            paragraph, self._empty = self._empty, None
        else:
            paragraph = self.container.add_paragraph()
        if style_id:
            paragraph._p.style = style_id
        return paragraph

    def table(self, rows: int, columns: int) -> Table:
        if self._empty is not None:
            # A table cannot come first in a cell's paragraph; drop the placeholder.
            self._empty._p.getparent().remove(self._empty._p)
            self._empty = None
        # In a cell, python-docx adds the paragraph Word requires after a table.
        return self.container.add_table(rows, columns)  # type: ignore[no-any-return]


# --- The walk -------------------------------------------------------------------------------


class _Writer:
    def __init__(self, document: WordDocument, *, accent: str, page_classes: set[str]) -> None:
        self.document = document
        self.accent = accent
        self.page_classes = page_classes
        self.break_before_next = False  # the previous block ends a page (the cover, the letter)
        self.space_before_next = False  # after a table, a gap as in the PDF
        self.last_paragraph: Paragraph | None = None
        self._style_ids: dict[str, str] = {}
        self.picture_count = 0

    def style_id(self, name: str) -> str:
        # python-docx looks a style's name up among all 270 styles on every use: once is enough.
        if name not in self._style_ids:
            self._style_ids[name] = self.document.styles[name].style_id
        return self._style_ids[name]

    # Blocks

    def blocks(self, element: Element, out: _Out, *, style: str | None, fmt: _Format) -> None:
        """Write the element's content: its inline content as paragraphs of `style`, its block
        children each as their own paragraphs, lists or tables."""
        line = _Line()
        line.text(element.text, fmt)
        for child in element:
            if not isinstance(child.tag, str) or self._skipped(child):
                pass  # a comment, or what the PDF does not print
            elif _tag(child) in INLINE_TAGS:
                self.inline(child, line, fmt)
            else:
                self.paragraph(line, out, style)
                line = _Line()
                self.block(child, out, style=style, fmt=fmt)
            line.text(child.tail, fmt)
        self.paragraph(line, out, style)

    def block(self, element: Element, out: _Out, *, style: str | None, fmt: _Format) -> None:
        tag, classes = _tag(element), _classes(element)
        style = next((CLASS_STYLES[c] for c in classes if c in CLASS_STYLES), None) or (
            TAG_STYLES.get(tag, style)
        )
        fmt = _formatted(fmt, tag, classes)
        if tag in HEADINGS:
            line = _Line()
            self.inline_content(element, line, fmt)
            self.paragraph(line, out, f"Heading {HEADINGS[tag]}")
        elif tag in {"ul", "ol"}:
            self.listing(element, out, style=style, fmt=fmt, level=0)
        elif tag == "table":
            self.table(element, out, fmt)
        elif tag == "dl":
            self.details(element, out, fmt)
        else:  # p, div, section, blockquote, aside, figure..., and any tag not known here
            self.blocks(element, out, style=style, fmt=fmt)
            if tag == "aside" and self.last_paragraph is not None:  # a gap below the box
                self.last_paragraph.paragraph_format.space_after = Pt(8)
        if self._ends_page(classes):
            self.break_before_next = True

    def _ends_page(self, classes: set[str]) -> bool:
        # As report.css: the full report's cover and cover letter each end their page.
        if "cover" in classes:
            return "cover-compact" not in classes
        return "cover-note" in classes and "report-executive" not in self.page_classes

    def _skipped(self, element: Element) -> bool:
        return _tag(element) in SKIPPED_TAGS or bool(_classes(element) & SKIPPED_CLASSES)

    def paragraph(self, line: _Line, out: _Out, style: str | None) -> Paragraph | None:
        """Write the line as a paragraph; nothing if it holds no text or picture."""
        if not line.has_content():
            return None
        paragraph = out.paragraph(self.style_id(style) if style else None)
        if self.break_before_next:
            paragraph.paragraph_format.page_break_before = True
            self.break_before_next = False
        if self.space_before_next and not (style or "").startswith("Heading"):
            paragraph.paragraph_format.space_before = Pt(8)
        self.space_before_next = False
        self.last_paragraph = paragraph
        self.write(paragraph, line)
        return paragraph

    def write(self, paragraph: Paragraph, line: _Line) -> None:
        for piece in line.normalised():
            if isinstance(piece, _Text):
                _run(paragraph, piece)
            elif isinstance(piece, _Picture):
                self.picture(paragraph, piece)
            elif isinstance(piece, _Break):
                paragraph.add_run().add_break()
            elif isinstance(piece, _Tab):
                paragraph.add_run().add_tab()
            else:
                paragraph._p.append(
                    parse_xml(
                        f'<w:fldSimple {nsdecls("w")} w:instr=" {piece.code} ">'
                        "<w:r><w:t>1</w:t></w:r></w:fldSimple>"
                    )
                )

    def picture(self, paragraph: Paragraph, picture: _Picture) -> None:
        self.picture_count += 1
        shape = paragraph.add_run().add_picture(
            io.BytesIO(picture.blob), width=Emu(picture.width), height=Emu(picture.height)
        )
        properties = shape._inline.docPr
        properties.set("name", f"Picture {self.picture_count}")
        properties.set("descr", picture.description)
        if picture.title:
            properties.set("title", picture.title)

    # Inline content

    def inline(self, element: Element, line: _Line, fmt: _Format) -> None:
        tag = _tag(element)
        if tag == "br":
            line.pieces.append(_Break())
        elif tag == "svg":
            line.pieces.append(self.chart(element))
        elif tag == "img":
            picture = _image(element)
            if picture is not None:
                line.pieces.append(picture)
            else:
                line.text(element.get("alt"), fmt)
        else:
            self.inline_content(element, line, _formatted(fmt, tag, _classes(element)))

    def inline_content(self, element: Element, line: _Line, fmt: _Format) -> None:
        """The element's text and its children's, block or inline, as one line."""
        line.text(element.text, fmt)
        for child in element:
            if isinstance(child.tag, str) and not self._skipped(child):
                self.inline(child, line, fmt)
            line.text(child.tail, fmt)

    def chart(self, svg: Element) -> _Picture:
        """An inline SVG chart as a picture, drawn at twice its size, as wide as the text."""
        width, height = _svg_size(svg)
        png = cairosvg.svg2png(  # unsafe=False: it reads no file and fetches no URL
            bytestring=_svg_markup(svg).encode(),
            output_width=round(width * CHART_SCALE),
            output_height=round(height * CHART_SCALE),
        )
        title = svg.find(f"{{{SVG_NS}}}title")
        description = svg.find(f"{{{SVG_NS}}}desc")
        return _Picture(
            png,
            TEXT_WIDTH,
            round(TEXT_WIDTH * height / width),
            _collapse(title.text or "").strip() if title is not None else "",
            _collapse(description.text or "").strip() if description is not None else "",
        )

    # Lists

    def listing(
        self, element: Element, out: _Out, *, style: str | None, fmt: _Format, level: int
    ) -> None:
        """A list as paragraphs of Word's list styles; a numbered list counts from one."""
        ordered = _tag(element) == "ol"
        if style != "Checklist":
            style = ("List Number" if ordered else "List Bullet") + (
                f" {min(level, 2) + 1}" if level else ""
            )
        numbering = self._restarted(style) if ordered and style != "Checklist" else None
        assert style is not None  # noqa: S101 - set just above
        for item in element:
            if not isinstance(item.tag, str) or self._skipped(item):
                continue
            item_fmt = _formatted(fmt, _tag(item), _classes(item))
            line = _Line()
            line.text(item.text, item_fmt)
            first = True
            for child in item:
                if not isinstance(child.tag, str) or self._skipped(child):
                    pass
                elif _tag(child) in INLINE_TAGS:
                    self.inline(child, line, item_fmt)
                elif _tag(child) in {"ul", "ol"}:
                    first = self._item(line, out, style, numbering, first)
                    line = _Line()
                    self.listing(child, out, style=None, fmt=item_fmt, level=level + 1)
                else:
                    first = self._item(line, out, style, numbering, first)
                    line = _Line()
                    self.block(child, out, style=style, fmt=item_fmt)
                line.text(child.tail, item_fmt)
            self._item(line, out, style, numbering, first)

    def _item(self, line: _Line, out: _Out, style: str, numbering: int | None, first: bool) -> bool:
        paragraph = self.paragraph(line, out, style)
        if paragraph is not None and numbering is not None and first:
            numbers = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            numbers.get_or_add_ilvl().val = 0
            numbers.get_or_add_numId().val = numbering
        return first and paragraph is None

    def _restarted(self, style: str) -> int:
        """A numbering of the list style that starts again at 1: every list counts from one."""
        numbering = self.document.part.numbering_part.element
        style_numbers = self.document.styles[style].element.pPr.numPr.numId.val
        abstract = numbering.num_having_numId(style_numbers).abstractNumId.val
        num = numbering.add_num(abstract)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return int(num.numId)

    # Tables

    def table(self, element: Element, out: _Out, fmt: _Format) -> None:
        for caption in element.iter("caption"):
            self.blocks(caption, out, style="Small Print", fmt=fmt)
        rows = list(_rows(element))
        spans = [[_span(cell) for cell in cells] for _, cells in rows]
        columns = max((sum(row) for row in spans), default=0)
        if not columns:
            return
        if self.break_before_next:  # a table cannot start a page by itself: a paragraph does
            self.paragraph(_Line([_Text(" ", fmt)]), out, None)
            self.break_before_next = False
        table = out.table(len(rows), columns)
        self.space_before_next = False
        table._tbl.tblStyle_val = self.style_id("Report Table")
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        for r, ((kind, cells), row_spans) in enumerate(zip(rows, spans, strict=True)):
            self._row(table, r, kind, cells, row_spans, fmt)
            _row_properties(table._tbl.tr_lst[r], header=kind == "thead")
        _widths(table, [[_text(c) for c in cells] for _, cells in rows], spans)
        self.space_before_next = True

    def _row(
        self,
        table: Table,
        r: int,
        kind: str,
        cells: list[Element],
        spans: list[int],
        fmt: _Format,
    ) -> None:
        column = 0
        tr = table._tbl.tr_lst[r]
        for i, (cell_element, span) in enumerate(zip(cells, spans, strict=True)):
            # Each HTML cell becomes one Word cell, merged across the columns it spans.
            cell = _Cell(tr.tc_lst[i], table)
            if span > 1:
                cell = cell.merge(_Cell(tr.tc_lst[i + span - 1], table))
            classes = _classes(cell_element)
            cell_fmt = _formatted(fmt, _tag(cell_element), classes)
            if kind == "thead":
                cell_fmt = replace(cell_fmt, bold=True)
            if kind == "primary":
                cell_fmt = replace(cell_fmt, bold=True)
                cell._tc.get_or_add_tcPr().append(
                    parse_xml(
                        f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{SOFT}"/>'
                    )
                )
            out = _Out(cell, reuse_first=True)
            self.blocks(cell_element, out, style="Table Text", fmt=cell_fmt)
            if "num" in classes:
                for paragraph in cell.paragraphs:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            column += span
        if missing := len(table.columns) - column:  # a short row stays short, as in the HTML
            for tc in tr.tc_lst[-missing:]:
                tr.remove(tc)
            tr.get_or_add_trPr().append(
                parse_xml(f'<w:gridAfter {nsdecls("w")} w:val="{missing}"/>')
            )

    def details(self, element: Element, out: _Out, fmt: _Format) -> None:
        """A description list (the cover's details) as a two-column table: term, then what it
        says."""
        pairs: list[tuple[list[Element], list[Element]]] = []
        for child in _flattened_details(element):
            if _tag(child) == "dt":
                if not pairs or pairs[-1][1]:
                    pairs.append(([], []))
                pairs[-1][0].append(child)
            else:
                if not pairs:
                    pairs.append(([], []))
                pairs[-1][1].append(child)
        if not pairs:
            return
        table = out.table(len(pairs), 2)
        self.space_before_next = False
        table._tbl.tblStyle_val = self.style_id("Details Table")
        for r, (terms, descriptions) in enumerate(pairs):
            for c, (elements, cell_fmt) in enumerate(
                ((terms, replace(fmt, color=MUTED)), (descriptions, fmt))
            ):
                cell = _Cell(table._tbl.tr_lst[r].tc_lst[c], table)
                cell_out = _Out(cell, reuse_first=True)
                for part in elements:
                    self.blocks(part, cell_out, style="Table Text", fmt=cell_fmt)
            _row_properties(table._tbl.tr_lst[r], header=False)
        _set_widths(table, [Mm(32), Emu(TEXT_WIDTH - Mm(32))], [[1, 1]] * len(pairs))
        self.space_before_next = True

    # The running header and footer

    def running_header_and_footer(self, body: Element) -> None:
        """The PDF's running header (not on the cover page) and footer, with page numbers."""
        section = self.document.sections[0]
        section.different_first_page_header_footer = True
        header = next((e for e in body.iter() if "running-header" in _classes(e)), None)
        footer = next((e for e in body.iter() if "running-footer" in _classes(e)), None)
        if header is not None:
            line = _Line()
            line.text(header.text, _Format())
            for child in header:
                if isinstance(child.tag, str):
                    line.pieces.append(_Tab())  # the project sits to the right
                    self.inline(child, line, _Format())
                line.text(child.tail, _Format())
            self.write(section.header.paragraphs[0], line)
        for story in (section.footer, section.first_page_footer):
            line = _Line()
            if footer is not None:
                self.inline_content(footer, line, _Format())
            line.pieces += [
                _Tab(),
                _Text("Page ", _Format()),
                _Field("PAGE"),
                _Text(" of ", _Format()),
                _Field("NUMPAGES"),
            ]
            self.write(story.paragraphs[0], line)


def _run(paragraph: Paragraph, text: _Text) -> None:
    run = paragraph.add_run(text.text)
    fmt = text.fmt
    if fmt.bold:
        run.bold = True
    if fmt.italic:
        run.italic = True
    if fmt.underline:
        run.underline = True
    if fmt.superscript or fmt.subscript:
        run.font.superscript, run.font.subscript = fmt.superscript, fmt.subscript
    if fmt.color:
        run.font.color.rgb = RGBColor.from_string(fmt.color)


def _tag(element: Element) -> str:
    return element.tag.rpartition("}")[2] if isinstance(element.tag, str) else ""


def _classes(element: Element) -> set[str]:
    return set(element.get("class", "").split())


def _formatted(fmt: _Format, tag: str, classes: set[str]) -> _Format:
    changes: dict[str, Any] = dict(TAG_FORMATS.get(tag, {}))
    for name in sorted(classes):
        changes.update(CLASS_FORMATS.get(name, {}))
    fmt = replace(fmt, **changes)
    if "mark" in classes and fmt.mark_color:  # a checklist's ✓ or ✗, in green or red
        fmt = replace(fmt, color=fmt.mark_color)
    return fmt


def _text(element: Element) -> str:
    return _collapse("".join(element.itertext())).strip()


def _rows(table: Element) -> Iterator[tuple[str, list[Element]]]:
    """The table's rows in reading order (header, body, footer), each with its cells; a row
    the report singles out (`is-primary`) is marked."""
    groups: dict[str, list[Element]] = {"thead": [], "tbody": [], "tfoot": []}
    for child in table:
        tag = _tag(child)
        if tag in groups:
            groups[tag] += [row for row in child if _tag(row) == "tr"]
        elif tag == "tr":
            groups["tbody"].append(child)
    for kind, rows in groups.items():
        for row in rows:
            cells = [cell for cell in row if _tag(cell) in {"td", "th"}]
            if cells:
                yield ("primary" if "is-primary" in _classes(row) else kind), cells


def _span(cell: Element) -> int:
    try:
        return min(max(int(cell.get("colspan", "1")), 1), 50)
    except ValueError:
        return 1


def _row_properties(tr: Any, *, header: bool) -> None:
    """A row never splits across pages; header rows repeat on every page the table spans."""
    properties = tr.get_or_add_trPr()
    properties.append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
    if header:
        properties.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))


def _widths(table: Table, texts: list[list[str]], spans: list[list[int]]) -> None:
    """Columns as wide as what they hold: long prose gets room, a column of figures little."""
    columns = len(table.columns)
    longest = [4] * columns
    for row, row_spans in zip(texts, spans, strict=True):
        column = 0
        for text, span in zip(row, row_spans, strict=True):
            if span == 1:
                longest[column] = max(longest[column], min(len(text), 60))
            column += span
    weights = [n + 6 for n in longest]
    widths = [Emu(TEXT_WIDTH * w // sum(weights)) for w in weights]
    _set_widths(table, widths, spans)


def _set_widths(table: Table, widths: Sequence[int], spans: list[list[int]]) -> None:
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Emu(width)
    for tr, row_spans in zip(table._tbl.tr_lst, spans, strict=False):
        column = 0
        for tc, span in zip(tr.tc_lst, row_spans, strict=False):
            tc.width = Emu(sum(widths[column : column + span]))
            column += span


def _flattened_details(element: Element) -> Iterator[Element]:
    for child in element:
        if _tag(child) in {"dt", "dd"}:
            yield child
        elif _tag(child) == "div":  # HTML allows a dt/dd group in a div
            yield from _flattened_details(child)


def _image(img: Element) -> _Picture | None:
    """An <img> with a data: URL of a PNG, JPEG or GIF, fitted in the logo's box; None for
    anything else (nothing is ever fetched)."""
    source = img.get("src", "").strip()
    if not source.lower().startswith("data:"):
        return None
    try:
        with request.DataHandler().data_open(request.Request(source)) as data:  # noqa: S310
            kind = data.headers.get_content_type()
            blob = data.read()
        image = Image.from_blob(blob)
    except (ValueError, UnrecognizedImageError):
        return None
    if kind not in PICTURE_TYPES or not image.px_width or not image.px_height:
        return None
    box_width, box_height = LOGO_BOX
    scale = min(box_width / image.px_width, box_height / image.px_height)
    alt = _collapse(img.get("alt", "")).strip()
    return _Picture(blob, round(image.px_width * scale), round(image.px_height * scale), alt, alt)


def _svg_size(svg: Element) -> tuple[float, float]:
    """The chart's width and height in its own units, from its viewBox (as the report's charts
    give them), else its width and height, else the size of the report's charts."""
    try:
        _, _, width, height = (float(n) for n in svg.get("viewBox", "").replace(",", " ").split())
    except ValueError:
        try:
            width, height = float(svg.get("width", "")), float(svg.get("height", ""))
        except ValueError:
            width = height = 0
    if not (0 < width < 10_000 and 0 < height < 10_000):
        return 640, 330
    return width, height


def _svg_markup(svg: Element) -> str:
    """The chart as a standalone SVG document: SVG elements and their own attributes only."""

    def element(node: Element) -> str:
        name = node.tag.removeprefix(f"{{{SVG_NS}}}")
        attributes = "".join(
            f" {_svg_attribute(key)}={quoteattr(value)}"
            for key, value in node.attrib.items()
            if _svg_attribute(key)
        )
        inner = escape(node.text or "") + "".join(
            element(child) + escape(child.tail or "")
            for child in node
            if isinstance(child.tag, str) and child.tag.startswith(f"{{{SVG_NS}}}")
        )
        return f"<{name}{attributes}>{inner}</{name}>"

    markup = element(svg)
    return markup.replace("<svg", f'<svg xmlns="{SVG_NS}" xmlns:xlink="{XLINK_NS}"', 1)


def _svg_attribute(key: str) -> str:
    if not key.startswith("{"):
        return key
    namespace, _, name = key[1:].partition("}")
    return f"xlink:{name}" if namespace == XLINK_NS else ""


# --- The package --------------------------------------------------------------------------


def _packed(document: WordDocument, day: date) -> bytes:
    """The .docx bytes, every entry dated `day`, so the same report gives the same file."""
    saved = io.BytesIO()
    document.save(saved)
    packed = io.BytesIO()
    stamp = (max(day.year, 1980), day.month, day.day, 0, 0, 0)
    with (
        zipfile.ZipFile(saved) as source,
        zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(entry))
    return packed.getvalue()
