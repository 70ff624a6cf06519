#!/usr/bin/env bash
# Benchmarks the live preview: time from saving one incident to its updated HTML on disk,
# p50 and p95 over EDITS (default 20) edits, for 1,000 and 10,000 incidents (or the sizes
# given). Each size runs `postmortem serve` on a scratch copy of the fixed corpus
# (examples/corpus/, SEED default 42, kept in target/bench/corpus-N like bench/run.sh)
# and edits one incident title at a time, as an editor saves (temporary file + rename).
# See examples/serve_bench.rs for what is measured. Targets: p50 < 100 ms at 1,000 and
# < 500 ms at 10,000.
#
# The machine may be shared: the table shows the server's CPU time and the load average
# before and after, so a noisy run can be told from a slow one. Run from anywhere:
#   bench/serve.sh           # 1000 and 10000 incidents
#   bench/serve.sh 1000      # one size
source "$(dirname "$0")/lib.sh"
EDITS=${EDITS:-20}

cargo build --release --quiet --bin postmortem --example corpus --example serve_bench
bin=$PWD/target/release/postmortem


rows=()
for n in "${sizes[@]}"; do
  dir=$(corpus "$n")
  echo "measuring $n incidents ($EDITS edits) ..." >&2
  rows+=("$(target/release/examples/serve_bench --bin "$bin" --corpus "$dir" \
    --work "target/bench/serve-$n" --edits "$EDITS")")
done

echo
echo "postmortem serve on $(nproc) CPUs, $EDITS edits each, seed $SEED"
echo
echo "| incidents | save → page p50 | p95 | max | rebuild p50 | rebuild p95 | server CPU | peak RSS | load before → after |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
