#!/usr/bin/env bash
# Benchmarks postmortem on fixed synthetic corpora, so speed is measured rather than timed
# in tests. For each size (1,000 and 10,000 incidents, or only those given) it measures:
#   - `postmortem check` wall time, with nothing kept of an earlier run and with the
#     parses of the one before (`.postmortem/cache/parsed/`),
#   - `postmortem build` from a clean site/, reports/ and render cache (which it fills),
#   - `postmortem build --no-cache` (what the cache costs a clean build),
#   - a warm rebuild with nothing changed,
#   - a warm rebuild after one edited incident, with the time it spent waiting for the
#     search index (Pagefind has no incremental update) beside it,
#   - peak memory (max RSS, from GNU time) of each, the render cache's size on disk, and
#     the size and number of files of the built site/,
# and, if `hugo` is on the PATH, Hugo building the same incidents as Markdown pages (each
# incident's report, with its code blocks highlighted, and tag and service pages; layouts
# in bench/hugo/) in the same run, so both are timed under the same load. Each command
# runs RUNS times (default 3); the tables give min and median, and the load average before
# and after, since the machine may be shared. Corpora come from examples/corpus/ (SEED,
# default 42) and are kept in target/bench/corpus-N, reused while seed and generator are
# unchanged.
#
# Needs only bash, coreutils and GNU time (apt-get install -y time); Hugo is optional and
# never installed by this script (on Debian: apt-get install -y hugo). Run from anywhere:
#   bench/run.sh           # 1000 and 10000 incidents
#   bench/run.sh 1000      # one size
source "$(dirname "$0")/lib.sh"
shopt -s globstar dotglob nullglob
need_gnu_time

cargo build --release --quiet --bin postmortem --example corpus
bin=$PWD/target/release/postmortem
log=$(mktemp)
edit_file=
# Removes the temporary files and puts back the incident the warm runs edit.
finish() {
  rm -f "$log" "$log.rss"
  if [[ -n $edit_file && -f $edit_file.orig ]]; then mv "$edit_file.orig" "$edit_file"; fi
}
trap finish EXIT

# Seconds with milliseconds, from microseconds.
secs() { printf '%d.%03d' $(($1 / 1000000)) $(($1 % 1000000 / 1000)); }
# The median of the numbers on stdin.
median_of() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# Runs "$2..." RUNS times, calling the function $1 before each run; sets `min` and
# `median` (wall seconds), `cpu` (median CPU seconds, user + system: much less noisy than
# wall time on a shared machine), `rss` (largest max RSS, MB) and `waits` (the seconds each
# run waited for the search index, from --verbose, if it printed them), and leaves the last
# run's output in $log.
measure() {
  local prepare=$1 start us kb times=() cpus=()
  shift
  rss=0 waits=()
  for ((i = 0; i < RUNS; i++)); do
    $prepare
    start=$EPOCHREALTIME
    /usr/bin/time -f '%M %U %S' -o "$log.rss" "$@" >"$log" 2>&1 || { cat "$log" "$log.rss" >&2; exit 1; }
    us=$((${EPOCHREALTIME/./} - ${start/./}))
    times+=("$us")
    read -r kb user sys <"$log.rss"
    cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')")
    if ((kb / 1024 > rss)); then rss=$((kb / 1024)); fi
    waits+=("$(sed -n 's/^search index: .* waited \([0-9.]*\)s for it/\1/p' "$log")")
  done
  mapfile -t times < <(printf '%s\n' "${times[@]}" | sort -n)
  min=$(secs "${times[0]}")
  median=$(secs "${times[RUNS / 2]}")
  cpu=$(printf '%s\n' "${cpus[@]}" | median_of)
}

mb() { local b; b=$(du -sb "$1" | cut -f1); printf '%d.%d MB' $((b / 1000000)) $((b % 1000000 / 100000)); }
bytes() { du -sb "$1" | cut -f1; }
load() { cut -d' ' -f1 /proc/loadavg; }

nothing() { :; }
forget_parses() { rm -rf "$dir/.postmortem/cache/parsed"; }
clean() { rm -rf "$dir/site" "$dir/reports" "$dir/.postmortem"; }
outputs_only() { rm -rf "$dir/site" "$dir/reports"; }

# One incident of the corpus, edited before each warm run (its title gets the run's
# number, so every run sees a change) and restored afterwards.
edits=0
edit_one() {
  edits=$((edits + 1))
  sed "s/^title: \(.*\)/title: \1 (edit $edits)/" "$edit_file.orig" >"$edit_file"
}

# Hugo on the same incidents: each report (front matter from its table, body without the
# generated marker and the title) as content/incidents/<slug>.md.
hugo_site() {
  local site=target/bench/hugo-$1 report slug
  rm -rf "$site"
  mkdir -p "$site/content/incidents"
  cp -r bench/hugo/. "$site/"
  for report in "$dir"/reports/*.md; do
    slug=${report##*/}
    [[ $slug == README.md ]] && continue
    awk -f - "$report" >"$site/content/incidents/$slug" <<'AWK'
