"""Run every ``benchmarks/bench_*.py`` and write one table, ``benchmarks/RESULTS.md``.

Each benchmark runs in its own subprocess (so compile caches, XLA flags such as
bench_pmap's simulated devices, and memory stay isolated) and hands back its
``results()`` rows (see ``_timing.py`` for the interface) as JSON. The table has one row
per workload: functrans and JAX medians, their ratio with its spread, the target and
whether it is met; a header line names the machine.

    python benchmarks/run_all.py                       # every benchmark -> RESULTS.md
    python benchmarks/run_all.py numpy_eager memory    # some of them (by name)
    python benchmarks/run_all.py --out /tmp/r.md
"""

from __future__ import annotations

import argparse
import datetime
import glob
import json
import os
import platform
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from _timing import fmt_value, met  # noqa: E402

MARKER = "@@RESULTS@@"
# Runs one module's results() in a fresh interpreter and prints them after MARKER.
CHILD = """
import json, sys
sys.path.insert(0, {here!r})
import {module} as bench
if not hasattr(bench, "results"):
    raise SystemExit("{module}.py has no results() function (see benchmarks/_timing.py)")
print({marker!r} + json.dumps(bench.results()))
"""


def machine() -> str:
    """CPU model, cores, OS, Python, jax/jaxlib/numpy versions and the date."""
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    versions = subprocess.run(
        [sys.executable, "-c", "import jax, jaxlib, numpy; print(jax.__version__, "
         "jaxlib.__version__, numpy.__version__)"], capture_output=True, text=True
    ).stdout.split() or ["?", "?", "?"]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (f"{cpu}, {os.cpu_count()} cores; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}; jax {versions[0]}, jaxlib {versions[1]}, "
            f"numpy {versions[2]}; {date}; load average at start {load:.1f}")


def run_one(path: str, timeout: float) -> list[dict]:
    """The rows of one benchmark script, or one row saying why there are none."""
    module = os.path.splitext(os.path.basename(path))[0]
    code = CHILD.format(here=HERE, module=module, marker=MARKER)
    try:
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=timeout, cwd=os.path.dirname(HERE))
    except subprocess.TimeoutExpired:
        return [_failed(module, f"timed out after {timeout:.0f} s")]
    for line in proc.stdout.splitlines():
        if line.startswith(MARKER):
            rows = json.loads(line[len(MARKER):])
            for r in rows:
                r["bench"] = module
            return rows
    tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    return [_failed(module, f"failed (exit {proc.returncode}): {tail}")]


def _failed(module: str, why: str) -> dict:
    return {"bench": module, "workload": f"{module}: {why}", "ours": None, "jax": None,
            "spread": "", "target": None, "note": None}


def table(rows: list[dict]) -> str:
    lines = ["| benchmark | workload | functrans | JAX | ratio | target | met? | note |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        unit = r.get("unit", "s")
        ours, theirs = r.get("ours"), r.get("jax")
        ratio = f"{ours / theirs:.2f}x {r.get('spread', '')}".strip() if ours and theirs \
            else "-"
        target = f"≤ {r['target']}x" if r.get("target") is not None else "-"
        ok = {True: "yes", False: "**no**", None: "-"}[met(r) if ours is not None else None]
        note = (r.get("note") or "").replace("|", "/")
        lines.append(f"| {r['bench'].removeprefix('bench_')} | {r['workload']} | "
                     f"{fmt_value(ours, unit)} | {fmt_value(theirs, unit)} | {ratio} | "
                     f"{target} | {ok} | {note} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all), e.g. "
                        "numpy_eager")
    parser.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"))
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per script")
    args = parser.parse_args(argv)
    paths = sorted(glob.glob(os.path.join(HERE, "bench_*.py")))
    if args.names:
        paths = [p for p in paths if os.path.basename(p)[6:-3] in args.names]
    header = machine()
    rows = []
    for path in paths:
        print(f"== {os.path.basename(path)}", flush=True)
        got = run_one(path, args.timeout)
        for r in got:
            print(f"   {r['workload']}: "
                  f"{fmt_value(r.get('ours'), r.get('unit', 's'))} vs "
                  f"{fmt_value(r.get('jax'), r.get('unit', 's'))}", flush=True)
        rows += got
    text = (f"# Benchmark results\n\nMachine: {header}\n\n"
            "Ratios are functrans / JAX in the same process (lower is better), each figure "
            "the median of interleaved rounds; the spread is half the interquartile range of "
            "the per-round ratios. Regenerate with `make bench` "
            "(`python benchmarks/run_all.py`).\n\n" + table(rows) + "\n")
    with open(args.out, "w") as f:
        f.write(text)
    missed = sum(1 for r in rows if r.get("ours") is not None and met(r) is False)
    print(f"wrote {args.out}: {len(rows)} rows, {missed} targets missed")


if __name__ == "__main__":
    main()
