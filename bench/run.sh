#!/usr/bin/env bash
# Benchmarks postmortem on fixed synthetic corpora, so speed is measured rather than timed
# in tests. For each size (1,000 and 10,000 incidents, or only those given) it measures:
#   - `postmortem check` wall time,
#   - `postmortem build` wall time from a clean site/ and reports/,
#   - peak memory (max RSS, from GNU time) of each,
#   - total size and number of files of the built site/,
# running each command RUNS times (default 3) and reporting min and median, then prints a
# Markdown table. Corpora come from examples/corpus/ (SEED, default 42) and are kept in
# target/bench/corpus-N, reused while seed and generator are unchanged.
#
# Needs only bash, coreutils and GNU time (apt-get install -y time). Run from anywhere:
#   bench/run.sh           # 1000 and 10000 incidents
#   bench/run.sh 1000      # one size
source "$(dirname "$0")/lib.sh"
shopt -s globstar dotglob nullglob
need_gnu_time

cargo build --release --quiet --bin postmortem --example corpus
bin=$PWD/target/release/postmortem
log=$(mktemp)
trap 'rm -f "$log" "$log.rss"' EXIT


# Seconds with milliseconds, from microseconds.
secs() { printf '%d.%03d' $(($1 / 1000000)) $(($1 % 1000000 / 1000)); }

# Runs "$2..." RUNS times, calling the function $1 before each run; sets `min` and
# `median` (seconds) and `rss` (largest max RSS, MB).
measure() {
  local prepare=$1 start us kb times=()
  shift
  rss=0
  for ((i = 0; i < RUNS; i++)); do
    $prepare
    start=$EPOCHREALTIME
    /usr/bin/time -f %M -o "$log.rss" "$@" >"$log" 2>&1 || { cat "$log" "$log.rss" >&2; exit 1; }
    us=$((${EPOCHREALTIME/./} - ${start/./}))
    times+=("$us")
    kb=$(<"$log.rss")
    if ((kb / 1024 > rss)); then rss=$((kb / 1024)); fi
  done
  mapfile -t times < <(printf '%s\n' "${times[@]}" | sort -n)
  min=$(secs "${times[0]}")
  median=$(secs "${times[RUNS / 2]}")
}

mb() { local b; b=$(du -sb "$1" | cut -f1); printf '%d.%d MB' $((b / 1000000)) $((b % 1000000 / 100000)); }

nothing() { :; }
clean() { rm -rf "$dir/site" "$dir/reports"; }

rows=()
for n in "${sizes[@]}"; do
  dir=$(corpus "$n")
  echo "measuring $n incidents in $dir ..." >&2
  measure nothing "$bin" check --root "$dir"
  check="$min / $median s | $rss MB"
  measure clean "$bin" build --root "$dir"
  files=0
  for f in "$dir"/site/**; do if [[ -f $f ]]; then files=$((files + 1)); fi; done
  rows+=("| $n | $(mb "$dir/incidents") | $check | $min s | $median s | $rss MB | $(mb "$dir/site") | $files |")
done

echo
echo "postmortem on $(nproc) CPUs, $RUNS runs each (min / median), seed $SEED"
echo
echo "| incidents | corpus | check | check RSS | build min | build median | build RSS | site | site files |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
