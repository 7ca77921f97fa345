import itertools
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping

import pytest
from django.utils.safestring import SafeString
from hypothesis import given
from hypothesis import strategies as st

from advisor.charts import (
    DEFAULT_ACCENT,
    LINE_PALETTE,
    CostSeries,
    ScoreBar,
    approach_scores_svg,
    compact_money,
    compact_usd,
    cost_over_time_svg,
    money_ticks,
    month_ticks,
    tint,
    valid_accent,
)


def cumulative(
    one_off: float, monthly: float, *, months: int = 36, jumps: Mapping[int, float] | None = None
) -> tuple[float, ...]:
    """Cumulative cost at the end of each month 0..`months`, with one-off `jumps` in some months."""
    jumps = jumps or {}
    return tuple(
        one_off + monthly * month + sum(cost for when, cost in jumps.items() if when <= month)
        for month in range(months + 1)
    )


SCORES = [
    ScoreBar("zero_shot", "Zero-shot prompting", 35, "none"),
    ScoreBar("few_shot", "Few-shot prompting", 52, "none"),
    ScoreBar("system_prompt", "System-prompt engineering", 81, "primary"),
    ScoreBar("rag", "Retrieval-augmented prompting", 64, "hybrid"),
    ScoreBar("adapter", "Adapter fine-tuning", 47, "none"),
    ScoreBar("full_fine_tune", "Full fine-tuning", 18, "none"),
]
# The two fine-tuning approaches expect a major requirement change, and so a retraining cycle,
# in month 9.
COSTS = [
    CostSeries("zero_shot", "Zero-shot prompting", cumulative(800, 1_000), "none"),
    CostSeries("few_shot", "Few-shot prompting", cumulative(1_500, 1_100), "none"),
    CostSeries("system_prompt", "System-prompt engineering", cumulative(4_000, 900), "primary"),
    CostSeries("rag", "Retrieval-augmented prompting", cumulative(9_000, 1_300), "hybrid"),
    CostSeries("adapter", "Adapter fine-tuning", cumulative(18_000, 450, jumps={9: 6_000}), "none"),
    CostSeries(
        "full_fine_tune",
        "Full fine-tuning",
        cumulative(35_000, 1_500, jumps={9: 15_000}),
        "none",
    ),
]
STRAIGHT = ("zero_shot", "few_shot", "system_prompt", "rag")
HOSTILE_LABELS = [
    "</text><script>alert(1)</script>",
    '"><image href="http://169.254.169.254/">',
    "<foreignObject><iframe src='https://evil.example'></iframe></foreignObject>",
    "]]><!-- &amp; {} {0} %s",
]
# Everything the charts may contain: shapes and text, nothing that runs or loads anything.
ALLOWED_ELEMENTS = {"svg", "title", "desc", "text", "rect", "line", "polyline", "path"}


def parse(svg: str) -> ET.Element:
    """Parse a chart as strict XML: any markup a label managed to inject would fail or show."""
    return ET.fromstring(svg)  # noqa: S314 (our own output, the very thing under test)


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def elements(root: ET.Element, name: str) -> list[ET.Element]:
    return [element for element in root.iter() if local(element.tag) == name]


def texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in elements(root, "text")]


def bars(root: ET.Element) -> list[ET.Element]:
    return [rect for rect in elements(root, "rect") if "data-key" in rect.attrib]


def cost_lines(root: ET.Element) -> dict[str, ET.Element]:
    return {
        line.attrib["data-key"]: line
        for line in elements(root, "polyline")
        if "data-key" in line.attrib
    }


def vertices(line: ET.Element) -> list[tuple[float, float]]:
    """A polyline's points as (x, y) pairs."""
    pairs = [pair.split(",") for pair in line.attrib["points"].split()]
    return [(float(x), float(y)) for x, y in pairs]


def usd(label: str) -> float:
    """The amount an axis label such as "$150k" stands for."""
    sizes = {"k": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}
    number = label.removeprefix("$")
    return float(number[:-1]) * sizes[number[-1]] if number[-1] in sizes else float(number)


