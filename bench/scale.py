#!/usr/bin/env python3
"""Scale benchmark: devquery's full report against DuckDB on the same rule SQL and Parquet files.

For each estate size it
  1. generates a synthetic snapshot (`devquery demo generate --repos N --seed S`),
  2. runs the full bundled report (`devquery report --snapshot DIR`, the terminal format) and
     records wall time, peak RSS (GNU time) and, from the rule runner's debug log, per-rule query
     times and row counts,
  3. runs every rule's SQL (`devquery rules --export-sql`) in DuckDB over the same Parquet files,
     in a child process so its peak RSS is measured the same way, and lists the rules DuckDB
     cannot run instead of dropping them,
  4. times a devquery report restricted to the rules both engines run (its whole process wall
     time, against DuckDB's view setup plus its per-rule times),
  5. prints one table (repos, rules, devquery s, DuckDB s, ratio, peak RSS) and the 5 slowest
     rules, and checks that both engines return the same number of rows for every shared rule.

Every timing is the best of --runs runs (default 3) on warm page cache. Needs `pip install duckdb pyarrow`.

    python3 bench/scale.py --bin target/release/devquery --sizes 10000,100000
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import re
import tempfile
import time


def run_child(cmd, stdout=subprocess.DEVNULL, env=None, stderr_path=None):
    """Runs cmd; returns (exit code, wall seconds, peak RSS bytes).

    Peak RSS comes from GNU time (`/usr/bin/time -f %M`), not from this process's wait4: a
    child forked from this (large) Python process would count its pre-exec copy of our memory."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss_file, \
            tempfile.TemporaryFile("w+") as err_tmp:
        err = open(stderr_path, "w") if stderr_path else err_tmp
        started = time.perf_counter()
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", rss_file.name, *cmd],
            stdout=stdout, stderr=err, env=env,
        )
        wall = time.perf_counter() - started
        if stderr_path:
            err.close()
        if proc.returncode != 0:
            if stderr_path:
                with open(stderr_path) as f:
                    sys.stderr.write(f.read()[-4000:])
            else:
                err_tmp.seek(0)
                sys.stderr.write(err_tmp.read()[-4000:])
        rss_lines = [l for l in rss_file.read().split() if l.isdigit()]
        rss_kib = int(rss_lines[-1]) if rss_lines else 0
    return proc.returncode, wall, rss_kib * 1024


RULE_LINE = re.compile(
    r"rule ran rule=(\S+) counts=Counts \{ fail: (\d+), pass: (\d+), unknown: (\d+), "
    r"suppressed: (\d+) \} elapsed_ms=(\d+)"
)
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def rules_from_log(path):
    """Per-rule counts and times from the report's debug log (RUST_LOG=devquery_rules=debug)."""
    rules = {}
    with open(path) as f:
        for line in f:
            m = RULE_LINE.search(ANSI.sub("", line))
            if m:
                fail, pas, unknown, suppressed, ms = map(int, m.groups()[1:])
                rules[m.group(1)] = {
                    "id": m.group(1),
                    "counts": {"fail": fail, "pass": pas, "unknown": unknown,
                               "suppressed": suppressed},
                    "elapsed_ms": ms,
                }
    return rules


