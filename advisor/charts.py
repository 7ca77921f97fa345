"""Server-side SVG charts, shared by the result page and the PDF (WeasyPrint runs no JavaScript).

Every function here is pure: data in, `SafeString` of SVG out. All text and attribute values go
through `format_html`, so user-supplied labels can never break out of the markup. The charts use
presentation attributes only (no `style`), because the site's Content-Security-Policy forbids
inline styles, and they reference nothing outside themselves.
"""

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from advisor.scoring.currency import US_DOLLARS, currency_info
from advisor.scoring.wording import count, listing, money, with_sign

type Emphasis = Literal["primary", "hybrid", "none"]

DEFAULT_ACCENT: Final = "#1f4e79"
# The only fonts installed on the machine that renders the PDF.
FONT_FAMILY: Final = "DejaVu Sans, sans-serif"
# 640 units across an A4 text column makes 12 units about 9pt on paper: small but readable.
VIEWBOX_WIDTH: Final = 640
PADDING: Final = 12
TITLE_SIZE: Final = 15
LABEL_SIZE: Final = 12
TICK_SIZE: Final = 11

INK: Final = "#1a1a1a"
# Secondary text; still above 4.5:1 contrast on white.
MUTED: Final = "#5f6b76"
GRID: Final = "#e1e5ea"
AXIS: Final = "#8a949e"
# Light enough that the accent and its tint stand out from it, even printed in greyscale.
NEUTRAL_BAR: Final = "#c9ced4"
# How far the hybrid tint moves the accent towards white: clearly lighter, still clearly tinted.
HYBRID_TINT: Final = 0.55

# Okabe-Ito, the usual colour-blind-safe palette, without its yellow (invisible on white) and
# with its blue last, because the default accent is a blue.
# Orange and vermillion, the closest pair, sit far apart so they get very different dashes.
LINE_PALETTE: Final = ("#e69f00", "#56b4e9", "#009e73", "#cc79a7", "#d55e00", "#000000", "#0072b2")
# Dash patterns as a second cue, for readers (and printers) that cannot tell the colours apart:
# long dashes, dots, dash-dot, short dashes, dash-dot-dot, sparse dots.
LINE_DASHES: Final = ("8 4", "2 3", "10 3 2 3", "4 3", "12 3 2 3 2 3", "1 5")
# A cost series more than this many times the recommended one's total runs off the top of the
# scale (its total stays in the legend), so the approaches that matter are not flattened.
OFF_SCALE_RATIO: Final = 3.0
# The horizon of a cost chart with no series at all, which has no points to count.
EMPTY_COST_HORIZON: Final = 36
# How far, in viewBox units, a month's point may sit off a straight run and still be merged
# into it: under the output's 0.1-unit precision, so merging never changes the drawing.
COLLINEAR_TOLERANCE: Final = 0.05
PRIMARY_LINE_WIDTH: Final = 3.5
HYBRID_LINE_WIDTH: Final = 2.5
OTHER_LINE_WIDTH: Final = 2

_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True, slots=True)
class ScoreBar:
    """One approach's fit score (0-100) for the approach-scores chart."""

    key: str
    label: str
    score: int
    emphasis: Emphasis


@dataclass(frozen=True, slots=True)
class CostSeries:
    """One approach's cumulative cost (in the chart's currency) at the end of each month.

    `points[0]` is the one-off cost at launch and `points[-1]` the total at the horizon, so the
    horizon is `len(points) - 1` months. A cost can jump in any month (a retraining cycle, say).
    """

    key: str
    label: str
    points: tuple[float, ...]
    emphasis: Emphasis


def valid_accent(accent: str) -> str:
    """Return `accent` lower-cased if it is a `#RRGGBB` colour, else the default accent."""
    if isinstance(accent, str) and _HEX_COLOUR.fullmatch(accent):
        return accent.lower()
    return DEFAULT_ACCENT


def tint(colour: str, *, towards_white: float = HYBRID_TINT) -> str:
    """Mix a `#RRGGBB` colour with white; 0 keeps the colour, 1 gives white."""
    colour = valid_accent(colour)
    amount = min(max(towards_white, 0.0), 1.0)
    channels = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in channels)


