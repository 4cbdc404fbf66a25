"""Admin dashboards: a registry of panels that each domain fills, rendered server-side (inline SVG, no JS).

How a domain adds a panel (e.g. events: events created per day), in its AppConfig.ready():

    from loopin.staff.dashboards import BarChart, Panel, Series, Stats, daily_counts, register_panel

    def events_panel(period):
        created = daily_counts(Event.objects.all(), "created_at", period)
        return [
            Stats([("Events created", sum(created))]),
            BarChart(labels=period.labels(), series=[Series("Created", created)]),
        ]

    register_panel(Panel(key="events.created", title="Events created", build=events_panel,
                         permission="events.view_event", order=200))

A panel's `build(period)` returns blocks: `Stats` (big numbers), `BarChart` (one bar per day and
series; money as Decimal is fine) and `Table`. `daily_counts` / `daily_sums` give one value per day of
the period in the display time zone. A panel is shown to staff holding its `permission` (any staff
when None). Blocks escape every text they render.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from loopin.core.settings import get_settings

if TYPE_CHECKING:
    from loopin.accounts.models import User

Number = int | float | Decimal
PALETTE = ["#417690", "#79aec8", "#f5dd5d", "#c2694c", "#6a9e5f", "#9a7fb5"]


@dataclass(frozen=True)
class Period:
    """The last `days` calendar days (today included) in the display time zone."""

    days: int
    tz: ZoneInfo
    first_day: date

    @classmethod
    def last(cls, days: int) -> Period:
        tz = ZoneInfo(get_settings().DISPLAY_TIME_ZONE)
        today = timezone.now().astimezone(tz).date()
        return cls(days=days, tz=tz, first_day=today - timedelta(days=days - 1))

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, time.min, tzinfo=self.tz)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=self.days)

    def dates(self) -> list[date]:
        return [self.first_day + timedelta(days=i) for i in range(self.days)]

    def labels(self) -> list[str]:
        return [d.isoformat() for d in self.dates()]


def _per_day(rows: Any, period: Period, default: Number) -> list[Any]:
    values = {row["day"]: row["value"] or default for row in rows}
    return [values.get(d, default) for d in period.dates()]


def daily_counts(queryset: QuerySet, field_name: str, period: Period) -> list[int]:
    """How many rows have `field_name` on each day of the period."""
    rows = (
        queryset.filter(**{f"{field_name}__gte": period.start, f"{field_name}__lt": period.end})
        .annotate(day=TruncDate(field_name, tzinfo=period.tz))
        .values("day")
        .annotate(value=Count("pk"))
        .order_by()
    )
    return _per_day(rows, period, 0)


def daily_sums(queryset: QuerySet, field_name: str, value_field: str, period: Period) -> list[Decimal]:
    """The sum of `value_field` over rows with `field_name` on each day of the period (e.g. revenue)."""
    rows = (
        queryset.filter(**{f"{field_name}__gte": period.start, f"{field_name}__lt": period.end})
        .annotate(day=TruncDate(field_name, tzinfo=period.tz))
        .values("day")
        .annotate(value=Sum(value_field))
        .order_by()
    )
    cents = Decimal("0.01")  # a sum of decimals comes back from SQLite as a float-like 5165.60000000000
    return [Decimal(v).quantize(cents) for v in _per_day(rows, period, Decimal(0))]


CURRENCY_SIGNS = {"INR": "₹", "USD": "$", "EUR": "€", "GBP": "£"}


def money_text(value: Number, currency: str = "INR") -> str:
    """'₹5,165.60': two places always, grouped, with the currency's sign (SQLite sums drift past the cents)."""
    amount = Decimal(value).quantize(Decimal("0.01"))
    sign = CURRENCY_SIGNS.get(currency)
    return f"{sign}{amount:,}" if sign else f"{amount:,} {currency}"


def _short(value: Number) -> str:
    value = Decimal(value)
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if value >= 10_000:
        return f"{value / 1000:.0f}k"
    return f"{value.normalize():f}"


def percent(part: Number, whole: Number) -> str:
    return f"{Decimal(part) * 100 / Decimal(whole):.1f} %" if whole else "–"


@dataclass
class Stats:
    """A row of big numbers: (label, value) pairs."""

    items: Sequence[tuple[str, Any]]

    def render(self) -> SafeString:
        tiles = format_html_join(
            "",
            '<div class="loopin-stat"><div class="loopin-stat-value">{}</div><div>{}</div></div>',
            ((value, label) for label, value in self.items),
        )
        return format_html('<div class="loopin-stats">{}</div>', tiles)


