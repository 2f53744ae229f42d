#!/usr/bin/env bash
# The long soak of issue #11: simulate on a default-size region with checkpoints and retention, SIGKILLed at a random
# moment in its last third, then recovered and audited from the newest checkpoint. Prints disk use over time and the
# recovery and audit times. Usage: bash bench/soak.sh [MINUTES=30] [RATE=0 (as fast as it goes)] [WORKDIR]
# SOAK_REDO=1s also records a redo point every second (simulate --redo-point-every): recovery then replays only the
# journal after it; the script then also recovers a copy taken at the kill with --verify-all, for comparison.
# (The suite runs a one-minute version: tests/.../cli/SoakCliTest.)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MIN="${1:-30}"
RATE="${2:-0}"
WORK="${3:-$(mktemp -d /tmp/framejournal-soak.XXXXXX)}"
JAR="$WORK/framejournal.jar"
[ -f "$ROOT/replay-tool/target/framejournal.jar" ] || "$ROOT/bin/framejournal" --version >/dev/null # builds the jar when missing
cp "$ROOT/replay-tool/target/framejournal.jar" "$JAR"
FJ=(java "@$ROOT/config/chronicle.jvmopts" -jar "$JAR")
DIR="$WORK/region"
SECS=$((MIN * 60))
KILL_AT=$((SECS * 2 / 3 + RANDOM % (SECS / 3 + 1)))
echo "soak: ${MIN} min, rate ${RATE} ops/s (0 = full speed), 2 threads, default region, checkpoint every 30s, retain 3,"\
     "redo point ${SOAK_REDO:-none};"\
     "SIGKILL at ${KILL_AT} s; work dir $WORK"
"${FJ[@]}" simulate --dir "$DIR" --duration "$((SECS + 600))s" --threads 2 --rate "$RATE" \
    --checkpoint-every 30s --retain 3 --leak-rate 0.0001 ${SOAK_REDO:+--redo-point-every "$SOAK_REDO"} \
    >"$WORK/simulate.out" 2>"$WORK/simulate.err" &
PID=$!
START=$(date +%s)
echo "   elapsed   disk(KiB)  journal files  checkpoints"
while :; do
  NOW=$(($(date +%s) - START))
  if [ "$NOW" -ge "$KILL_AT" ]; then break; fi
  if ! kill -0 "$PID" 2>/dev/null; then echo "simulate stopped early:"; cat "$WORK/simulate.err"; exit 1; fi
  if [ -d "$DIR/journal" ]; then
    printf "%8ds %12s %8s %12s\n" "$NOW" "$(du -sk "$DIR" | cut -f1)" \
        "$(ls "$DIR/journal" | grep -c '\.cq4$' || true)" "$(ls "$DIR/checkpoints" 2>/dev/null | grep -c fjcp || true)"
  fi
  sleep $((SECS / 30 > 0 ? SECS / 30 : 1))
done
kill -9 "$PID"; wait "$PID" 2>/dev/null || true
printf "%8ds %12s %8s %12s   (killed)\n" "$KILL_AT" "$(du -sk "$DIR" | cut -f1)" \
    "$(ls "$DIR/journal" | grep -c '\.cq4$' || true)" "$(ls "$DIR/checkpoints" | grep -c fjcp || true)"
if [ -n "${SOAK_REDO:-}" ]; then cp -r "$DIR" "$WORK/region-copy"; fi
T0=$(date +%s%N); "${FJ[@]}" recover "$DIR" | head -4; T1=$(date +%s%N)
echo "recover: $(((T1 - T0) / 1000000)) ms wall, JVM start included"
if [ -n "${SOAK_REDO:-}" ]; then
  T0=$(date +%s%N); "${FJ[@]}" recover --verify-all "$WORK/region-copy" | head -4; T1=$(date +%s%N)
  echo "recover --verify-all (a copy taken at the kill): $(((T1 - T0) / 1000000)) ms wall, JVM start included"
  rm -rf "$WORK/region-copy"
fi
T0=$(date +%s%N); set +e; "${FJ[@]}" audit --since-checkpoint "$DIR" | head -2; set -e; T1=$(date +%s%N)
echo "audit --since-checkpoint: $(((T1 - T0) / 1000000)) ms wall, JVM start included"
"${FJ[@]}" stats "$DIR" | head -4
echo "work dir $WORK (delete it when done)"
