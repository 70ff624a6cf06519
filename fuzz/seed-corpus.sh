#!/bin/sh
# Seeds the fuzz corpora from the example incidents and the test fixtures (copies, not
# committed: the fixtures are the source of truth). Run from anywhere; then
#   cargo +nightly fuzz run load_file        (one file)
#   cargo +nightly fuzz run load_workspace   (several files, split at `#-8<-` lines)
#   cargo +nightly fuzz run import_markdown  (one Markdown postmortem)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
one="$here/corpus/load_file"
many="$here/corpus/load_workspace"
mkdir -p "$one" "$many"
files=$(find "$root/incidents" "$root/tests/fixtures" -name '*.yaml' -o -name '*.yml' | sort)
n=0
previous=""
for f in $files; do
    n=$((n + 1))
    cp "$f" "$one/seed-$n.yaml"
    # Each file with the one before it: two incidents of one workspace.
    if [ -n "$previous" ]; then
        { cat "$previous"; printf '\n#-8<-\n'; cat "$f"; } > "$many/seed-$n.yaml"
    fi
    previous="$f"
done
markdown="$here/corpus/import_markdown"
mkdir -p "$markdown"
cp "$root"/tests/fixtures/import/*.md "$markdown/"
echo "seeded $n files into $one, $((n - 1)) pairs into $many and the import fixtures into $markdown"