class Axes:
    """Maps months and dollars to chart coordinates, read off the chart's own tick labels."""

    def __init__(self, root: ET.Element) -> None:
        ticks = [text for text in elements(root, "text") if text.attrib["font-size"] == "11"]
        # The tick labels sit 4 units below their grid line, and centred under their tick mark.
        money = [(usd(t.text or ""), float(t.attrib["y"]) - 4) for t in ticks if "$" in t.text]
        months = [
            (int(t.text or ""), float(t.attrib["x"]))
            for t in ticks
            if (t.text or "").isdigit() and t.attrib["text-anchor"] == "middle"
        ]
        (self.usd0, self.y0), (self.usd1, self.y1) = money[0], money[-1]
        (self.month0, self.x0), (self.month1, self.x1) = months[0], months[-1]
        self.top = self.usd1  # the amount at the top of the scale

    def x(self, month: float) -> float:
        return self.x0 + (self.x1 - self.x0) * (month - self.month0) / (self.month1 - self.month0)

    def y(self, amount: float) -> float:
        return self.y0 + (self.y1 - self.y0) * (amount - self.usd0) / (self.usd1 - self.usd0)

    def month(self, x: float) -> int:
        """The month at `x`, which must lie on a month."""
        month = self.month0 + (x - self.x0) * (self.month1 - self.month0) / (self.x1 - self.x0)
        assert month == pytest.approx(round(month), abs=0.02)
        return round(month)


def desc(root: ET.Element) -> str:
    return elements(root, "desc")[0].text or ""


def both_charts(label: str = "Zero-shot prompting", title: str | None = None) -> list[SafeString]:
    """Both charts, with `label` as the first approach's label (and `title` as their title)."""
    scores = [ScoreBar("zero_shot", label, 35, "primary"), *SCORES[1:]]
    costs = [CostSeries("zero_shot", label, cumulative(800, 1_000), "primary"), *COSTS[1:]]
    if title is None:
        return [approach_scores_svg(scores), cost_over_time_svg(costs)]
    return [approach_scores_svg(scores, title=title), cost_over_time_svg(costs, title=title)]


# The approach-scores chart


def test_it_draws_the_six_bars_in_the_given_order() -> None:
    root = parse(approach_scores_svg(SCORES))
    assert [bar.attrib["data-key"] for bar in bars(root)] == [score.key for score in SCORES]
    bar_tops = [float(bar.attrib["y"]) for bar in bars(root)]
    assert bar_tops == sorted(bar_tops)


def test_it_fills_the_primary_bar_with_the_accent_and_the_hybrid_with_its_tint() -> None:
    root = parse(approach_scores_svg(SCORES, accent="#7a1f5c"))
    fills = {bar.attrib["data-key"]: bar.attrib["fill"] for bar in bars(root)}
    assert fills["system_prompt"] == "#7a1f5c"
    assert fills["rag"] == tint("#7a1f5c")
    others = {fills[key] for key in ("zero_shot", "few_shot", "adapter", "full_fine_tune")}
    assert len(others) == 1
    assert others.isdisjoint({"#7a1f5c", tint("#7a1f5c")})


def test_it_labels_each_bar_with_its_name_and_its_score() -> None:
    shown = texts(parse(approach_scores_svg(SCORES)))
    labels = [text for text in shown if text in {score.label for score in SCORES}]
    assert labels == [score.label for score in SCORES]
    assert {"35", "52", "81", "64", "47", "18"} <= set(shown)
    assert "Top to bottom: cheaper, more flexible \u2192 more specialised, more upkeep" in shown


def test_bar_lengths_follow_the_scores() -> None:
    widths = {
        bar.attrib["data-key"]: float(bar.attrib["width"])
        for bar in bars(parse(approach_scores_svg(SCORES)))
    }
    per_point = widths["system_prompt"] / 81
    for score in SCORES:
        assert widths[score.key] == pytest.approx(score.score * per_point, abs=0.1)


