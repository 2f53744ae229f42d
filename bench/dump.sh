#!/usr/bin/env bash
# Dump speed: lines/s that `framejournal dump` writes to a file, text and --json. Simulates one region with
# bin/framejournal (BENCH_DUMP_OPS ops on one thread, default 1,000,000 = about 5.3 M events, in a temporary
# directory), then runs `dump DIR > FILE` BENCH_DUMP_RUNS times (default 3) each way and prints, per run, the lines,
# the wall time of the whole command (JVM start included) and lines/s; and once the time of `dump DIR --to <first
# index>` (JVM start, region and journal opened, one line), to show what the start costs. Also the CPU time of each
# run (user+sys of the JVM, GC and JIT threads included), which a loaded machine inflates far less than wall time.
# Settings: BENCH_DUMP_OPS, BENCH_DUMP_RUNS, BENCH_DUMP_DIR (a temporary directory, removed at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
OPS="${BENCH_DUMP_OPS:-1000000}"
RUNS="${BENCH_DUMP_RUNS:-3}"
DIR="${BENCH_DUMP_DIR:-$(mktemp -d -t framejournal-dump-bench.XXXXXX)}"
echo "dump bench in $DIR: nproc $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg)"
bin/framejournal simulate --dir "$DIR/region" --max-paddr 0x4000000 --ops "$OPS" --seed 5 | head -1
first="$(bin/framejournal stats "$DIR/region" --json | sed -n 's/.*"firstIndex": "\(0x[0-9a-f]*\)".*/\1/p')"
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
start=$(date +%s%N)
bin/framejournal dump "$DIR/region" --to "$first" > /dev/null
echo "start-up (dump --to $first, one line): $(ms "$start") ms"
for mode in text json; do
  for i in $(seq 1 "$RUNS"); do
    args=(dump "$DIR/region")
    if [ "$mode" = json ]; then args+=(--json); fi
    start=$(date +%s%N)
    cpu="$( { /usr/bin/time -f '%U %S' bin/framejournal "${args[@]}" > "$DIR/dump.out"; } 2>&1 | tail -n 1)"
    t=$(ms "$start")
    lines=$(wc -l < "$DIR/dump.out")
    cpu_ms=$(echo "$cpu" | awk '{ printf "%d", ($1 + $2) * 1000 }')
    echo "dump $mode: $lines lines, $(stat -c %s "$DIR/dump.out") bytes in $t ms wall = $(( lines * 1000 / t )) lines/s;" \
      "CPU (user+sys, all JVM threads) $cpu_ms ms = $(( lines * 1000 / cpu_ms )) lines per CPU-second"
  done
done
echo "load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -z "${BENCH_DUMP_DIR:-}" ]; then rm -rf "$DIR"; fi
