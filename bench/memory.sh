#!/usr/bin/env bash
# Where the memory of the search index goes: runs examples/search_index (records in memory ->
# Pagefind bundle, the memory peak of a build with search) under valgrind's massif on the
# corpus of 1,000 incidents (or the size given), and prints the heap at its peak, grouped by
# the innermost function of postmortem or Pagefind that allocated it. Massif runs about 20x
# slower than normal, hence the smaller corpus; the shares are the same at 10,000.
#
# Needs valgrind (apt-get install -y valgrind) and python3. Run from anywhere:
#   bench/memory.sh          # 1000 incidents
#   bench/memory.sh 2000
source "$(dirname "$0")/lib.sh"
command -v valgrind >/dev/null || { echo "needs valgrind: apt-get install -y valgrind" >&2; exit 1; }
n=${1:-1000}

cargo build --release --quiet --example corpus --example search_index
dir=$(corpus "$n")
out=target/bench/massif-$n.out
valgrind --tool=massif --massif-out-file="$out" --depth=40 --threshold=0.5 \
  target/release/examples/search_index "$dir" >/dev/null 2>&1

python3 - "$out" <<'PY'
import re, sys

# What each allocation is, from the functions on its stack; the first match names it.
KINDS = [
    ("Pagefind, building the index: a word map per page, all made before any is merged, "
     "from a copy of every parsed page", r"PageProcessingResult|DrainProducer"),
    ("Pagefind, building the index: the merged word index and the files",
     r"pagefind::index::build_indexes|pagefind::output|get_files"),
    ("Pagefind, adding records: every page as parsed (kept until the end)",
     r"add_html_file|fossick"),
    ("postmortem: loaded incidents", r"postmortem::load"),
    ("postmortem: search records", r"postmortem::search::record|SearchRecord"),
]

OTHER = "smaller allocations (massif groups those under 0.5 % of the peak)"

lines = open(sys.argv[1]).read().split("\n")
snapshots, current = [], None
for i, line in enumerate(lines):
    if line.startswith("snapshot="):
        current = {"start": i}
        snapshots.append(current)
    elif current is not None and line.startswith("mem_heap_B="):
        current["heap"] = int(line.split("=")[1])
    elif current is not None and line.startswith("heap_tree="):
        current["tree"] = line.split("=")[1]
peak = next(s for s in snapshots if s.get("tree") == "peak")
total = peak["heap"]
groups, stack = {}, []
for line in lines[peak["start"] + 1:]:
    if line.startswith("snapshot="):
        break
    match = re.match(r"^( *)n(\d+): (\d+) (.*)$", line)
    if not match:
        continue
    depth, children, size, frame = len(match[1]), int(match[2]), int(match[3]), match[4]
    stack = stack[:depth] + [frame]
    if children:
        continue
    text = "\n".join(stack)
    kind = next((label for label, pattern in KINDS if re.search(pattern, text)), OTHER)
    groups[kind] = groups.get(kind, 0) + size
print(f"peak heap: {total / 1e6:.1f} MB")
print()
print("| MB | share | what |")
print("|---:|---:|---|")
for kind, size in sorted(groups.items(), key=lambda item: -item[1]):
    print(f"| {size / 1e6:.1f} | {100 * size / total:.0f} % | {kind} |")
PY
