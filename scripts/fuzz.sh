#!/usr/bin/env bash
# Runs every fuzz target (one folder per target under Fuzz/Corpus) for FUZZ_SECONDS each and prints
# one line per target: `TARGET: N execs, M crashes`. Used by `make fuzz` (docs/fuzzing.md).
# Crashing inputs land in .build-fuzz/artifacts/<target>/; new corpus entries in
# .build-fuzz/corpus/<target>/ (merge them into Fuzz/Corpus with -merge=1 when they add coverage).
set -u
bin=${FUZZ_BIN:-.build-fuzz/release/FuzzDecoders}
seconds=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-$(ls Fuzz/Corpus)}
status=0
for target in $targets; do
  work=.build-fuzz/corpus/$target artifacts=.build-fuzz/artifacts/$target log=.build-fuzz/logs/$target.log
  rm -rf "$artifacts"; mkdir -p "$work" "$artifacts" .build-fuzz/logs
  # Fork mode with ignore_*: a crash is recorded and fuzzing goes on, so the count is complete.
  FUZZ_TARGET=$target SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} "$bin" -fork=1 -ignore_crashes=1 \
    -ignore_timeouts=1 -ignore_ooms=1 -timeout=20 -rss_limit_mb=4096 -max_total_time="$seconds" \
    -artifact_prefix="$artifacts/" "$work" "Fuzz/Corpus/$target" > "$log" 2>&1
  execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  crashes=$(find "$artifacts" -type f | wc -l)
  echo "$target: ${execs:-0} execs, $crashes crashes"
  [ "$crashes" = 0 ] || status=1
done
exit $status
