"""Draw the benchmark figure (docs/benchmarks.svg) by hand: no plotting library.

    python -m server.sim.plot [--target-ms MS] [--title TEXT] docs/benchmarks.svg RESULT.json [RESULT.json ...]

A result's optional "label" (added to a saved JSON by hand: "before", "after") heads its group.

One group of bars per run (fan-out p50, p95, p99, on a log scale), with the
150 ms target as a line.
"""
from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

COLOURS = {"p50": "#4c78a8", "p95": "#f58518", "p99": "#e45756"}


def svg(results: list[dict], target_ms: float = 150.0, title: str | None = None) -> str:
    height, left, bottom, top = 400, 70, 80, 30
    width = max(980, left + 20 + 150 * len(results))  # room for each group's three label lines
    plot_h = height - bottom - top
    lo, hi = 1.0, 1_000_000.0

    def y(ms: float) -> float:
        ms = min(max(ms, lo), hi)
        return top + plot_h * (1 - (math.log10(ms) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)))

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="18" text-anchor="middle" font-size="14">'
           f'{title or "Vote fan-out: send → event at every room member and the projector (ms, log scale)"}</text>']
    for ms in (1, 10, 100, 1000, 10000, 100000, 1000000):
        out.append(f'<line x1="{left}" x2="{width - 10}" y1="{y(ms):.1f}" y2="{y(ms):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{y(ms) + 4:.1f}" text-anchor="end">{ms:,}</text>')
    out.append(f'<line x1="{left}" x2="{width - 10}" y1="{y(target_ms):.1f}" y2="{y(target_ms):.1f}" '
               f'stroke="green" stroke-dasharray="6 4"/>')

    group_w = (width - left - 20) / max(len(results), 1)
    bar_w = min(28, group_w / 4)
    for i, r in enumerate(results):
        x0 = left + i * group_w + (group_w - 3 * bar_w) / 2
        # fan-out to every receiver; when no vote reached every receiver live (phones dropped under
        # overload), the slowest *live* receiver instead, drawn pale and marked with an asterisk
        fan, partial = r.get("fanout_ms") or {}, False
        if not fan.get("n") and (r.get("fanout_live_ms") or {}).get("n"):
            fan, partial = r["fanout_live_ms"], True
        for j, key in enumerate(("p50", "p95", "p99")):
            v = fan.get(key) or lo
            out.append(f'<rect x="{x0 + j * bar_w:.1f}" y="{y(v):.1f}" width="{bar_w - 2:.1f}" '
                       f'height="{top + plot_h - y(v):.1f}" fill="{COLOURS[key]}" '
                       f'fill-opacity="{0.45 if partial else 1}"><title>{key} {v} ms</title></rect>')
        if not fan.get("n"):
            out.append(f'<text x="{x0 + 1.5 * bar_w:.1f}" y="{top + plot_h - 8:.1f}" text-anchor="middle" '
                       f'fill="#a00">no data</text>')

        base = (r.get("baseline_fanout_ms") or {}).get("p99")
        if base:  # the bare python-socketio server's p99 under the same load: a black bar across the group
            out.append(f'<line x1="{x0 - 3:.1f}" x2="{x0 + 3 * bar_w + 1:.1f}" y1="{y(base):.1f}" y2="{y(base):.1f}" '
                       f'stroke="black" stroke-width="3"><title>baseline p99 {base} ms</title></line>')
        label = f"{r['participants']} / {r['rooms']}{' *' if partial else ''}"
        if r.get("label"):  # a note added to a saved result (e.g. "before", "after")
            label = f"{r['label']}: {label}"
        procs = r.get("server_processes", 1)
        db = {"postgres": "pg"}.get(r.get("database", ""), r.get("database", ""))
        sub = f"{procs} proc, {db}" + (" (normal)" if r.get("sqlite_synchronous") == "normal" else "")
        cx = left + i * group_w + group_w / 2
        out.append(f'<text x="{cx:.1f}" y="{height - bottom + 16}" text-anchor="middle">{label}</text>')
        out.append(f'<text x="{cx:.1f}" y="{height - bottom + 30}" text-anchor="middle" fill="#555">{sub}</text>')
        extra = [r.get("async_mode", "")]
        if r.get("workshops") and r.get("stagger_s"):
            extra.append(f"{r['workshops']} ws staggered")
        if r.get("cpu_hog"):
            extra.append(f"{r['cpu_hog']} CPU hogs")
        out.append(f'<text x="{cx:.1f}" y="{height - bottom + 44}" text-anchor="middle" fill="#555">'
                   f'{", ".join(e for e in extra if e)}</text>')
    for j, key in enumerate(("p50", "p95", "p99")):
        out.append(f'<rect x="{left + j * 70}" y="{height - 22}" width="12" height="12" fill="{COLOURS[key]}"/>')
        out.append(f'<text x="{left + j * 70 + 16}" y="{height - 12}">{key}</text>')
    out.append(f'<line x1="{left + 210}" x2="{left + 226}" y1="{height - 16}" y2="{height - 16}" stroke="black" '
               f'stroke-width="3"/>')
    out.append(f'<text x="{left + 230}" y="{height - 12}">bare python-socketio baseline, p99 (where run)</text>')
    out.append(f'<line x1="{left + 530}" x2="{left + 556}" y1="{height - 16}" y2="{height - 16}" stroke="green" '
               f'stroke-dasharray="6 4"/>')
    out.append(f'<text x="{left + 560}" y="{height - 12}" fill="green">target p99 {target_ms:.0f} ms</text>')
    out.append(f'<text x="{width - 12}" y="{top + 12}" text-anchor="end" fill="#555">'
               '* pale: slowest live receiver (phones dropped)</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    """Refuses (exit 2, nothing written) an option it does not know, a missing output or no result:
    `--help` prints the usage (an earlier version took it for the output's name)."""
    p = argparse.ArgumentParser(prog="python -m server.sim.plot", description=__doc__.split("\n\n")[0])
    p.add_argument("--target-ms", type=float, default=150.0, help="the target p99 drawn as a line")
    p.add_argument("--title")
    p.add_argument("dest", help="the SVG to write")
    p.add_argument("results", nargs="+", help="bench --json results")
    args = p.parse_args(argv)
    if not args.dest.endswith(".svg"):
        p.error(f"the figure is an SVG: its name ends in .svg, not {args.dest!r}")
    results = [json.loads(Path(f).read_text()) for f in args.results]
    with open(args.dest, "w") as fh:
        fh.write(svg(results, args.target_ms, args.title))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
