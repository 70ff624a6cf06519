#!/usr/bin/env bash
# What similar errors and similar causes cost: for each corpus size (1,000 and 10,000
# incidents, or those given) the median time of deriving the error patterns alone and with
# the similarity links, which a build pays once; what a save under `serve` pays with the
# memo it keeps between saves (a save that edits no error and no cause, one that edits a
# root cause, one that edits an error); and the time of the notes `check` prints. Targets
# at 10,000 incidents: under 1 s added to a build, under 50 ms to a save.
#
#   bench/similar.sh [SIZES...]      RUNS=9 for more runs (default 3)
#
# Corpora come from examples/corpus (seed SEED, default 42), shared with bench/run.sh.
source "$(dirname "$0")/lib.sh"

cargo build --release --quiet --example corpus --example similar_bench
for n in "${sizes[@]}"; do
  dir=$(corpus "$n")
  echo "load $(cut -d' ' -f1 /proc/loadavg)  $(RUNS=$RUNS target/release/examples/similar_bench "$dir")"
done