def test_it_clamps_scores_to_0_to_100() -> None:
    chart = approach_scores_svg(
        [
            ScoreBar("over", "Over", 140, "none"),
            ScoreBar("under", "Under", -5, "none"),
            ScoreBar("full", "Full", 100, "none"),
        ]
    )
    root = parse(chart)
    widths = {bar.attrib["data-key"]: float(bar.attrib["width"]) for bar in bars(root)}
    assert widths["over"] == widths["full"] > 0
    assert widths["under"] == 0
    assert "140" not in texts(root)
    assert "-5" not in texts(root)
    assert "Over scores 100 of 100" in desc(root)
    assert "Under scores 0 of 100" in desc(root)


def test_its_description_reads_out_every_score() -> None:
    text = desc(parse(approach_scores_svg(SCORES)))
    assert "Zero-shot prompting scores 35 of 100" in text
    assert "System-prompt engineering scores 81 of 100 (recommended)" in text
    assert "Retrieval-augmented prompting scores 64 of 100 (part of the hybrid)" in text


def test_it_shortens_a_label_too_long_for_the_label_column_but_describes_it_in_full() -> None:
    label = (
        "Retrieval-augmented prompting over the client's whole knowledge base and ticket history"
    )
    root = parse(approach_scores_svg([ScoreBar("rag", label, 64, "hybrid"), *SCORES[:2]]))
    assert label not in texts(root)
    assert any(text.endswith("\u2026") and label.startswith(text[:-1]) for text in texts(root))
    assert label in desc(root)


def test_it_draws_an_empty_chart_for_no_approaches() -> None:
    root = parse(approach_scores_svg([]))
    assert bars(root) == []
    assert "No approaches to show." in desc(root)


# The cost-over-time chart


def test_it_draws_one_line_per_series_with_the_primary_last() -> None:
    lines = cost_lines(parse(cost_over_time_svg(COSTS)))
    assert list(lines) == [
        "zero_shot",
        "few_shot",
        "rag",
        "adapter",
        "full_fine_tune",
        "system_prompt",
    ]
    assert not elements(parse(cost_over_time_svg(COSTS)), "path")


@pytest.mark.parametrize("months", [1, 12, 36, 60])
def test_each_line_runs_from_its_first_point_at_month_0_to_its_last_at_the_horizon(
    months: int,
) -> None:
    series = [
        CostSeries(
            item.key,
            item.label,
            cumulative(item.points[0], item.points[1] - item.points[0], months=months),
            "none",  # with nothing recommended, no line runs off the scale
        )
        for item in COSTS
    ]
    root = parse(cost_over_time_svg(series))
    axes = Axes(root)
    lines = cost_lines(root)
    for item in series:
        first, *_, last = vertices(lines[item.key])
        assert first == pytest.approx((axes.x(0), axes.y(item.points[0])), abs=0.15)
        assert last == pytest.approx((axes.x(months), axes.y(item.points[-1])), abs=0.15)


def test_lines_end_in_order_of_total_cost_and_start_in_order_of_one_off_cost() -> None:
    lines = cost_lines(parse(cost_over_time_svg(COSTS)))
    # SVG's y axis points down: the dearest approach ends highest, so with the smallest y.
    by_end_height = sorted(lines, key=lambda key: vertices(lines[key])[-1][1])
    assert by_end_height == [item.key for item in sorted(COSTS, key=lambda c: -c.points[-1])]
    by_start_height = sorted(lines, key=lambda key: vertices(lines[key])[0][1])
    assert by_start_height == [item.key for item in sorted(COSTS, key=lambda c: -c.points[0])]


def test_a_straight_series_is_drawn_as_just_its_two_ends() -> None:
    lines = cost_lines(parse(cost_over_time_svg(COSTS)))
    for key in STRAIGHT:
        assert len(vertices(lines[key])) == 2, key


