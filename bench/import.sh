#!/usr/bin/env bash
# How fast `postmortem import` takes in a whole history: generates 1,000 Markdown
# postmortems of about 8 KB each (or the count given) in the shapes teams write (metadata
# lines or front matter, a timeline table or list, code and log blocks, checklists,
# lessons, free sections), then times importing the folder with a release build. Target:
# under 2 s for 1,000 documents.
#
#   bench/import.sh [COUNT]        RUNS=5 for more runs (default 3)
#   POSTMORTEM=target/debug/postmortem bench/import.sh 20    (a quick try of the script)
#
# Uses $CARGO_TARGET_DIR (default target/) for the build and target/bench/import-COUNT for
# the documents and the output.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/.."

count=${1:-1000}
runs=${RUNS:-3}
target=${CARGO_TARGET_DIR:-target}
work=target/bench/import-$count
bin=${POSTMORTEM:-$target/release/postmortem}

# POSTMORTEM=path/to/binary times that binary instead of a fresh release build.
[[ -n ${POSTMORTEM:-} ]] || cargo build --release --quiet --bin postmortem

# The generator: deterministic (document n is always the same), about 8 KB per document.
if [[ $(cat "$work/.count" 2>/dev/null) != "$count" ]]; then
  rm -rf "$work"
  mkdir -p "$work/docs"
  awk -v count="$count" -v out="$work/docs" '
    function para(n,   s, k) {
      s = ""
      for (k = 0; k < 6; k++)
        s = s sprintf("The %s service on host db-%02d saw latency of %d ms while the %s queue held %d jobs. ",
          svc[(n + k) % 5], (n * 7 + k) % 40, 120 + (n * 13 + k * 17) % 900, q[(n + k) % 4], (n * 31 + k) % 5000)
      return s "\n"
    }
    BEGIN {
      split("checkout search billing auth notifier", s0, " "); for (i = 1; i <= 5; i++) svc[i - 1] = s0[i]
      split("ingest retry dead-letter export", q0, " "); for (i = 1; i <= 4; i++) q[i - 1] = q0[i]
      for (n = 1; n <= count; n++) {
        f = sprintf("%s/pm-%05d.md", out, n)
        day = sprintf("2024-%02d-%02d", n % 12 + 1, n % 28 + 1)
        title = sprintf("%s outage number %d", svc[n % 5], n)
        if (n % 3 == 0) {
          printf "---\ntitle: %s\ndate: %s\nseverity: SEV%d\nstatus: resolved\ntags: [%s, bench]\n---\n\n", title, day, n % 4 + 1, svc[n % 5] > f
        } else {
          printf "# %s\n\n**Date:** %s\n**Status:** Resolved\n**Severity:** %s\n**Authors:** Sam, Alex\n\n", title, day, (n % 2 ? "high" : "medium") > f
        }
        printf "## Summary\n\n%s\n## Impact\n\n%s\n", para(n), para(n + 1) > f
        printf "## Timeline\n\n| Time | Event |\n|---|---|\n" > f
        for (k = 0; k < 12; k++)
          printf "| %02d:%02d | %sstep %d of the %s response: %s queue drained to %d |\n", (21 + k) % 24, (k * 7) % 60,
            (k == 2 ? "**Detection:** " : (k == 10 ? "**Recovery:** " : "")), k, svc[n % 5], q[k % 4], n * k % 977 > f
        printf "\n## Root cause\n\n%s%s\n## Error\n\n```\nTraceback (most recent call last):\n  File \"app/%s.py\", line %d, in handle\n    pool.get()\nTimeoutError: pool %d exhausted after %d ms\n```\n\n", para(n + 2), para(n + 3), svc[n % 5], n % 400, n, n % 9000 > f
        printf "## Resolution\n\n%s\n```bash\nkubectl rollout restart deploy/%s-%d\nredis-cli -n %d FLUSHDB\n```\n\n", para(n + 4), svc[n % 5], n, n % 16 > f
        printf "## Action items\n\n" > f
        for (k = 0; k < 6; k++) printf "- [%s] Add an alert for %s queue depth above %d (owner: team-%d)\n", (k % 2 ? "x" : " "), q[k % 4], 100 * (k + 1), k > f
        printf "\n## Lessons learned\n\n### What went well\n\n- %s\n### What went wrong\n\n- %s\n", para(n + 5), para(n + 6) > f
        printf "## Appendix\n\n%s\n%s\n%s\n%s\n", para(n + 7), para(n + 8), para(n + 9), para(n + 10) > f
        close(f)
      }
    }'
  echo "$count" >"$work/.count"
fi
bytes=$(cat "$work"/docs/*.md | wc -c)
echo "$count documents, $((bytes / count)) bytes each on average"

times=()
for ((run = 1; run <= runs; run++)); do
  rm -rf "$work/out"
  start=$EPOCHREALTIME
  "$bin" --root "$work" import "$work/docs" --out "$work/out" --quiet
  end=$EPOCHREALTIME
  times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')")
done
written=$(find "$work/out" -name '*.yaml' | wc -l)
"$bin" --root "$work" import "$work/docs" --out "$work/dry-run" --dry-run --format json |
  awk '/"dropped":0,/ { kept++ } END { printf "%d of %d documents: 0 lines dropped\n", kept, NR }'
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
echo "import of $count documents: ${times[*]} s (median $median s), $written files written"