@dataclass
class Series:
    name: str
    values: Sequence[Number]
    color: str = ""


@dataclass
class BarChart:
    """Grouped bars, one group per label (day); hovering a bar shows its exact value."""

    labels: Sequence[str]
    series: Sequence[Series]
    height: int = 180

    def render(self) -> SafeString:
        n_series = max(len(self.series), 1)
        days = max(len(self.labels), 1)
        group = max(4, min(48, 900 // days))  # about 900 px wide whatever the period
        gap = max(1, group // 5)
        bar = max(1, (group - gap) // n_series)
        left, plot = 36, self.height - 24
        width = left + days * group
        top = max([Decimal(v) for s in self.series for v in s.values] + [Decimal(1)])
        parts: list[str] = [
            format_html('<text x="0" y="10" font-size="10" fill="#666">{}</text>', _short(top)),
            format_html('<text x="0" y="{}" font-size="10" fill="#666">0</text>', plot),
            format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#999"/>', left, plot, width, plot),
        ]
        step = max(1, days // 10)
        for i, label in enumerate(self.labels):
            for j, s in enumerate(self.series):
                value = s.values[i]
                h = float(Decimal(value) * (plot - 4) / top)
                parts.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{} · {}: {}</title></rect>',
                        left + i * group + j * bar,
                        f"{plot - h:.1f}",
                        max(bar - 1, 1),
                        f"{h:.1f}",
                        s.color or PALETTE[j % len(PALETTE)],
                        label,
                        s.name,
                        value,
                    )
                )
            if i % step == 0:
                parts.append(
                    format_html(
                        '<text x="{}" y="{}" font-size="10" fill="#666">{}</text>',
                        left + i * group,
                        self.height - 6,
                        label[5:],
                    )
                )
        legend = format_html_join(
            " ",
            '<span class="loopin-legend"><i style="background:{}"></i>{}</span>',
            ((s.color or PALETTE[j % len(PALETTE)], s.name) for j, s in enumerate(self.series)),
        )
        rows = format_html_join(
            "",
            "<tr><td>{}</td>{}</tr>",
            (
                (label, format_html_join("", "<td>{}</td>", ((s.values[i],) for s in self.series)))
                for i, label in enumerate(self.labels)
            ),
        )
        head = format_html_join("", "<th>{}</th>", ((s.name,) for s in self.series))
        svg = mark_safe(  # noqa: S308 - every part above went through format_html
            f'<svg class="loopin-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {self.height}" '
            f'role="img" width="{width}" height="{self.height}">' + "".join(parts) + "</svg>"
        )
        return format_html(
            "<div>{}</div>{}<details><summary>Numbers</summary><table><thead><tr><th>Day</th>{}</tr></thead>"
            "<tbody>{}</tbody></table></details>",
            legend,
            svg,
            head,
            rows,
        )


@dataclass
class Table:
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]

    def render(self) -> SafeString:
        head = format_html_join("", "<th>{}</th>", ((c,) for c in self.columns))
        body = format_html_join(
            "",
            "<tr>{}</tr>",
            ((format_html_join("", "<td>{}</td>", ((cell,) for cell in row)),) for row in self.rows),
        )
        return format_html("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", head, body)


Block = Stats | BarChart | Table


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    build: Callable[[Period], list[Block]]
    permission: str | None = None
    order: int = 100
    description: str = ""


@dataclass
class RenderedPanel:
    panel: Panel
    blocks: list[SafeString] = field(default_factory=list)


_panels: dict[str, Panel] = {}


def register_panel(panel: Panel) -> None:
    _panels[panel.key] = panel


def dashboard_panels() -> list[Panel]:
    return sorted(_panels.values(), key=lambda p: (p.order, p.key))


def dashboard_render(*, user: User, days: int) -> list[RenderedPanel]:
    """The panels `user` may see, built for the last `days` days."""
    period = Period.last(days)
    return [
        RenderedPanel(panel=p, blocks=[block.render() for block in p.build(period)])
        for p in dashboard_panels()
        if p.permission is None or user.has_perm(p.permission)
    ]


__all__ = [
    "BarChart",
    "Panel",
    "Period",
    "Series",
    "Stats",
    "Table",
    "daily_counts",
    "daily_sums",
    "dashboard_panels",
    "dashboard_render",
    "percent",
    "register_panel",
]
