"""The dashboard's charts as geometry for inline SVG: no script, no images, printable.

Each function turns the dashboard's numbers into shapes with coordinates in a fixed viewBox;
templates/roster/_charts.html draws them with presentation attributes and roster.css classes
(the page's Content-Security-Policy forbids inline style attributes).
"""

from dataclasses import dataclass
from datetime import date

from camp_app.roster.dashboard import OTHER_AGE, DayCount

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40  # room for the axis labels
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
BASELINE = TOP + PLOT_H


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float

    @property
    def middle(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Point:
    day: date
    value: int
    x: float
    y: float


@dataclass(frozen=True)
class LineChart:
    points: list[Point]
    ticks: list[Tick]

    @property
    def path(self) -> str:
        """The SVG path data of the line."""
        return " ".join(
            f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(self.points)
        )

    @property
    def area(self) -> str:
        """The path of the shaded area under the line, closed along the baseline."""
        first, last = self.points[0], self.points[-1]
        return f"{self.path} L{last.x:.1f},{BASELINE} L{first.x:.1f},{BASELINE} Z"

    @property
    def labelled(self) -> list[Point]:
        """The points whose date is written under the axis: first, last and a few between."""
        last = len(self.points) - 1
        chosen = sorted({0, last // 4, last // 2, 3 * last // 4, last})
        return [self.points[i] for i in chosen]


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    ticks: list[Tick]


def _nice_top(highest: int) -> int:
    """A round axis maximum at or above `highest` (1, 2, 5, 10, 20, 50, ...)."""
    top = 1
    while top < highest:
        for factor in (2, 5 / 2, 2):
            top = int(top * factor)
            if top >= highest:
                break
    return top


def _ticks(top: int) -> list[Tick]:
    steps = 4 if top % 4 == 0 else (5 if top % 5 == 0 else (2 if top % 2 == 0 else 1))
    return [Tick(top * i // steps, _y(top * i // steps, top)) for i in range(steps + 1)]


def _y(value: int, top: int) -> float:
    return round(BASELINE - value / top * PLOT_H, 1)


def received_chart(days: list[DayCount]) -> LineChart | None:
    """The running total of registrations received, one point a day; None without any."""
    if not days:
        return None
    top = _nice_top(days[-1].total)
    span = max(len(days) - 1, 1)
    # A single day sits in the middle rather than on the axis.
    offset = PLOT_W / 2 if len(days) == 1 else 0
    points = [
        Point(d.day, d.total, round(LEFT + offset + i * PLOT_W / span, 1), _y(d.total, top))
        for i, d in enumerate(days)
    ]
    return LineChart(points, _ticks(top))


def age_chart(ages: dict[int, int], other_label: str) -> BarChart | None:
    """A bar per age from the youngest to the oldest present (empty ages included, so gaps
    show), and one for implausible ages if any; None without seat holders."""
    if not ages:
        return None
    plausible = [a for a in ages if a != OTHER_AGE]
    labels: list[tuple[str, int]] = []
    if plausible:
        labels = [(str(a), ages.get(a, 0)) for a in range(min(plausible), max(plausible) + 1)]
    if OTHER_AGE in ages:
        labels.append((other_label, ages[OTHER_AGE]))
    top = _nice_top(max(n for _label, n in labels))
    slot = PLOT_W / len(labels)
    width = round(min(slot * 0.7, 60), 1)
    bars = [
        Bar(
            label=label,
            value=n,
            x=round(LEFT + i * slot + (slot - width) / 2, 1),
            y=_y(n, top),
            width=width,
            height=round(BASELINE - _y(n, top), 1),
        )
        for i, (label, n) in enumerate(labels)
    ]
    return BarChart(bars, _ticks(top))
