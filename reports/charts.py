"""The chart of delivered versus planned patrols per week, drawn on the server with pygal.

The SVG is served as its own response and shown with an <img>, so it carries no script the page
would run: pygal always writes a `<script>` with its configuration for its optional tooltips
(pygal.js, which we do not load); we drop it from the drawing before it is written out. Its
styles stay inside the SVG (the chart's response alone allows them, see views.CoverageChartView).
"""

from __future__ import annotations

from typing import Any

import pygal
from pygal.etree import etree
from pygal.style import Style

from .coverage import Report

_STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#52606d",
    colors=("#9aa5b1", "#1d6b3a"),  # planned grey, delivered green
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=13,
    title_font_size=15,
)


def week_label(report: Report, index: int) -> str:
    return f"{report.weeks[index].week:%-d %b}"


# A phone's chart: narrower, so its labels stay readable at 390 px (the page picks it with <picture>).
PHONE_SIZE = (420, 340)
DESKTOP_SIZE = (900, 360)


def coverage_chart_svg(report: Report, *, phone: bool = False) -> bytes:
    """An SVG bar chart: for each Monday-start week of the report, planned and delivered."""
    width, height = PHONE_SIZE if phone else DESKTOP_SIZE
    most_labels = 6 if phone else 26
    chart = pygal.Bar(
        style=_STYLE,
        js=[],  # no pygal.js from a CDN (and the config script is removed below)
        width=width,
        height=height,
        title="Delivered versus planned, per week",
        x_title="Week commencing (Monday)",
        legend_at_bottom=True,
        legend_at_bottom_columns=2,
        show_y_guides=True,
        min_scale=1,
        order_min=0,
        range=(0, max([1, *(week.figures.planned for week in report.weeks)])),
        x_label_rotation=0 if len(report.weeks) <= most_labels // 2 else 45,
        show_minor_x_labels=len(report.weeks) <= most_labels,
        truncate_label=-1,
        print_values=False,
        disable_xml_declaration=True,
        explicit_size=False,
    )
    labels = [week_label(report, index) for index in range(len(report.weeks))]
    chart.x_labels = labels
    if len(labels) > most_labels:
        chart.x_labels_major = labels[:: max(1, len(labels) // (most_labels // 2))]
    chart.add("Planned", [week.figures.planned for week in report.weeks])
    chart.add("Delivered", [week.figures.delivered for week in report.weeks])
    tree = chart.render_tree()
    _drop_scripts(tree)
    svg: bytes = etree.tostring(tree, encoding="utf-8")  # pygal's etree: lxml or the standard library's
    return svg


def _drop_scripts(root: Any) -> None:
    for parent in list(root.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
