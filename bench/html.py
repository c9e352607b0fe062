#!/usr/bin/env python3
"""HTML report at scale: file size, report time and how long headless Chromium takes to render it.

For each estate size it
  1. generates a synthetic snapshot (`devquery demo generate --repos N --seed S`), unless the
     directory already holds one (`--keep` reuses snapshots between runs),
  2. writes the HTML report (`devquery report --snapshot DIR --format html -o FILE`) and records
     its wall time and the file's size,
  3. opens the file in headless Chromium at 1400x900 and 400x900 (`--screenshot`) and records the
     wall time of each run (Chromium start-up included: what a person waits for), best of --runs,
  4. prints one table and keeps the screenshots next to the reports for a person to look at.

    python3 bench/html.py --bin target/release/devquery --sizes 3000,100000

Chromium comes from $DEVQUERY_CHROMIUM, else /usr/bin/chromium, else `chromium` on the PATH.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

WIDTHS = (1400, 400)
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars",
]


def chromium():
    for candidate in (os.environ.get("DEVQUERY_CHROMIUM"), "/usr/bin/chromium",
                      shutil.which("chromium")):
        if candidate and os.path.isfile(candidate):
            return candidate
    sys.exit("headless Chromium not found: install Debian's chromium or set DEVQUERY_CHROMIUM")


def timed(cmd, **kwargs):
    started = time.perf_counter()
    proc = subprocess.run(cmd, **kwargs)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} exited {proc.returncode}")
    return elapsed


def screenshot(browser, page, width, png, runs):
    best = None
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as profile:
            took = timed(
                [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                 f"--window-size={width},900", f"--screenshot={png}", f"file://{page}"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
        best = took if best is None else min(best, took)
    if not os.path.isfile(png) or os.path.getsize(png) == 0:
        sys.exit(f"Chromium wrote no screenshot {png}")
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default="target/release/devquery")
    ap.add_argument("--sizes", default="3000,100000")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", default="target/bench-html")
    ap.add_argument("--keep", action="store_true", help="reuse generated snapshots")
    args = ap.parse_args()
    browser = chromium()
    os.makedirs(args.work, exist_ok=True)
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        snap = os.path.join(args.work, f"synthetic-{size}")
        if not (args.keep and os.path.isfile(os.path.join(snap, "manifest.json"))):
            shutil.rmtree(snap, ignore_errors=True)
            timed([args.bin, "demo", "generate", "--repos", str(size), "--seed", str(args.seed),
                   "--out", snap], stderr=subprocess.DEVNULL)
        page = os.path.abspath(os.path.join(args.work, f"report-{size}.html"))
        report = min(
            timed([args.bin, "report", "--snapshot", snap, "--format", "html", "-o", page],
                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(args.runs))
        shots = [screenshot(browser, page, w, os.path.abspath(
            os.path.join(args.work, f"report-{size}-{w}.png")), args.runs) for w in WIDTHS]
        rows.append((size, os.path.getsize(page), report, *shots))
    print(f"{'repos':>8} {'HTML MB':>8} {'report s':>9} " +
          " ".join(f"{f'render {w}px s':>15}" for w in WIDTHS))
    for size, nbytes, report, *shots in rows:
        print(f"{size:>8} {nbytes / 1e6:>8.2f} {report:>9.2f} " +
              " ".join(f"{s:>15.2f}" for s in shots))
    print(f"screenshots: {os.path.abspath(args.work)}/report-N-WIDTH.png")


if __name__ == "__main__":
    main()