def compact_money(amount: float, currency: str = US_DOLLARS) -> str:
    """Format an amount for an axis or legend: $0, $999, $25k, £1.2M, 3B CHF."""
    if math.isnan(amount):
        raise ValueError("An amount of money cannot be NaN.")
    amount = max(amount, 0.0)
    if round(amount, 1) >= 1000:
        for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
            scaled = round(amount / size, 1)
            if scaled >= 1:
                return with_sign(f"{_trim(scaled)}{suffix}", currency)
    return with_sign(_trim(round(amount, 1)), currency)


def compact_usd(amount: float) -> str:
    """`compact_money` in US dollars: $0, $999, $25k, $1.2M, $3B."""
    return compact_money(amount, US_DOLLARS)


def money_ticks(maximum: float) -> list[float]:
    """4 to 6 evenly spaced round amounts from $0 up to at least `maximum` ($0-$100 if nothing)."""
    if not math.isfinite(maximum):
        raise ValueError("The largest amount must be a finite number.")
    if maximum <= 0:
        return [0.0, 25.0, 50.0, 75.0, 100.0]
    maximum = max(maximum, 1.0)  # cents are not worth an axis
    magnitude = 10 ** math.floor(math.log10(maximum / 5))
    # Steps of 1, 2 or 5 keep every tick label to at most one decimal ($1.2M, never $1.25M).
    step = next(m * magnitude for m in (1, 2, 5, 10) if maximum / (m * magnitude) <= 5 + 1e-9)
    count = math.ceil(maximum / step - 1e-9)
    return [step * i for i in range(count + 1)]


def month_ticks(months: int) -> list[int]:
    """Round month numbers up to `months` (every 6 over 3 years), plus the end if there is room."""
    if months < 1:
        raise ValueError("The horizon must be at least one month.")
    steps = (1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200)
    step = next((s for s in steps if months / s <= 6), math.ceil(months / 6))
    ticks = list(range(0, months + 1, step))
    if months - ticks[-1] >= step / 2:
        ticks.append(months)
    return ticks


def approach_scores_svg(
    scores: Sequence[ScoreBar],
    *,
    accent: str = DEFAULT_ACCENT,
    title: str = "How well each approach fits",
    describe_in_title: bool = False,
) -> SafeString:
    """Horizontal bars of each approach's fit score, in spectrum order (cheapest first).

    With `describe_in_title` the title carries the description too: a PDF keeps only the title
    as a figure's alternative text, and the scores must reach a reader who cannot see the bars.
    """
    accent = valid_accent(accent)
    bars = [(bar, _clamp_score(bar.score), _plain(bar.label)) for bar in scores]

    # The label column is as wide as the longest label needs, within reason.
    widest = max((_text_width(label, LABEL_SIZE, bold=True) for _, _, label in bars), default=0)
    label_right = PADDING + min(max(widest, 120), 230)
    bar_left = label_right + 10
    bar_span = VIEWBOX_WIDTH - PADDING - 36 - bar_left  # room for a bold "100" after a bar
    row_height, bar_height = 32, 20

    parts: list[SafeString] = [_heading(title)]
    legend_y = 48
    emphases = {bar.emphasis for bar in scores}
    legend_x = float(PADDING)
    for emphasis, name in (("primary", "Recommended"), ("hybrid", "Part of the hybrid")):
        if emphasis in emphases:
            parts.append(_bar_swatch(legend_x, legend_y - 10, emphasis, accent))
            parts.append(_text(legend_x + 18, legend_y, name, size=TICK_SIZE, fill=MUTED))
            legend_x += 18 + _text_width(name, TICK_SIZE) + 20
    top = 66 if legend_x > PADDING else 44
    bottom = top + row_height * len(bars)

    for tick in (0, 25, 50, 75, 100):
        x = bar_left + bar_span * tick / 100
        parts.append(_line(x, top - 4, x, bottom + 4, stroke=GRID))
        parts.append(_text(x, bottom + 19, str(tick), size=TICK_SIZE, anchor="middle", fill=MUTED))
    parts.append(_line(bar_left, bottom + 4, bar_left + bar_span, bottom + 4, stroke=AXIS))

    for index, (bar, score, label) in enumerate(bars):
        y = top + row_height * index + (row_height - bar_height) / 2
        baseline = y + bar_height / 2 + LABEL_SIZE * 0.35
        bold = bar.emphasis == "primary"
        fitted = _fit(label, label_right - PADDING, LABEL_SIZE, bold=bold)
        parts.append(_text(label_right, baseline, fitted, anchor="end", bold=bold))
        width = bar_span * score / 100
        fill, stroke = _bar_colours(bar.emphasis, accent)
        parts.append(
            format_html(
                '<rect data-key="{}" data-emphasis="{}" x="{}" y="{}" width="{}" height="{}"'
                ' rx="2" fill="{}" stroke="{}" stroke-width="1"/>',
                bar.key,
                _emphasis(bar.emphasis),
                _n(bar_left),
                _n(y),
                _n(width),
                _n(bar_height),
                fill,
                stroke,
            )
        )
        parts.append(_text(bar_left + width + 6, baseline, str(score), bold=bold))

    caption_y = bottom + 38
    parts.append(
        _text(
            bar_left + bar_span / 2,
            caption_y,
            "Fit score (0\u2013100)",
            size=TICK_SIZE,
            anchor="middle",
            fill=MUTED,
        )
    )
    note = "Top to bottom: cheaper, more flexible \u2192 more specialised, more upkeep"
    parts.append(_text(PADDING, caption_y + 22, note, size=TICK_SIZE, fill=MUTED))

    summaries = [
        f"{label} scores {score} of 100{_emphasis_note(bar.emphasis)}" for bar, score, label in bars
    ]
    desc = "Fit scores, from the cheapest and most flexible approach to the most specialised: "
    desc += ("; ".join(summaries) + ".") if summaries else "No approaches to show."
    return _svg(
        height=caption_y + 34, title=title, desc=desc, body=parts, in_title=describe_in_title
    )