def duckdb_child(args):
    """Child mode: runs every exported rule in DuckDB and prints a JSON result on stdout."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET threads TO {args.threads}")
    started = time.perf_counter()
    for name in sorted(os.listdir(args.snapshot)):
        if name.endswith(".parquet"):
            path = os.path.join(args.snapshot, name).replace("'", "''")
            con.execute(
                f'CREATE VIEW "{name[:-8]}" AS SELECT * FROM read_parquet(\'{path}\')'
            )
    setup = time.perf_counter() - started
    results = {}
    for name in sorted(os.listdir(args.sql_dir)):
        if not name.endswith(".sql"):
            continue
        rule = name[:-4]
        with open(os.path.join(args.sql_dir, name)) as f:
            sql = f.read()
        t0 = time.perf_counter()
        try:
            # Results are materialised as Arrow, as devquery's are: fetching Python tuples
            # would time the Python objects, not DuckDB.
            table = con.execute(sql).to_arrow_table()
            results[rule] = {"seconds": time.perf_counter() - t0, "rows": table.num_rows}
        except Exception as e:  # noqa: BLE001 - any DuckDB error means "cannot run"
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            results[rule] = {"error": first[:160]}
    json.dump({"setup_seconds": setup, "rules": results}, sys.stdout)


def human_bytes(n):
    return f"{n / (1 << 20):,.0f} MiB"


def bench_size(args, repos, sql_dir, work):
    snap = os.path.join(work, f"synthetic-{repos}")
    if not os.path.isfile(os.path.join(snap, "manifest.json")) or args.regenerate:
        print(f"generating {repos:,} repositories (seed {args.seed}) …", flush=True)
        code, wall, rss = run_child(
            [args.bin, "demo", "generate", "--repos", str(repos), "--seed", str(args.seed),
             "--out", snap]
        )
        if code != 0:
            sys.exit(f"generation failed (exit {code})")
        print(f"  generated in {wall:.1f} s, peak RSS {human_bytes(rss)}", flush=True)
    with open(os.path.join(snap, "manifest.json")) as f:
        manifest = json.load(f)

    # devquery: best of N full reports in the default (terminal table) format; the rule
    # runner's debug log of the best run gives per-rule query times and row counts.
    best = None
    env = dict(os.environ, RUST_LOG="devquery_rules=debug", NO_COLOR="1")
    log = os.path.join(work, f"report-{repos}.log")
    for i in range(args.runs):
        this_log = f"{log}.{i}"
        code, wall, rss = run_child(
            [args.bin, "report", "--snapshot", snap], env=env, stderr_path=this_log
        )
        if code != 0:
            sys.exit(f"devquery report failed (exit {code})")
        if best is None or wall < best[0]:
            best = (wall, rss)
            os.replace(this_log, log)
    dq_wall, dq_rss = best
    dq_rules = rules_from_log(log)
    if not dq_rules:
        sys.exit(f"no per-rule lines in {log}")

    # DuckDB: best of N runs of every rule, in a child process.
    duck = None
    for _ in range(args.runs):
        with tempfile.TemporaryFile() as out:
            code, wall, rss = run_child(
                [sys.executable, __file__, "--duckdb-child", "--snapshot", snap,
                 "--sql-dir", sql_dir, "--threads", str(args.threads)],
                stdout=out,
            )
            if code != 0:
                sys.exit("DuckDB run failed (are `duckdb` and `pyarrow` installed? pip install duckdb pyarrow)")
            out.seek(0)
            res = json.load(out)
        if duck is None or wall < duck[0]:
            duck = (wall, rss, res)
    duck_wall, duck_rss, duck_res = duck
    duck_rules = duck_res["rules"]

    shared = sorted(r for r, v in duck_rules.items() if "error" not in v and r in dq_rules
                    and not dq_rules[r].get("error"))
    failed = {r: v["error"] for r, v in duck_rules.items() if "error" in v}
    all_rules = {n[:-4] for n in os.listdir(sql_dir) if n.endswith(".sql")}
    dq_errors = {r: "errored (see the report's warnings)" for r in all_rules - set(dq_rules)}
    # devquery on the shared rules: wall time of a report restricted to them (rules run
    # concurrently, so the sum of per-rule times would overstate it), best of N.
    dq_shared_s = None
    for _ in range(args.runs):
        code, wall, _ = run_child(
            [args.bin, "report", "--snapshot", snap, "--only", ",".join(shared)]
        )
        if code != 0:
            sys.exit(f"devquery report --only (shared rules) failed (exit {code})")
        dq_shared_s = wall if dq_shared_s is None else min(dq_shared_s, wall)
    duck_shared_s = sum(duck_rules[r]["seconds"] for r in shared) + duck_res["setup_seconds"]
    mismatched = []
    for r in shared:
        c = dq_rules[r]["counts"]
        n = c["fail"] + c["pass"] + c["unknown"] + c["suppressed"]
        if n != duck_rules[r]["rows"]:
            mismatched.append((r, n, duck_rules[r]["rows"]))
    slowest = sorted(dq_rules.values(), key=lambda r: -r["elapsed_ms"])[:5]
    return {
        "repos": repos,
        "rows": sum(manifest["tables"].values()),
        "rules": len(all_rules),
        "shared": len(shared),
        "dq_wall": dq_wall,
        "dq_rss": dq_rss,
        "dq_shared_s": dq_shared_s,
        "duck_wall": duck_wall,
        "duck_rss": duck_rss,
        "duck_shared_s": duck_shared_s,
        "duck_failed": failed,
        "dq_errors": dq_errors,
        "mismatched": mismatched,
        "slowest": [(r["id"], r["elapsed_ms"] / 1000.0) for r in slowest],
    }


def startup(args):
    best = None
    for _ in range(10):
        code, wall, _ = run_child([args.bin, "query", "-e", "select 1"])
        if code != 0:
            sys.exit("devquery query -e failed")
        best = wall if best is None else min(best, wall)
    return best


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bin", default="target/release/devquery")
    p.add_argument("--sizes", default="10000,100000")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    p.add_argument("--work", default="target/bench-scale")
    p.add_argument("--regenerate", action="store_true")
    p.add_argument("--duckdb-child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--snapshot", help=argparse.SUPPRESS)
    p.add_argument("--sql-dir", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.duckdb_child:
        duckdb_child(args)
        return
    try:
        import duckdb  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError:
        sys.exit("this benchmark needs DuckDB and pyarrow: pip install duckdb pyarrow")
    if not os.path.isfile(args.bin):
        sys.exit(f"no binary at {args.bin}: cargo build --release (or pass --bin)")

    os.makedirs(args.work, exist_ok=True)
    sql_dir = os.path.join(args.work, "sql")
    shutil.rmtree(sql_dir, ignore_errors=True)
    code, _, _ = run_child([args.bin, "rules", "--export-sql", sql_dir])
    if code != 0:
        sys.exit("devquery rules --export-sql failed")

    results = [bench_size(args, int(s), sql_dir, args.work) for s in args.sizes.split(",")]
    start = startup(args)

    print()
    print(f"machine: {os.cpu_count()} cores; best of {args.runs} runs; DuckDB "
          f"{__import__('duckdb').__version__}, {args.threads} threads")
    print()
    print("| repos | rows | rules (shared) | devquery report s | devquery shared-rule s "
          "| DuckDB shared-rule s | ratio | devquery peak RSS | DuckDB peak RSS |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        ratio = r["dq_shared_s"] / r["duck_shared_s"] if r["duck_shared_s"] else float("nan")
        print(f"| {r['repos']:,} | {r['rows']:,} | {r['rules']} ({r['shared']}) "
              f"| {r['dq_wall']:.2f} | {r['dq_shared_s']:.2f} | {r['duck_shared_s']:.2f} "
              f"| {ratio:.2f} | {human_bytes(r['dq_rss'])} | {human_bytes(r['duck_rss'])} |")
    print()
    print(f"`devquery query -e \"select 1\"` start-up: {start * 1000:.0f} ms (best of 10)")
    for r in results:
        print()
        print(f"{r['repos']:,} repositories, 5 slowest rules in devquery:")
        for rule, s in r["slowest"]:
            print(f"  {s:7.3f} s  {rule}")
        if r["duck_failed"]:
            print(f"rules DuckDB cannot run ({len(r['duck_failed'])}):")
            for rule, err in sorted(r["duck_failed"].items()):
                print(f"  {rule}: {err}")
        if r["dq_errors"]:
            print(f"rules that errored in devquery ({len(r['dq_errors'])}):")
            for rule, err in sorted(r["dq_errors"].items()):
                print(f"  {rule}: {err}")
        if r["mismatched"]:
            print("rules whose row counts differ (devquery, DuckDB):")
            for rule, a, b in r["mismatched"]:
                print(f"  {rule}: {a} vs {b}")
        else:
            print(f"row counts agree on all {r['shared']} shared rules")


if __name__ == "__main__":
    main()