def test_a_jump_in_one_month_makes_a_kink_at_each_end_of_that_month() -> None:
    root = parse(cost_over_time_svg(COSTS))
    axes = Axes(root)
    lines = cost_lines(root)
    for item in COSTS:
        if item.key in STRAIGHT:
            continue
        drawn = vertices(lines[item.key])
        assert [axes.month(x) for x, _ in drawn] == [0, 8, 9, 36]
        expected = [axes.y(item.points[month]) for month in (0, 8, 9, 36)]
        assert [y for _, y in drawn] == pytest.approx(expected, abs=0.15)
    # The jump is steeper than the months either side of it.
    (x0, y0), (x8, y8), (x9, y9), (x36, y36) = vertices(lines["full_fine_tune"])
    before, jump, after = (y0 - y8) / (x8 - x0), (y8 - y9) / (x9 - x8), (y9 - y36) / (x36 - x9)
    assert jump > 5 * max(before, after) > 0


def test_a_kink_of_any_shape_keeps_exactly_the_vertices_it_needs() -> None:
    # Flat, then rising, then flat again: two kinks, and a rounding-noisy straight run.
    points = (
        *([1_000.0] * 5),
        *(1_000 + 0.1 * 3_001 * step for step in range(1, 10)),
        *([1_000 + 0.1 * 3_001 * 9] * 10),
    )
    root = parse(cost_over_time_svg([CostSeries("a", "A", points, "none")]))
    axes = Axes(root)
    assert [axes.month(x) for x, _ in vertices(cost_lines(root)["a"])] == [0, 4, 13, 23]


@given(
    st.lists(
        st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False),
        min_size=2,
        max_size=61,
    )
)
def test_a_line_passes_through_every_month_and_keeps_its_ends(points: list[float]) -> None:
    root = parse(cost_over_time_svg([CostSeries("a", "A", tuple(points), "none")]))
    axes = Axes(root)
    drawn = vertices(cost_lines(root)["a"])
    months = [axes.month(x) for x, _ in drawn]
    assert months[0] == 0
    assert months[-1] == len(points) - 1
    assert months == sorted(set(months))
    # Every month's point, kept or merged into a straight run, lies on the drawn line.
    heights = [y for _, y in drawn]
    for (start, y_start), (end, y_end) in itertools.pairwise(zip(months, heights, strict=True)):
        for month in range(start, end + 1):
            on_line = y_start + (y_end - y_start) * (month - start) / (end - start)
            assert on_line == pytest.approx(axes.y(points[month]), abs=0.2)


def test_the_primary_line_is_solid_thick_and_in_the_accent_colour() -> None:
    lines = cost_lines(parse(cost_over_time_svg(COSTS, accent="#7A1F5C")))
    primary = lines.pop("system_prompt")
    assert primary.attrib["stroke"] == "#7a1f5c"
    assert primary.attrib["fill"] == "none"
    assert "stroke-dasharray" not in primary.attrib
    assert all(
        float(primary.attrib["stroke-width"]) > float(line.attrib["stroke-width"])
        for line in lines.values()
    )


def test_other_lines_differ_in_colour_and_in_dash_pattern() -> None:
    lines = cost_lines(parse(cost_over_time_svg(COSTS))).values()
    others = [line for line in lines if line.attrib["data-emphasis"] != "primary"]
    assert {line.attrib["stroke"] for line in others} <= set(LINE_PALETTE)
    assert len({line.attrib["stroke"] for line in others}) == len(others)
    assert len({line.attrib["stroke-dasharray"] for line in others}) == len(others)
    assert {line.attrib["fill"] for line in others} == {"none"}


def test_its_legend_shows_every_label_with_its_last_point_and_line_style() -> None:
    root = parse(cost_over_time_svg(COSTS))
    shown = texts(root)
    for item in COSTS:
        assert item.label in shown
    assert shown.count("Total at month 36") == 2
    assert {"$36.8k", "$41.1k", "$36.4k", "$55.8k", "$40.2k", "$104k"} <= set(shown)
    swatches = [
        line
        for line in elements(root, "line")
        if "data-key" not in line.attrib and line.get("stroke-linecap")
    ]
    assert len(swatches) == len(COSTS)


def test_its_axes_have_round_ticks() -> None:
    shown = texts(parse(cost_over_time_svg(COSTS)))
    assert {"$0", "$50k", "$100k", "$150k"} <= set(shown)
    assert {"0", "6", "12", "18", "24", "30", "36"} <= set(shown)