def cost_over_time_svg(
    series: Sequence[CostSeries],
    *,
    accent: str = DEFAULT_ACCENT,
    title: str = "Cumulative cost over time",
    currency: str = US_DOLLARS,
    describe_in_title: bool = False,
) -> SafeString:
    """One line per approach of its cumulative cost, month by month, from month 0 to the horizon,
    amounts in `currency` (an ISO 4217 code); `describe_in_title` as for the scores chart.

    Every series must have the same number of points, at least two; the horizon is one less.
    """
    accent = valid_accent(accent)
    lines = [(item, _cost_points(item)) for item in series]
    months = _horizon(lines)
    ticks = money_ticks(_scale_top(lines))
    top_value = _top_tick(ticks)
    off_scale = [item.label for item, points in lines if max(points) > top_value]

    left, right = PADDING + 54.0, VIEWBOX_WIDTH - PADDING - 8.0
    top, bottom = 48.0, 288.0

    def x_at(month: float) -> float:
        return left + (right - left) * month / months

    def y_at(amount: float) -> float:
        return bottom - (bottom - top) * amount / top_value

    parts: list[SafeString] = [_heading(title)]
    for value in ticks:
        y = y_at(value)
        parts.append(_line(left, y, right, y, stroke=AXIS if value == 0 else GRID))
        label = compact_money(value, currency)
        parts.append(_text(left - 8, y + 4, label, size=TICK_SIZE, anchor="end", fill=MUTED))
    for month in month_ticks(months):
        x = x_at(month)
        parts.append(_line(x, bottom, x, bottom + 5, stroke=AXIS))
        parts.append(_text(x, bottom + 19, str(month), size=TICK_SIZE, anchor="middle", fill=MUTED))
    parts.append(_line(left, top, left, bottom, stroke=AXIS))
    parts.append(
        _text(
            (left + right) / 2,
            bottom + 38,
            "Months from the start",
            size=TICK_SIZE,
            anchor="middle",
            fill=MUTED,
        )
    )

    styles = _line_styles(series, accent)
    # The primary line is drawn last, so that it is never hidden under another.
    order = sorted(range(len(lines)), key=lambda i: series[i].emphasis == "primary")
    for index in order:
        item, points = lines[index]
        vertices = [(x_at(m), y_at(amount)) for m, amount in enumerate(points)]
        parts += _cost_line(item, vertices, styles[index], top=top, left=left)

    legend_top = bottom + 58
    if off_scale:
        parts.append(
            _text(
                PADDING,
                legend_top,
                f"Above the top of the scale: {listing(off_scale)}; totals below.",
                size=TICK_SIZE,
                fill=MUTED,
            )
        )
        legend_top += 22
    rows = math.ceil(len(lines) / 2)
    column_width = (VIEWBOX_WIDTH - 2 * PADDING) / 2
    for column in range(math.ceil(len(lines) / rows) if lines else 0):
        parts.append(
            _text(
                PADDING + (column + 1) * column_width - 14,
                legend_top,
                f"Total at month {months}",
                size=TICK_SIZE,
                anchor="end",
                fill=MUTED,
            )
        )
    for index, (item, points) in enumerate(lines):
        column, row = divmod(index, rows)  # column by column, so each reads in spectrum order
        x = PADDING + column * column_width
        y = legend_top + 12 + row * 24
        colour, width, dashes = styles[index]
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}"{}'
                ' stroke-linecap="round"/>',
                _n(x + 2),
                _n(y),
                _n(x + 32),
                _n(y),
                colour,
                _n(width),
                _dash_attribute(dashes),
            )
        )
        amount = compact_money(points[-1], currency)
        bold = item.emphasis == "primary"
        room = column_width - 40 - _text_width(amount, LABEL_SIZE, bold=bold) - 22
        label = _fit(_plain(item.label), room, LABEL_SIZE, bold=bold)
        parts.append(_text(x + 40, y + 4, label, bold=bold))
        parts.append(_text(x + column_width - 14, y + 4, amount, anchor="end", bold=bold))

    summaries = [
        f"{_plain(item.label)}: {money(points[0], currency)} up front, "
        f"{money(points[-1], currency)} in total{_emphasis_note(item.emphasis)}"
        for item, points in lines
    ]
    desc = f"Cumulative cost in {currency_info(currency).name} over {_months(months)}. "
    desc += ("; ".join(summaries) + ".") if summaries else "No approaches to show."
    height = legend_top + 12 + rows * 24 + (4 if lines else -20)
    return _svg(height=height, title=title, desc=desc, body=parts, in_title=describe_in_title)


