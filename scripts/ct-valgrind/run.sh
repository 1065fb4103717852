#!/bin/sh
# Builds the constant-time harness against the release objects and runs it under memcheck.
# Usage (from the repository root, after `swift build -c release --product tss`):
#   sh scripts/ct-valgrind/run.sh
set -eu
B=.build/release
OUT=$(mktemp -d)
swiftc -O -module-name CTHarness -I "$B/Modules" \
  -Xcc -fmodule-map-file=Sources/CSecp256k1/module.modulemap \
  -Xcc -fmodule-map-file=Sources/CGMP/module.modulemap \
  -Xcc -fmodule-map-file=Sources/CSodium/module.modulemap \
  scripts/ct-valgrind/main.swift "$B"/Secp256k1.build/*.o "$B"/BigNum.build/*.o "$B"/Hashing.build/*.o \
  -lsecp256k1 -lgmp -lsodium -o "$OUT/ct-harness"
valgrind --tool=memcheck --error-limit=no --track-origins=yes "$OUT/ct-harness" 2>&1 \
  | grep -E "${CT_GREP:-^=== |Conditional jump|Use of uninitialised value|ERROR SUMMARY}"