def test_the_y_axis_reaches_the_largest_point_wherever_it_is() -> None:
    # A refund can bring a cumulative cost back down: the peak is in the middle.
    peak = CostSeries("a", "A", (0, 150_000, 90_000), "none")
    low = CostSeries("b", "B", (0, 1_000, 2_000), "none")
    root = parse(cost_over_time_svg([low, peak]))
    shown = texts(root)
    assert {"$0", "$50k", "$100k", "$150k"} <= set(shown)
    assert "$200k" not in shown
    assert {"$2k", "$90k"} <= set(shown)
    axes = Axes(root)
    assert [y for _, y in vertices(cost_lines(root)["a"])] == pytest.approx(
        [axes.y(0), axes.y(150_000), axes.y(90_000)], abs=0.15
    )


def test_its_description_reads_out_every_cost() -> None:
    text = desc(parse(cost_over_time_svg(COSTS)))
    assert "over 36 months" in text
    assert "System-prompt engineering: $4,000 up front, $36,400 in total (recommended)" in text
    assert "Retrieval-augmented prompting: $9,000 up front, $55,800 in total (part of" in text
    assert "Full fine-tuning: $35,000 up front, $104,000 in total." in text


def test_an_approach_far_dearer_than_the_recommended_one_runs_off_the_scale() -> None:
    dear = CostSeries("full_fine_tune", "Full fine-tuning", cumulative(80_000, 3_000), "none")
    series = [*COSTS[:5], dear]
    root = parse(cost_over_time_svg(series))
    axes, shown = Axes(root), texts(root)

    # The scale fits the approaches within three times the recommended one's total ($36.4k),
    # so the prompting lines are not flattened by the $188k one.
    assert "$200k" not in shown
    assert axes.top == 60_000  # RAG, the dearest line on the scale, ends at $55.8k
    [note] = [t for t in shown if t.startswith("Above the top of the scale")]
    assert "Full fine-tuning" in note
    assert "$188k" in shown  # its total stays in the legend
    assert "Full fine-tuning: $80,000 up front, $188,000 in total." in desc(root)
    # Its line is cut where it leaves the plot, and an arrow marks where it went.
    assert "full_fine_tune" not in cost_lines(root)  # it starts above the scale
    [arrow] = [p for p in elements(root, "path") if p.get("data-off-scale") == "full_fine_tune"]
    assert arrow.get("fill") in LINE_PALETTE
    for key, line in cost_lines(root).items():
        assert min(y for _, y in vertices(line)) >= axes.y(axes.top) - 0.15, key


def test_a_line_leaving_the_scale_is_drawn_up_to_where_it_crosses_the_top() -> None:
    primary = CostSeries(
        "system_prompt", "System-prompt engineering", cumulative(0, 1_000), "primary"
    )
    rising = CostSeries("adapter", "Adapter fine-tuning", cumulative(0, 10_000), "none")
    root = parse(cost_over_time_svg([primary, rising]))
    axes = Axes(root)
    line = vertices(cost_lines(root)["adapter"])

    assert line[0] == pytest.approx((axes.x(0), axes.y(0)), abs=0.15)
    assert line[-1][1] == pytest.approx(axes.y(axes.top), abs=0.15)
    assert axes.x(0) < line[-1][0] < axes.x(36)


def test_all_zero_costs_still_get_a_y_axis_up_to_100_dollars() -> None:
    root = parse(
        cost_over_time_svg([CostSeries("zero_shot", "Zero-shot prompting", (0,) * 37, "primary")])
    )
    assert {"$0", "$25", "$50", "$75", "$100"} <= set(texts(root))
    (_, y_start), (_, y_end) = vertices(cost_lines(root)["zero_shot"])
    assert y_start == y_end == Axes(root).y(0)


def test_it_draws_a_single_series() -> None:
    root = parse(cost_over_time_svg([COSTS[3]]))
    assert list(cost_lines(root)) == ["rag"]


