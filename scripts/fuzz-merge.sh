#!/usr/bin/env bash
# Minimises Fuzz/Corpus/<target> with libFuzzer's -merge=1 over the committed corpus, the inputs
# `make fuzz` found (.build-fuzz/corpus/<target>) and optional seeds ($FUZZ_SEEDS/<target>, see
# docs/fuzzing.md). regression-* files are kept as they are. Needs `make fuzz-build`.
set -eu
bin=${FUZZ_BIN:-.build-fuzz/release/FuzzDecoders}
for target in ${FUZZ_TARGETS:-$(ls Fuzz/Corpus)}; do
  old=.build-fuzz/merge/$target/old new=.build-fuzz/merge/$target/new
  rm -rf ".build-fuzz/merge/$target"; mkdir -p "$old" "$new" ".build-fuzz/corpus/$target"
  find "Fuzz/Corpus/$target" -type f ! -name 'regression-*' -exec mv {} "$old/" \;
  seeds=${FUZZ_SEEDS:+$FUZZ_SEEDS/$target}
  FUZZ_TARGET=$target SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} "$bin" -merge=1 \
    "$new" "$old" ".build-fuzz/corpus/$target" ${seeds:+"$seeds"} > ".build-fuzz/merge/$target.log" 2>&1
  cp "$new"/* "Fuzz/Corpus/$target/"
  echo "$target: $(ls "Fuzz/Corpus/$target" | wc -l) files, $(du -sk "Fuzz/Corpus/$target" | cut -f1) KB"
done
