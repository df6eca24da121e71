"""Two small SVG charts for bench/chat_load.py, drawn by hand (no plotting dependency):
S2's p99 delivery latency against the offered rate per system, and S3's server memory
against the number of idle sockets."""

import math
from html import escape

COLOURS = {"raw": "#1b7837", "relay": "#2166ac", "app": "#b2182b"}
NAMES = {"raw": "B1 raw websockets", "relay": "B4 bare Channels", "app": "B5 HOC chat"}
W, H, LEFT, RIGHT, TOP, BOTTOM = 460, 300, 56, 16, 28, 44


def _chart(title, xlabel, ylabel, series, xlog=False, ylog=False, hline=None):
    points = [p for _, pts in series for p in pts]
    if not points:
        return ""
    fx = math.log10 if xlog else float
    fy = math.log10 if ylog else float
    xs, ys = [fx(x) for x, _ in points], [fy(max(y, 0.1) if ylog else y) for _, y in points]
    if hline is not None:
        ys.append(fy(hline))
    x0, x1 = min(xs), max(xs)
    y0, y1 = (min(ys), max(ys)) if ylog else (0, max(ys) * 1.1)
    x1, y1 = x1 if x1 > x0 else x0 + 1, y1 if y1 > y0 else y0 + 1

    def px(x):
        return LEFT + (fx(x) - x0) / (x1 - x0) * (W - LEFT - RIGHT)

    def py(y):
        v = fy(max(y, 0.1) if ylog else y)
        return H - BOTTOM - (v - y0) / (y1 - y0) * (H - TOP - BOTTOM)

    heading = f'<text x="{W / 2}" y="16" text-anchor="middle" font-weight="bold">'
    out = [f"<g>{heading}{escape(title)}</text>"]
    out.append(
        f'<line x1="{LEFT}" y1="{H - BOTTOM}" x2="{W - RIGHT}" y2="{H - BOTTOM}" stroke="#333"/>'
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{H - BOTTOM}" stroke="#333"/>'
    )
    for value in sorted({x for x, _ in points}):
        out.append(
            f'<text x="{px(value):.1f}" y="{H - BOTTOM + 14}" text-anchor="middle"'
            f' font-size="9">{value:g}</text>'
        )
    ticks = (
        [10**k for k in range(math.floor(y0), math.ceil(y1) + 1)]
        if ylog
        else [y1 * i / 5 for i in range(6)]
    )
    for value in ticks:
        out.append(
            f'<text x="{LEFT - 4}" y="{py(value) + 3:.1f}" text-anchor="end" font-size="9">'
            f"{value:g}</text>"
            f'<line x1="{LEFT}" y1="{py(value):.1f}" x2="{W - RIGHT}" y2="{py(value):.1f}"'
            ' stroke="#ddd"/>'
        )
    if hline is not None:
        out.append(
            f'<line x1="{LEFT}" y1="{py(hline):.1f}" x2="{W - RIGHT}" y2="{py(hline):.1f}"'
            ' stroke="#999" stroke-dasharray="4 3"/>'
        )
    out.append(
        f'<text x="{W / 2}" y="{H - 8}" text-anchor="middle" font-size="11">{escape(xlabel)}</text>'
        f'<text x="12" y="{H / 2}" text-anchor="middle" font-size="11"'
        f' transform="rotate(-90 12 {H / 2})">{escape(ylabel)}</text>'
    )
    for i, (kind, pts) in enumerate(series):
        colour = COLOURS.get(kind, "#555")
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in pts)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y in pts:
            out.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="2.5" fill="{colour}"/>')
        out.append(
            f'<text x="{LEFT + 8}" y="{TOP + 12 + 13 * i}" font-size="10" fill="{colour}">'
            f"{escape(NAMES.get(kind, kind))}</text>"
        )
    out.append("</g>")
    return "".join(out)


def write(results, path):
    knee = []
    memory = []
    for kind in ("raw", "relay", "app"):
        r = results.get(kind) or {}
        steps = (r.get("S2") or {}).get("steps") or []
        pts = [(s["offered_msgs_per_s"], s["p99_ms"]) for s in steps if s.get("p99_ms")]
        if pts:
            knee.append((kind, pts))
        s3 = (r.get("S3") or {}).get("points") or []
        pts = [(p["sockets"], p["rss_kib"] / 1024) for p in s3 if p["sockets"]]
        if pts:
            memory.append((kind, pts))
    left = _chart(
        "S2: p99 delivery latency",
        "offered msg/s",
        "p99 ms (log)",
        knee,
        xlog=True,
        ylog=True,
        hline=100,
    )
    right = _chart("S3: server memory, idle sockets", "sockets", "RSS MiB", memory)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * W}" height="{H}"'
        f' font-family="sans-serif" font-size="11">'
        f'<rect width="100%" height="100%" fill="white"/>{left}'
        f'<g transform="translate({W} 0)">{right}</g></svg>\n'
    )
    path.write_text(svg)