function list(cell,   n, parts, out, i) {
  gsub(/`/, "", cell); n = split(cell, parts, /, */); out = ""
  for (i = 1; i <= n; i++) if (parts[i] != "") out = out (out ? ", " : "") "\"" parts[i] "\""
  return "[" out "]"
}
NR == 1 { next }
/^# / && !title { title = substr($0, 3); gsub(/"/, "\\\"", title); next }
/^\| \*\*Date\*\* \|/ { split($0, c, "|"); gsub(/ /, "", c[3]); date = c[3] }
/^\| \*\*Tags\*\* \|/ { split($0, c, "|"); tags = list(c[3]) }
/^\| \*\*Services\*\* \|/ { split($0, c, "|"); services = list(c[3]) }
{ body = body $0 "\n" }
END {
  printf "---\ntitle: \"%s\"\ndate: %s\ntags: %s\nservices: %s\n---\n%s", title, date, tags ? tags : "[]", services ? services : "[]", body
}
AWK
  done
  echo "$site"
}

rows=() cache_rows=() hugo_rows=()
for n in "${sizes[@]}"; do
  dir=$(corpus "$n")
  echo "measuring $n incidents in $dir (load $(load)) ..." >&2
  load_before=$(load)
  measure forget_parses "$bin" check --root "$dir"
  first_check="$min / $median s | $rss MB"
  measure nothing "$bin" check --root "$dir"
  check="$min / $median s | $rss MB"

  measure clean "$bin" build --root "$dir" --verbose
  clean_row="$min / $median s | $cpu s | $rss MB"
  clean_median=$median clean_cpu=$cpu
  files=0
  for f in "$dir"/site/**; do if [[ -f $f ]]; then files=$((files + 1)); fi; done
  site_size=$(mb "$dir/site")

  measure outputs_only "$bin" build --root "$dir" --no-cache
  no_cache_row="$min / $median s | $cpu s | $rss MB"

  # Warm: the cache the clean builds filled is there (--no-cache left it alone).
  measure nothing "$bin" build --root "$dir"
  warm_row="$min / $median s | $cpu s | $rss MB"

  incident_files=("$dir"/incidents/*.yaml)
  edit_file=${incident_files[0]}
  cp "$edit_file" "$edit_file.orig"
  measure edit_one "$bin" build --root "$dir" --verbose
  mv "$edit_file.orig" "$edit_file"
  index_wait=$(printf '%s\n' "${waits[@]}" | median_of)
  edit_row="$min / $median s | $cpu s | $index_wait s | $rss MB"
  cache_size=$(mb "$dir/.postmortem/cache")
  # Leave the corpus's outputs and cache as a build of the unedited files makes them.
  "$bin" build --root "$dir" --quiet

  rows+=("| $n | $(mb "$dir/incidents") | $first_check | $check | $clean_row | $site_size | $files |")
  cache_rows+=("| $n | $no_cache_row | $warm_row | $edit_row | $cache_size | $load_before → $(load) |")

  if command -v hugo >/dev/null; then
    site=$(hugo_site "$n")
    hugo_clean() { rm -rf "$site/public" "$site/resources"; }
    measure hugo_clean hugo --quiet --source "$site"
    ours=$(bytes "$dir/incidents")
    theirs=$(bytes "$site/content")
    per_byte() { awk -v a="$1" -v b="$2" -v x="$ours" -v y="$theirs" 'BEGIN { printf "%.2f", (a / x) / (b / y) }'; }
    hugo_rows+=("| $n | $(mb "$site/content") | $min / $median s | $cpu s | $rss MB | $(mb "$site/public") | $(per_byte "$clean_median" "$median")× | $(per_byte "$clean_cpu" "$cpu")× |")
  fi
done

echo
echo "postmortem on $(nproc) CPUs, $RUNS runs each (min / median), seed $SEED"
echo
echo "| incidents | corpus | check, first run | RSS | check again | RSS | clean build | CPU | build RSS | site | site files |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo
echo "clean build: no site, reports or render cache; it fills the cache."
echo
echo "| incidents | --no-cache | CPU | RSS | warm, no change | CPU | RSS | warm, one incident edited | CPU | waiting for the search index | RSS | render cache | load before → after |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${cache_rows[@]}"
if ((${#hugo_rows[@]})); then
  echo
  echo "Hugo $(hugo version | cut -d' ' -f2) on the same incidents, same run (its content: each report as Markdown):"
  echo
  echo "| incidents | content | clean build | CPU | RSS | site | our wall time per input byte / Hugo's | the same in CPU time |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${hugo_rows[@]}"
else
  echo
  echo "hugo is not on the PATH: install it (Debian: apt-get install -y hugo) to compare."
fi
