"""Reads a devquery findings export with DuckDB, as a user would: hive partitioning on
run_date, the findings columns unchanged. Exit 3 when duckdb is not installed (pip install duckdb).

Prints: <rows> <distinct run ids> run_date=<date> <severity>:<status>:<count of that pair>
"""
import sys

try:
    import duckdb
except ImportError:
    print("duckdb is not installed (pip install duckdb)")
    sys.exit(3)

root = sys.argv[1]
con = duckdb.connect()
rel = f"read_parquet('{root}/*/*.parquet', hive_partitioning = true)"
rows, runs = con.execute(f"select count(*), count(distinct run_id) from {rel}").fetchone()
(date,) = con.execute(f"select distinct cast(run_date as varchar) from {rel}").fetchone()
cols = [r[0] for r in con.execute(f"describe select * from {rel}").fetchall()]
expected = ["platform", "host", "org", "project", "repo", "run_id", "run_at", "rule_id", "title",
            "severity", "status", "resource_type", "resource", "reason", "path", "line", "column",
            "fingerprint", "tactics", "owner"]
assert cols[: len(expected)] == expected, cols
kind = con.execute(f"select typeof(run_at), typeof(tactics) from {rel} limit 1").fetchone()
assert kind[0].startswith("TIMESTAMP"), kind
assert kind[1] == "VARCHAR[]", kind
(n,) = con.execute(
    f"select count(*) from {rel} where severity = 'high' and status = 'fail'"
).fetchone()
print(rows, runs, f"run_date={date}", f"high:fail:{n}")
