#!/usr/bin/env bash
# Compares devquery's pipeline parser with zizmor on the same GitHub workflow and action files
# of the shared corpus: rebuilds the checkout layout (<owner>__<repo>/<original path>) in a
# temporary directory, times `zizmor --offline` over it, runs the bench_corpus example on the
# GitHub files, and prints both rates and the time ratio.
#
# Usage: crates/pipelines/bench/zizmor_compare.sh [--release] [ITERATIONS]
#   --release  build the example with the release profile (slow: DataFusion takes ~30 min)
#   BENCH_BIN=path/to/bench_corpus  use a prebuilt example binary instead of `cargo run`
# Needs: zizmor on PATH (`pip install zizmor`), cargo.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
corpus="${CORPUS:-$root/../shared/corpus}"
profile=()
label=dev
if [[ "${1:-}" == "--release" ]]; then profile=(--release); label=release; shift; fi
iterations="${1:-5}"

command -v zizmor >/dev/null || { echo "zizmor not found: pip install zizmor" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
n=0
while IFS=$'\t' read -r platform repo _commit original _rest; do
  [[ "$platform" == "github" ]] || continue
  src="$corpus/github/${repo//\//__}/${original//\//__}"
  dest="$tmp/${repo//\//__}/$original"
  mkdir -p "$(dirname "$dest")"
  cp "$src" "$dest"
  n=$((n + 1))
done < <(tail -n +2 "$corpus/MANIFEST.tsv")
echo "rebuilt $n GitHub files into $(ls "$tmp" | wc -l) checkouts"

# Pass every file explicitly so the files outside .github/workflows (scanner test data) are
# audited too. zizmor skips files that fail its schema validation with a warning but aborts the
# whole run on a few that pass the schema and not its models: drop those first (untimed).
mapfile -t inputs < <(find "$tmp" -type f \( -name '*.yml' -o -name '*.yaml' \) | sort)
for _ in $(seq 1 50); do
  if zizmor --offline --no-exit-codes --format plain --no-progress "${inputs[@]}" >"$tmp.zizmor.out" 2>&1; then
    break
  fi
  bad="$(grep -oE 'failed to load file://[^ ]+' "$tmp.zizmor.out" | head -1 | sed 's|failed to load file://||')"
  [[ -n "$bad" ]] || { echo "zizmor failed:" >&2; tail -20 "$tmp.zizmor.out" >&2; exit 1; }
  echo "zizmor aborts on ${bad#"$tmp"/}: excluded" >&2
  mapfile -t inputs < <(printf '%s\n' "${inputs[@]}" | grep -vxF "$bad")
done
zn=${#inputs[@]}
best=""
for _ in 1 2 3; do
  start=$(date +%s.%N)
  zizmor --offline --no-exit-codes --format plain --no-progress "${inputs[@]}" >"$tmp.zizmor.out" 2>&1
  end=$(date +%s.%N)
  t=$(echo "$end - $start" | bc -l)
  if [[ -z "$best" ]] || (( $(echo "$t < $best" | bc -l) )); then best=$t; fi
done
zsecs=$best
echo "zizmor $(zizmor --version | awk '{print $2}') --offline: $zn files in ${zsecs}s, best of 3 ($(echo "$zn / $zsecs" | bc -l | xargs printf '%.0f') files/s, including process start and all audits)"
rm -f "$tmp.zizmor.out"

if [[ -n "${BENCH_BIN:-}" ]]; then
  # A prebuilt bench_corpus binary (e.g. target/release/examples/bench_corpus).
  out="$("$BENCH_BIN" --platform github --iterations "$iterations" --corpus "$corpus")"
else
  out="$(cd "$root" && cargo run -q "${profile[@]}" -p devquery-pipelines --example bench_corpus -- --platform github --iterations "$iterations" --corpus "$corpus")"
fi
echo "devquery ($label profile): $out" | head -1
line="$(echo "$out" | grep FILES_PER_SEC)"
dsecs="$(echo "$line" | sed -E 's/.*SECONDS=([0-9.]+).*/\1/')"
dn="$(echo "$line" | sed -E 's/.*FILES=([0-9]+).*/\1/')"
echo "devquery per pass: ${dsecs}s for $dn files (parse + Arrow tabulation)"
echo "time ratio per file, zizmor / devquery: $(echo "($zsecs / $zn) / ($dsecs / $dn)" | bc -l | xargs printf '%.1f')x"