def _svg(
    *, height: float, title: str, desc: str, body: Iterable[SafeString], in_title: bool = False
) -> SafeString:
    if in_title:
        title = f"{_plain(title)}. {desc}"
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" role="img"'
        ' font-family="{}"><title>{}</title><desc>{}</desc>{}</svg>',
        VIEWBOX_WIDTH,
        _n(height),
        FONT_FAMILY,
        _plain(title),
        desc,
        _concat(body),
    )


def _concat(parts: Iterable[SafeString]) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


def _heading(title: str) -> SafeString:
    fitted = _fit(_plain(title), VIEWBOX_WIDTH - 2 * PADDING, TITLE_SIZE, bold=True)
    return _text(PADDING, 24, fitted, size=TITLE_SIZE, bold=True)


def _text(
    x: float,
    y: float,
    content: str,
    *,
    size: int = LABEL_SIZE,
    anchor: Literal["start", "middle", "end"] = "start",
    bold: bool = False,
    fill: str = INK,
) -> SafeString:
    return format_html(
        '<text x="{}" y="{}" font-size="{}" font-weight="{}" text-anchor="{}" fill="{}">{}</text>',
        _n(x),
        _n(y),
        size,
        "bold" if bold else "normal",
        anchor,
        fill,
        content,
    )


def _line(x1: float, y1: float, x2: float, y2: float, *, stroke: str) -> SafeString:
    return format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>',
        _n(x1),
        _n(y1),
        _n(x2),
        _n(y2),
        stroke,
    )


def _bar_swatch(x: float, y: float, emphasis: Emphasis, accent: str) -> SafeString:
    fill, stroke = _bar_colours(emphasis, accent)
    return format_html(
        '<rect x="{}" y="{}" width="12" height="12" rx="2" fill="{}" stroke="{}"'
        ' stroke-width="1"/>',
        _n(x),
        _n(y),
        fill,
        stroke,
    )


def _bar_colours(emphasis: Emphasis, accent: str) -> tuple[str, str]:
    """Fill and outline: the outline keeps hybrid bars apart from grey ones in greyscale print."""
    if emphasis == "primary":
        return accent, accent
    if emphasis == "hybrid":
        return tint(accent), accent
    return NEUTRAL_BAR, NEUTRAL_BAR


