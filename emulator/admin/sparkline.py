"""A small line chart as inline SVG (a twisted.web.template tag), drawn on the server."""

from __future__ import annotations

from collections.abc import Sequence

from twisted.web.template import Tag


def sparkline(
    values: Sequence[float | None], *, width: int = 360, height: int = 60, label: str = "", from_zero: bool = True
) -> Tag:
    """``values`` left (oldest) to right (newest), scaled from 0 (or, ``from_zero=False``,
    from their minimum) to their maximum; a None (no sample) leaves a gap in the line."""
    known = [value for value in values if value is not None]
    top = max(known, default=1.0)
    bottom = 0.0 if from_zero else min(known, default=0.0)
    span = (top - bottom) or 1.0
    step = width / max(1, len(values) - 1)
    pad = 2  # keeps the line's width inside the box at 0 and at the top
    lines: list[Tag] = []
    run: list[str] = []
    for index, value in enumerate(values):
        if value is None:
            lines += _polyline(run)
            run = []
            continue
        x = index * step
        y = pad + (height - 2 * pad) * (1 - (value - bottom) / span)
        run.append(f"{x:.1f},{y:.1f}")
    lines += _polyline(run)
    svg = Tag(
        "svg",
        attributes={
            "xmlns": "http://www.w3.org/2000/svg", "class": "sparkline", "width": str(width), "height": str(height),
            "viewBox": f"0 0 {width} {height}", "role": "img", "aria-label": label,
        },
        children=[Tag("rect", attributes={"x": "0", "y": "0", "width": str(width), "height": str(height),
                                          "class": "sparkline-frame"}), *lines],
    )
    return svg


def _polyline(points: list[str]) -> list[Tag]:
    if not points:
        return []
    if len(points) == 1:  # one sample: a dot
        x, y = points[0].split(",")
        return [Tag("circle", attributes={"cx": x, "cy": y, "r": "2", "class": "sparkline-dot"})]
    return [Tag("polyline", attributes={"points": " ".join(points), "class": "sparkline-line"})]