def test_it_draws_no_series_as_bare_axes_over_three_years() -> None:
    root = parse(cost_over_time_svg([]))
    assert cost_lines(root) == {}
    assert "$100" in texts(root)
    assert "36" in texts(root)
    assert "Total at month 36" not in texts(root)
    assert "No approaches to show." in desc(root)


def test_it_handles_billions() -> None:
    points = cumulative(2e9, 3e8, months=60)
    svg = cost_over_time_svg([CostSeries("full_fine_tune", "Full fine-tuning", points, "primary")])
    shown = texts(parse(svg))
    assert {"$0", "$5B", "$10B", "$15B", "$20B"} <= set(shown)
    assert {"0", "12", "60", "Total at month 60", "$20B"} <= set(shown)
    assert "e+" not in svg


def test_it_handles_a_one_month_horizon() -> None:
    series = [CostSeries(item.key, item.label, item.points[:2], item.emphasis) for item in COSTS]
    root = parse(cost_over_time_svg(series))
    assert {"0", "1", "Total at month 1"} <= set(texts(root))
    assert "over 1 month." in desc(root)
    assert all(len(vertices(line)) == 2 for line in cost_lines(root).values())


def test_it_accepts_integer_points_in_a_list() -> None:
    as_floats = cost_over_time_svg([CostSeries("a", "A", (100.0, 200.0, 300.0), "none")])
    as_ints = cost_over_time_svg([CostSeries("a", "A", [100, 200, 300], "none")])  # type: ignore[arg-type]
    assert as_ints == as_floats


def test_it_treats_negative_costs_as_zero() -> None:
    negative = cost_over_time_svg([CostSeries("a", "A", (-500, -0.0, -520), "none")])
    zero = cost_over_time_svg([CostSeries("a", "A", (0, 0, 0), "none")])
    assert negative == zero
    assert "$-" not in negative


@pytest.mark.parametrize(
    "points",
    [
        (math.nan, 10),
        (10, math.nan),
        (0, 10, math.nan, 30),
        (math.inf, 10),
        (10, -math.inf),
        (10, 10**400),
    ],
)
def test_it_rejects_costs_that_are_not_finite_numbers(points: tuple[float, ...]) -> None:
    with pytest.raises(ValueError, match=r"'a' at month .* must be a finite number"):
        cost_over_time_svg([CostSeries("a", "A", points, "none")])


def test_it_rejects_costs_too_large_to_draw() -> None:
    with pytest.raises(ValueError, match="too large to draw"):
        cost_over_time_svg([CostSeries("a", "A", (1e308, 1.79e308), "none")])


@pytest.mark.parametrize("points", [(), (4_000.0,)])
def test_it_rejects_a_series_with_fewer_than_two_points(points: tuple[float, ...]) -> None:
    with pytest.raises(ValueError, match=rf"'a' need at least 2 points .*not {len(points)}"):
        cost_over_time_svg([CostSeries("a", "A", points, "none")])
    with pytest.raises(ValueError, match="at least 2 points"):
        cost_over_time_svg([*COSTS, CostSeries("a", "A", points, "none")])


def test_it_rejects_series_of_different_lengths() -> None:
    short = CostSeries("short", "Short", cumulative(100, 10, months=24), "none")
    with pytest.raises(ValueError, match=r"same number of points: .*'short' has 25"):
        cost_over_time_svg([*COSTS, short])


# Both charts


@pytest.mark.parametrize(
    "make", [lambda: approach_scores_svg(SCORES), lambda: cost_over_time_svg(COSTS)]
)
def test_it_is_a_scalable_accessible_svg_in_the_pdf_font(make: Callable[[], SafeString]) -> None:
    svg = make()
    assert isinstance(svg, SafeString)
    root = parse(svg)
    assert local(root.tag) == "svg"
    assert root.attrib["width"] == "100%"
    assert "height" not in root.attrib
    assert re.fullmatch(r"0 0 640 \d+(\.\d)?", root.attrib["viewBox"])
    assert root.attrib["role"] == "img"
    assert root.attrib["font-family"] == "DejaVu Sans, sans-serif"
    assert [local(child.tag) for child in root[:2]] == ["title", "desc"]
    assert root[0].text in {"How well each approach fits", "Cumulative cost over time"}
    assert root[0].text in texts(root)
    assert all(11 <= float(text.attrib["font-size"]) <= 15 for text in elements(root, "text"))


