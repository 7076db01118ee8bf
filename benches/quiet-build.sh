#!/bin/sh
# Full builds of a site, each from a quiet start, with their medians.
#
# usage: benches/quiet-build.sh ENGAGE ROOT [RUNS] [PAUSE] [OUTDIR]
#   ENGAGE  the engage binary (target/release/engage)
#   ROOT    the site (the bench_site example's output, or the repository)
#   RUNS    how many builds (default 10)
#   PAUSE   seconds of quiet before each build (default 3)
#   OUTDIR  where each build's new output folder goes (default /tmp)
#
# Before each build: `sync`, then PAUSE seconds, so that the write-back of
# the previous build's files does not run during this one. Each build
# writes into a new empty folder, and none is deleted while the series
# runs: on ext4, creating files is several times slower for minutes after
# many files were deleted. Delete the folders (OUTDIR/engage-quiet.*)
# afterwards, and wait a few minutes before the next series. A first build,
# not counted, brings the site's files into memory.
set -eu
engage=$1
root=$2
runs=${3:-10}
pause=${4:-3}
outdir=${5:-/tmp}
times=$(mktemp)
trap 'rm -f "$times"' EXIT

build() {
    out=$(mktemp -d "$outdir/engage-quiet.XXXXXX")
    /usr/bin/time -f "%e %U %S %M" -a -o "$1" \
        "$engage" --root "$root" build --output "$out/out" >/dev/null 2>&1
}

build /dev/null
i=0
while [ "$i" -lt "$runs" ]; do
    sync
    sleep "$pause"
    build "$times"
    i=$((i + 1))
done

echo "run  wall_s  user_s  sys_s  peak_MiB"
awk '{ printf "%3d  %6.2f  %6.2f  %5.2f  %8.1f\n", NR, $1, $2, $3, $4 / 1024 }' "$times"
# The median of each column: the middle value, or the mean of the two
# middle values when the count is even.
for col in 1 2 3 4; do
    sort -n -k"$col","$col" "$times" | awk -v c="$col" '{ v[NR] = $c }
        END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
              if (c == 4) m = m / 1024; printf "%s ", m }'
done | awk '{ printf "median: wall %.2f s, user %.2f s, sys %.2f s, peak %.1f MiB\n", $1, $2, $3, $4 }'
