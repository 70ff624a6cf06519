#!/usr/bin/env bash
# Benchmarks the site search on the fixed synthetic corpora of bench/run.sh. For each size
# (1,000 and 10,000 incidents, or only those given) it measures:
#   - indexing alone (examples/search_index.rs: records in memory -> Pagefind bundle):
#     wall and CPU seconds, peak memory of that process (loading the corpus included);
#   - a whole `postmortem build`: wall, CPU (user+sys) and peak memory, and how long it
#     waited for the index after rendering (from `build --verbose`);
#   - the search bundle: total size and number of files;
# and, on the largest size, the bytes a browser downloads for each query of a fixed list
# (examples/search_bytes.rs, needs chromium and chromium-driver; SKIP_BROWSER=1 skips it).
# Each measurement runs RUNS times (default 3) and the median is reported. The machine may
# be shared: wall times are noisy, CPU times much less so.
#
# Needs bash, coreutils and GNU time (apt-get install -y time). Run from anywhere:
#   bench/search.sh           # 1000 and 10000 incidents
#   bench/search.sh 1000      # one size
source "$(dirname "$0")/lib.sh"
need_gnu_time

cargo build --release --quiet --bin postmortem --example corpus --example search_index --example search_bytes
bin=$PWD/target/release/postmortem
log=$(mktemp)
trap 'rm -f "$log" "$log.time"' EXIT


# The median of the numbers on stdin.
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# The value of key $1 in a line of key=value pairs on stdin.
field() { tr ' ' '\n' | sed -n "s/^$1=//p"; }

# Runs "$@" RUNS times under GNU time; prints "wall cpu rss_mb" of each run, one per line,
# and leaves the last run's output in $log.
timed() {
  for ((i = 0; i < RUNS; i++)); do
    /usr/bin/time -f '%e %U %S %M' -o "$log.time" "$@" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
    awk '{ printf "%.2f %.2f %d\n", $1, $2 + $3, $4 / 1024 }' "$log.time"
  done
}

rows=()
for n in "${sizes[@]}"; do
  dir=$(corpus "$n")
  echo "measuring $n incidents in $dir ..." >&2

  # Indexing alone.
  index_runs=() index_cpu=() index_wall=()
  for ((r = 0; r < RUNS; r++)); do
    /usr/bin/time -f '%M' -o "$log.time" target/release/examples/search_index "$dir" >"$log"
    index_wall+=("$(field index_s <"$log")")
    index_cpu+=("$(field index_cpu_s <"$log")")
    index_runs+=("$(($(<"$log.time") / 1024))")
  done
  i_wall=$(printf '%s\n' "${index_wall[@]}" | median)
  i_cpu=$(printf '%s\n' "${index_cpu[@]}" | median)
  i_rss=$(printf '%s\n' "${index_runs[@]}" | sort -n | tail -1)

  # Whole builds, from a clean site/ and reports/.
  builds=() waits=()
  for ((r = 0; r < RUNS; r++)); do
    rm -rf "$dir/site" "$dir/reports"
    builds+=("$(RUNS=1 timed "$bin" build --root "$dir" --verbose)")
    waits+=("$(sed -n 's/^search index: .* waited \([0-9.]*\)s for it/\1/p' "$log")")
  done
  b_wall=$(printf '%s\n' "${builds[@]}" | awk '{ print $1 }' | median)
  b_cpu=$(printf '%s\n' "${builds[@]}" | awk '{ print $2 }' | median)
  b_rss=$(printf '%s\n' "${builds[@]}" | awk '{ print $3 }' | sort -n | tail -1)
  wait=$(printf '%s\n' "${waits[@]}" | median)
  cpu_share=$(awk -v s="$i_cpu" -v t="$b_cpu" 'BEGIN { printf "%.0f", 100 * s / (t - s) }')

  bundle=$(du -sb "$dir/site/pagefind" | cut -f1)
  files=$(find "$dir/site/pagefind" -type f | wc -l)
  rows+=("| $n | $i_wall s | $i_cpu s | $i_rss MB | $b_wall s | $b_cpu s | $b_rss MB | $wait s | +$cpu_share % | $((bundle / 1000)) KB | $files |")
  largest=$dir
done

echo
echo "postmortem search on $(nproc) CPUs, median of $RUNS runs, seed $SEED"
echo
echo "| incidents | index wall | index CPU | index RSS | build wall | build CPU | build RSS | build waited for index | index CPU / rest of build | bundle | bundle files |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo
echo "index: examples/search_index alone (its RSS includes the loaded corpus). The build feeds"
echo "the indexer while it renders; 'waited' is what was left once rendering was done."
echo "CPU share: index CPU over the build's CPU without it."

if [[ -z ${SKIP_BROWSER:-} ]]; then
  echo
  echo "Bytes downloaded per query on $largest/site (search page, 10 results shown):"
  echo
  target/release/examples/search_bytes "$largest/site"
fi