@pytest.mark.parametrize("svg", both_charts())
def test_it_uses_no_inline_styles_scripts_or_outside_references(svg: SafeString) -> None:
    root = parse(svg)
    assert {local(element.tag) for element in root.iter()} <= ALLOWED_ELEMENTS
    for element in root.iter():
        assert "style" not in element.attrib
        assert not any(name.endswith("href") for name in element.attrib)
        assert not any("url(" in value or "http" in value for value in element.attrib.values())


@pytest.mark.parametrize("label", HOSTILE_LABELS)
def test_hostile_labels_stay_text(label: str) -> None:
    for svg in both_charts(label, title=label):
        root = parse(svg)
        assert {local(element.tag) for element in root.iter()} <= ALLOWED_ELEMENTS
        for element in root.iter():
            assert not any("http" in value for value in element.attrib.values())
        assert label in desc(root)
        assert elements(root, "title")[0].text == label
        assert "<script" not in svg
        assert "<image" not in svg
        assert "<foreignObject" not in svg


@given(label=st.text(max_size=80), title=st.text(max_size=80))
def test_any_label_makes_well_formed_xml(label: str, title: str) -> None:
    for svg in both_charts(label, title=title):
        root = parse(svg)
        assert {local(element.tag) for element in root.iter()} <= ALLOWED_ELEMENTS


def test_a_hostile_key_stays_inside_its_attribute() -> None:
    key = '" onload="alert(1)'
    for svg in (
        approach_scores_svg([ScoreBar(key, "A", 50, "none")]),
        cost_over_time_svg([CostSeries(key, "A", (1, 2), "none")]),
    ):
        root = parse(svg)
        assert all("onload" not in element.attrib for element in root.iter())
        assert [
            element.attrib["data-key"] for element in root.iter() if "data-key" in element.attrib
        ] == [key]


@pytest.mark.parametrize(
    "accent",
    [
        "red",
        "#fff",
        "#12345g",
        "#1f4e79\n",
        '#123456" onload="x',
        "javascript:alert(1)",
        "",
        "#1234567",
    ],
)
def test_an_invalid_accent_falls_back_to_the_default(accent: str) -> None:
    assert valid_accent(accent) == DEFAULT_ACCENT
    scores = parse(approach_scores_svg(SCORES, accent=accent))
    assert {bar.attrib["data-key"]: bar.attrib["fill"] for bar in bars(scores)}[
        "system_prompt"
    ] == DEFAULT_ACCENT
    costs = parse(cost_over_time_svg(COSTS, accent=accent))
    assert cost_lines(costs)["system_prompt"].attrib["stroke"] == DEFAULT_ACCENT


@pytest.mark.parametrize("svg", both_charts())
def test_coordinates_are_rounded_to_one_decimal(svg: SafeString) -> None:
    for element in parse(svg).iter():
        for name in ("x", "y", "x1", "y1", "x2", "y2", "width", "height"):
            if name in element.attrib and element.attrib[name] != "100%":
                assert re.fullmatch(r"-?\d+(\.\d)?", element.attrib[name]), (
                    name,
                    element.attrib[name],
                )
        if "points" in element.attrib:
            assert re.fullmatch(
                r"-?\d+(\.\d)?,-?\d+(\.\d)?( -?\d+(\.\d)?,-?\d+(\.\d)?)+",
                (element.attrib["points"]),
            )


def test_the_same_input_gives_byte_identical_svg() -> None:
    assert approach_scores_svg(SCORES) == approach_scores_svg(list(SCORES))
    assert cost_over_time_svg(COSTS) == cost_over_time_svg(list(COSTS))
    rebuilt = [CostSeries(c.key, c.label, tuple(c.points), c.emphasis) for c in COSTS]
    assert cost_over_time_svg(COSTS) == cost_over_time_svg(rebuilt)