def _line_styles(series: Sequence[CostSeries], accent: str) -> list[tuple[str, float, str]]:
    """Colour, width and dash pattern per series; the primary one is solid, thick and accented."""
    styles: list[tuple[str, float, str]] = []
    others = 0
    for item in series:
        if item.emphasis == "primary":
            styles.append((accent, PRIMARY_LINE_WIDTH, ""))
            continue
        colour = LINE_PALETTE[others % len(LINE_PALETTE)]
        dashes = LINE_DASHES[others % len(LINE_DASHES)]
        width = HYBRID_LINE_WIDTH if item.emphasis == "hybrid" else OTHER_LINE_WIDTH
        styles.append((colour, width, dashes))
        others += 1
    return styles


def _dash_attribute(dashes: str) -> SafeString:
    if not dashes:
        return SafeString("")
    return format_html(' stroke-dasharray="{}"', dashes)


def _cost_points(item: CostSeries) -> tuple[float, ...]:
    """The series' monthly cumulative costs, checked, with any negative amount taken as $0."""
    if len(item.points) < 2:
        raise ValueError(
            f"The costs of {item.key!r} need at least 2 points (month 0 and the horizon),"
            f" not {len(item.points)}."
        )
    points: list[float] = []
    for month, amount in enumerate(item.points):
        try:
            finite = math.isfinite(amount)
        except OverflowError:  # an int too large for a float
            finite = False
        if not finite:
            raise ValueError(
                f"The cost of {item.key!r} at month {month} must be a finite number,"
                f" not {amount!r}."
            )
        points.append(float(amount) if amount > 0 else 0.0)  # also turns -0.0 into 0.0
    return tuple(points)


def _horizon(lines: Sequence[tuple[CostSeries, tuple[float, ...]]]) -> int:
    """The chart's horizon in months: one less than the number of points every series shares."""
    if not lines:
        return EMPTY_COST_HORIZON
    counts = {len(points) for _, points in lines}
    if len(counts) > 1:
        found = ", ".join(f"{item.key!r} has {len(points)}" for item, points in lines)
        raise ValueError(f"Every cost series must have the same number of points: {found}.")
    return counts.pop() - 1


def _cost_line(
    item: CostSeries,
    vertices: Sequence[tuple[float, float]],
    style: tuple[str, float, str],
    *,
    top: float,
    left: float,
) -> list[SafeString]:
    """One series' line, cut where it leaves the top of the plot, with an arrow there."""
    colour, width, dashes = style
    drawn = _below(top, vertices)
    parts = []
    if len(drawn) > 1:
        parts.append(
            format_html(
                '<polyline data-key="{}" data-emphasis="{}" points="{}" stroke="{}"'
                ' stroke-width="{}"{} stroke-linecap="round" stroke-linejoin="round"'
                ' fill="none"/>',
                item.key,
                _emphasis(item.emphasis),
                _polyline_points(drawn),
                colour,
                _n(width),
                _dash_attribute(dashes),
            )
        )
    if len(drawn) < len(vertices):
        x = drawn[-1][0] if drawn else left
        parts.append(
            format_html(
                '<path data-off-scale="{}" d="M{} {}l-5 8h10z" fill="{}"/>',
                item.key,
                _n(x),
                _n(top - 9),
                colour,
            )
        )
    return parts


def _scale_top(lines: Sequence[tuple[CostSeries, tuple[float, ...]]]) -> float:
    """The largest amount the scale must show: every series within `OFF_SCALE_RATIO` of the
    recommended one's total, so one costly approach does not flatten the ones that matter."""
    highest = [max(points) for _, points in lines]
    primary = [max(points) for item, points in lines if item.emphasis == "primary"]
    if not primary:
        return max(highest, default=0.0)
    ceiling = primary[0] * OFF_SCALE_RATIO
    return max(amount for amount in highest + primary if amount <= ceiling or amount == primary[0])


