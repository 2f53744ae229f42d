#!/usr/bin/env bash
# Export speed: events/s into Parquet (and the time of one `sql` group-by over the export). Simulates one region
# with bin/framejournal (1,500,000 ops on 2 threads, about 8.7 M events, in a temporary directory), exports it
# BENCH_EXPORT_RUNS times (default 3) and prints each run's figure as `framejournal export` reports it (wall time of
# the whole command's work: the audit for the leaks table, the journal read, the appender, DuckDB's Parquet writer).
# Settings: BENCH_EXPORT_OPS (default 1500000), BENCH_EXPORT_RUNS (3), BENCH_EXPORT_DIR (a temporary directory).
set -euo pipefail
cd "$(dirname "$0")/.."
OPS="${BENCH_EXPORT_OPS:-1500000}"
RUNS="${BENCH_EXPORT_RUNS:-3}"
DIR="${BENCH_EXPORT_DIR:-$(mktemp -d -t framejournal-export-bench.XXXXXX)}"
echo "export bench in $DIR: nproc $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg)"
bin/framejournal simulate --dir "$DIR/region" --max-paddr 0x10000000 --ops "$OPS" --threads 2 --seed 5 \
  --leak-rate 0.0005 | head -1
for i in $(seq 1 "$RUNS"); do
  rm -rf "$DIR/export"
  bin/framejournal export "$DIR/region" --to "$DIR/export" | head -1
done
start=$(date +%s%N)
bin/framejournal sql "$DIR/export" "SELECT op, count(*) AS events FROM events GROUP BY op ORDER BY events DESC LIMIT 3"
echo "sql group-by over the export: $(( ($(date +%s%N) - start) / 1000000 )) ms (JVM start included)"
echo "load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -z "${BENCH_EXPORT_DIR:-}" ]; then rm -rf "$DIR"; fi
