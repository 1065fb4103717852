#!/bin/sh
# Builds the constant-time harness against the release objects and runs it under memcheck
# (`make ct` does both). Each phase of main.swift announces how many memcheck reports it expects
# ("[reports: N]"); the run fails unless every phase shows exactly that many. Suppressions, each
# with its reason: scripts/ct-valgrind/public-sizes.supp.
# Usage (from the repository root, after `make ct`'s two builds into .build-ct with
# -Xcc -DBIGNUM_CT_VALGRIND, which makes BigNum declare each BigInt's size and sign defined):
#   sh scripts/ct-valgrind/run.sh                     # must pass
#   sh scripts/ct-valgrind/run.sh --negative-control  # adds a secret routed to powerVariableTime: must fail
set -eu
B=${CT_BUILD:-.build-ct/release}
OUT=${CT_OUT:-$(mktemp -d)}
cc -O2 -c scripts/ct-valgrind/client.c -o "$OUT/client.o"
# The package name SwiftPM gives the root package (its folder's name, lower-cased), so the harness
# reaches the package-internal owner CRT powers the provers use.
PACKAGE=$(basename "$PWD" | tr 'A-Z' 'a-z')
swiftc -O -module-name CTHarness -package-name "$PACKAGE" -I "$B/Modules" \
  -Xcc -fmodule-map-file=Sources/CSecp256k1/module.modulemap \
  -Xcc -fmodule-map-file=Sources/CGMP/module.modulemap \
  -Xcc -fmodule-map-file=Sources/CSodium/module.modulemap \
  scripts/ct-valgrind/main.swift "$OUT/client.o" "$B"/Secp256k1.build/*.o "$B"/BigNum.build/*.o \
  "$B"/Hashing.build/*.o "$B"/Paillier.build/*.o "$B"/Bytes.build/*.o \
  -lsecp256k1 -lgmp -lsodium -o "$OUT/ct-harness"
valgrind --tool=memcheck --error-limit=no --track-origins=yes --num-callers=50 ${CT_VALGRIND_ARGS:-} \
  --suppressions=scripts/ct-valgrind/public-sizes.supp "$OUT/ct-harness" "$@" > "$OUT/log" 2>&1 || true
# A harness that trapped stops logging: without its last phase, nothing after it was checked.
grep -q '^=== done' "$OUT/log" || { tail -20 "$OUT/log"; echo "FAIL: the harness did not reach its last phase"; exit 1; }
grep -E "${CT_GREP:-^=== |Conditional jump|Use of uninitialised value|ERROR SUMMARY}" "$OUT/log"
awk '
  /^=== / { if (name != "") check(); name = $0; count = 0;
            match($0, /\[reports: [^]]*\]/); expected = substr($0, RSTART + 10, RLENGTH - 11); next }
  /Conditional jump|Use of uninitialised value/ { count++ }
  function check() { if (expected != "any" && count != expected + 0) { print "FAIL: " name ": " count " report(s)"; bad = 1 } }
  END { if (name != "") check(); if (bad) exit 1; print "ct: every phase shows its expected reports" }
' "$OUT/log"