def _below(top: float, vertices: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """The part of a rising line that stays below the top of the plot (`top`, an SVG y, so
    "below" is a larger y): up to the point where it crosses the top."""
    kept: list[tuple[float, float]] = []
    for x, y in vertices:
        if y >= top:
            kept.append((x, y))
            continue
        if kept:
            x0, y0 = kept[-1]
            kept.append((x0 + (x - x0) * (y0 - top) / (y0 - y), top))
        break
    return kept


def _top_tick(ticks: Sequence[float]) -> float:
    """The y axis maximum, as long as it is a number that can be drawn."""
    try:
        top = float(ticks[-1])
    except OverflowError:
        top = math.inf
    if not math.isfinite(top):
        raise ValueError("The costs are too large to draw.")
    return top


def _polyline_points(vertices: Sequence[tuple[float, float]]) -> str:
    """SVG `points` for a line through evenly spaced `vertices`, keeping only its kinks.

    A vertex is dropped when it lies within `COLLINEAR_TOLERANCE` of the straight segment that
    replaces it, so a straight series comes out as just its two ends. Each run keeps the range of
    slopes that passes close to every vertex it swallowed; the run ends when the next vertex
    falls outside that range.
    """
    kept = [0]
    anchor, low, high = 0, -math.inf, math.inf
    for index in range(1, len(vertices) - 1):
        x0, y0 = vertices[anchor]
        x, y = vertices[index]
        # Slopes from the anchor that pass within the tolerance of this vertex.
        low = max(low, (y - COLLINEAR_TOLERANCE - y0) / (x - x0))
        high = min(high, (y + COLLINEAR_TOLERANCE - y0) / (x - x0))
        x1, y1 = vertices[index + 1]
        slope = (y1 - y0) / (x1 - x0)
        if not low <= slope <= high:
            kept.append(index)
            anchor, low, high = index, -math.inf, math.inf
    kept.append(len(vertices) - 1)
    pairs: list[str] = []
    for index in kept:
        pair = f"{_n(vertices[index][0])},{_n(vertices[index][1])}"
        if not pairs or pairs[-1] != pair:
            pairs.append(pair)
    return " ".join(pairs)


def _clamp_score(score: float) -> int:
    return min(max(round(score), 0), 100)


def _emphasis(emphasis: str) -> str:
    return emphasis if emphasis in ("primary", "hybrid") else "none"


def _emphasis_note(emphasis: str) -> str:
    return {"primary": " (recommended)", "hybrid": " (part of the hybrid)"}.get(emphasis, "")


def _months(months: int) -> str:
    return count(months, "month")


def _trim(number: float) -> str:
    return f"{number:,.1f}".removesuffix(".0")


def _n(value: float) -> str:
    """A coordinate rounded to one decimal, so the output is short and byte-for-byte stable."""
    rounded = round(value, 1)
    return "0" if rounded == 0 else f"{rounded:.1f}".removesuffix(".0")


def _plain(text: str) -> str:
    """Text without control characters, surrogates or non-characters, which XML cannot carry."""
    kept = []
    for char in str(text):
        category = unicodedata.category(char)
        if category == "Cc" or char.isspace():
            kept.append(" ")
        elif category != "Cs" and char not in "\ufffe\uffff":
            kept.append(char)
    return " ".join("".join(kept).split())


# Approximate DejaVu Sans advance widths, in ems, to size columns and shorten long labels.
_NARROW = frozenset("ijlI.,:;'|! ")
_SEMI = frozenset('frt-()/[]{}"`J')
_WIDE = frozenset("mwMW%&@\u2026\u2014")


def _text_width(text: str, size: float, *, bold: bool = False) -> float:
    ems = 0.0
    for char in text:
        if char in _NARROW:
            ems += 0.31
        elif char in _SEMI:
            ems += 0.4
        elif char in _WIDE:
            ems += 0.97
        elif char.isascii() and (char.isupper() or char.isdigit() or char in "$#"):
            ems += 0.72
        elif char.isascii():
            ems += 0.62
        else:
            ems += 1.0  # accents, arrows, CJK: assume wide so nothing spills over
    return ems * size * (1.13 if bold else 1.0)


def _fit(text: str, max_width: float, size: float, *, bold: bool = False) -> str:
    """Shorten `text` with an ellipsis until it fits in `max_width`."""
    if _text_width(text, size, bold=bold) <= max_width:
        return text
    while text and _text_width(text + "\u2026", size, bold=bold) > max_width:
        text = text[:-1]
    return text.rstrip() + "\u2026"
