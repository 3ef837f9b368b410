"""Bar charts of the run report as inline SVG, drawn with matplotlib.

matplotlib renders offline, with no browser and no JavaScript, into SVG text that goes
straight into the HTML page (and, base64-encoded, into the Prefect markdown artifact). Text
stays text (`svg.fonttype = none`), so labels are sharp and the files small; the figure
objects are made without pyplot, so no global state is shared between threads.
"""

import base64
import functools
import io
import re

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

matplotlib.rcParams.update(
    {
        "svg.fonttype": "none",
        "svg.hashsalt": "qingxi",  # the same figures give the same SVG, run after run
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)
THIS_RUN = "#3b6fb6"
PREVIOUS_RUN = "#b8c4d6"
WIDTH_INCHES = 5.6
METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
NAMESPACE = re.compile(r' xmlns(?::\w+)?="[^"]*"')


def bar_chart(
    counts: dict[str, float],
    title: str,
    previous: dict[str, float] | None = None,
    horizontal: bool = True,
    unit: str = "",
) -> str:
    """Bars of `counts` (and of `previous` beside them, when given), as an <svg> element."""
    before = tuple(previous.items()) if previous is not None else None
    return drawn_chart(tuple(counts.items()), title, before, horizontal, unit)


@functools.lru_cache(maxsize=64)  # the page and the Prefect artifact draw the same charts
def drawn_chart(
    count_items: tuple[tuple[str, float], ...],
    title: str,
    previous_items: tuple[tuple[str, float], ...] | None,
    horizontal: bool,
    unit: str,
) -> str:
    counts = dict(count_items)
    previous = dict(previous_items) if previous_items is not None else None
    labels = list(counts) + [name for name in previous or {} if name not in counts]
    values = [counts.get(name, 0) for name in labels]
    height = 0.9 + 0.26 * max(len(labels), 1) if horizontal else 2.6
    figure = Figure(figsize=(WIDTH_INCHES, height), layout="constrained")
    axes = figure.subplots()
    positions = list(range(len(labels)))
    thickness = 0.4 if previous is not None else 0.7
    offset = thickness / 2 if previous is not None else 0.0
    draw = axes.barh if horizontal else axes.bar
    bars = draw(
        [p - offset for p in positions], values, thickness, color=THIS_RUN, label="this run"
    )
    axes.bar_label(bars, fmt="%g", fontsize=8, padding=2)
    if previous is not None:
        before = [previous.get(name, 0) for name in labels]
        draw(
            [p + offset for p in positions],
            before,
            thickness,
            color=PREVIOUS_RUN,
            label="previous run",
        )
        figure.legend(loc="outside upper right", frameon=False, fontsize=8, ncols=2)
    counted = all(float(value).is_integer() for value in values)
    value_axis = axes.xaxis if horizontal else axes.yaxis
    value_axis.set_major_locator(MaxNLocator(integer=counted))
    if horizontal:
        axes.set_yticks(positions, labels)
        axes.invert_yaxis()
        axes.set_xlabel(unit)
    else:
        axes.set_xticks(positions, labels, rotation=30 if len(labels) > 6 else 0, ha="right")
        axes.set_ylabel(unit)
    axes.set_title(title, loc="left", fontsize=10)
    return svg_text(figure)


def svg_text(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    # the RDF <metadata> block only names matplotlib (by URL): nothing a reader needs
    return METADATA.sub("", text[text.index("<svg") :])


def inline(svg: str) -> str:
    """The SVG for an HTML page: HTML parses <svg> and xlink:href without namespace
    declarations, so the page carries no URL at all, not even a namespace name."""
    return NAMESPACE.sub("", svg)


def data_uri(svg: str) -> str:
    """The SVG as a data: URI, for markdown that takes images only (the Prefect UI)."""
    encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f"data:image/svg+xml;base64,{encoded}"