# The pure helpers


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (0, "$0"),
        (999, "$999"),
        (2.5, "$2.5"),
        (1_000, "$1k"),
        (25_000, "$25k"),
        (12_345, "$12.3k"),
        (999_999, "$1M"),
        (1_200_000, "$1.2M"),
        (2_500_000_000, "$2.5B"),
        (3e12, "$3T"),
        (-50, "$0"),
    ],
)
def test_compact_usd(amount: float, expected: str) -> None:
    assert compact_usd(amount) == expected


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (25_000, "GBP", "£25k"),
        (1_200_000, "EUR", "€1.2M"),
        (999, "CHF", "999 CHF"),
        (2_500_000_000, "SEK", "2.5B SEK"),
        (12_345, "USD", "$12.3k"),
    ],
)
def test_compact_money_in_other_currencies(amount: float, currency: str, expected: str) -> None:
    assert compact_money(amount, currency) == expected


def test_the_cost_chart_reads_in_the_results_currency() -> None:
    root = parse(cost_over_time_svg(COSTS, currency="GBP"))
    shown = texts(root)

    assert "£0" in shown
    assert not [text for text in shown if "$" in text]
    assert desc(root).startswith("Cumulative cost in pounds sterling over")
    assert "$" not in desc(root)


def test_compact_usd_rejects_nan() -> None:
    with pytest.raises(ValueError, match="cannot be NaN"):
        compact_usd(math.nan)


@pytest.mark.parametrize(
    ("colour", "towards_white", "expected"),
    [
        ("#000000", 0.5, "#808080"),
        ("#1f4e79", 0, "#1f4e79"),
        ("#1F4E79", 1, "#ffffff"),
        ("#1f4e79", 0.55, "#9aafc3"),
        ("not a colour", 0, DEFAULT_ACCENT),
    ],
)
def test_tint(colour: str, towards_white: float, expected: str) -> None:
    assert tint(colour, towards_white=towards_white) == expected


@pytest.mark.parametrize(
    ("maximum", "expected"),
    [
        (0, [0, 25, 50, 75, 100]),
        (150_000, [0, 50_000, 100_000, 150_000]),
        (55_800, [0, 20_000, 40_000, 60_000]),
        (20e9, [0, 5e9, 10e9, 15e9, 20e9]),
    ],
)
def test_money_ticks(maximum: float, expected: list[float]) -> None:
    assert money_ticks(maximum) == pytest.approx(expected)


@given(st.floats(min_value=0, max_value=1e15))
def test_money_ticks_are_4_to_6_even_steps_from_0_just_past_the_maximum(maximum: float) -> None:
    ticks = money_ticks(maximum)
    assert 4 <= len(ticks) <= 6
    assert ticks[0] == 0
    assert ticks[-1] >= maximum * (1 - 1e-9)
    assert ticks[-2] < maximum or maximum <= 1
    steps = {round(b - a, 6) for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1


@pytest.mark.parametrize(
    ("months", "expected"),
    [
        (1, [0, 1]),
        (12, [0, 2, 4, 6, 8, 10, 12]),
        (24, [0, 6, 12, 18, 24]),
        (36, [0, 6, 12, 18, 24, 30, 36]),
        (45, [0, 12, 24, 36, 45]),
        (60, [0, 12, 24, 36, 48, 60]),
    ],
)
def test_month_ticks(months: int, expected: list[int]) -> None:
    assert month_ticks(months) == expected


@given(st.integers(min_value=1, max_value=100_000))
def test_month_ticks_stay_few_and_within_the_horizon(months: int) -> None:
    ticks = month_ticks(months)
    assert ticks[0] == 0
    assert ticks == sorted(set(ticks))
    assert ticks[-1] <= months
    assert 2 <= len(ticks) <= 8


def test_a_chart_for_print_carries_its_description_in_its_title() -> None:
    for make in (approach_scores_svg, cost_over_time_svg):
        data = SCORES if make is approach_scores_svg else COSTS
        plain, printed = parse(make(data)), parse(make(data, describe_in_title=True))
        title = elements(printed, "title")[0].text or ""
        assert desc(plain) in title
        assert title.startswith(elements(plain, "title")[0].text or "")
