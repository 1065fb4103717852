#!/usr/bin/env bash
# Applies BigNum's variable-time renames (docs/api-documentation.md, "Variable-time naming") to
# the call sites outside BigNum: constant time unless the name says variable time.
#
#   BigInt.power(_:modulo:)          (mpz_powm, variable time)  -> powerVariableTime(_:modulo:)
#   BigInt.powerSecret(_:modulo:)    (mpz_powm_sec, constant)   -> power(_:modulo:)
#   BigInt.inverse(modulo:)          (mpz_invert)               -> inverseVariableTime(modulo:)
#   BigInt.gcd(_:) / lcm(_:)         (mpz_gcd / mpz_lcm)        -> gcdVariableTime(_:) / lcmVariableTime(_:)
#   BigInt.jacobi(_:)                (mpz_jacobi)               -> jacobiVariableTime(_:)
#   BigInt.isProbablePrime(...)      (mpz_probab_prime_p, MR)   -> isProbablePrimeVariableTime(...)
#   BigInt.passesMillerRabin(...)                               -> passesMillerRabinVariableTime(...)
#
# Usage: scripts/rename-variable-time.sh [--force] [PATH ...]
#   PATHs default to Sources Tests Benchmarks Fuzz docs README.md (relative to the repository
#   root). Sources/BigNum, Tests/BigNumTests and Tests/Secp256k1Tests are always skipped: they
#   were converted by hand in the commit that renamed the API.
#
# ORDER MATTERS: `.power(` -> `.powerVariableTime(` runs before `powerSecret` -> `power`, in one
# sed invocation per file, so a former powerSecret call is never turned into a variable-time one.
# For the same reason the script is not idempotent for `power`: it refuses to run when a file in
# scope already says `powerVariableTime` (that is, when it has already been applied), unless
# --force is given.
set -euo pipefail

cd "$(dirname "$0")/.."

force=0
if [[ "${1:-}" == "--force" ]]; then force=1; shift; fi
paths=("$@")
if [[ ${#paths[@]} -eq 0 ]]; then paths=(Sources Tests Benchmarks Fuzz docs README.md); fi

existing=()
for p in "${paths[@]}"; do [[ -e "$p" ]] && existing+=("$p"); done
if [[ ${#existing[@]} -eq 0 ]]; then echo "rename-variable-time: no paths to scan" >&2; exit 1; fi

mapfile -t files < <(
  find "${existing[@]}" -type f \( -name '*.swift' -o -name '*.md' \) \
    -not -path 'Sources/BigNum/*' -not -path 'Tests/BigNumTests/*' -not -path 'Tests/Secp256k1Tests/*' \
    -not -path '*/.build/*' -not -path '*.docc/*' | sort)

if [[ $force -eq 0 ]]; then
  if applied=$(grep -l 'powerVariableTime' "${files[@]}" 2>/dev/null); then
    echo "rename-variable-time: already applied? these files say powerVariableTime:" >&2
    echo "$applied" >&2
    echo "(re-running would turn the constant-time power into powerVariableTime; use --force only if you know)" >&2
    exit 1
  fi
fi

# Word-boundary-safe patterns (GNU sed -E; \b is a word boundary). Each line is one rule.
rules=(
  # 1. variable-time power first: a call `.power(`, a symbol `power(_:modulo:)` / `/power(`,
  #    a bare call `power(` at a word start (but not powerOfTwo, powerSecret, powerVariableTime),
  #    and the prose name `BigInt.power`.
  's/(^|[^A-Za-z0-9_])power\(/\1powerVariableTime(/g'
  's/\bBigInt\.power\b([^A-Za-z0-9_(]|$)/BigInt.powerVariableTime\1/g'
  #    and prose in code voice: `power` meant the variable-time one.
  's/`power`/`powerVariableTime`/g'
  # 2. then the constant-time power takes the short name.
  's/\bpowerSecret\b/power/g'
  # 3. the other variable-time operations (calls and symbol references).
  's/(^|[^A-Za-z0-9_])inverse\(modulo:/\1inverseVariableTime(modulo:/g'
  's/\.gcd\(/.gcdVariableTime(/g'
  's/\bgcd\(_:\)/gcdVariableTime(_:)/g'
  's/\.lcm\(/.lcmVariableTime(/g'
  's/\blcm\(_:\)/lcmVariableTime(_:)/g'
  's/\.jacobi\(/.jacobiVariableTime(/g'
  's/\bjacobi\(_:\)/jacobiVariableTime(_:)/g'
  's/\bisProbablePrime\b/isProbablePrimeVariableTime/g'
  's/\bpassesMillerRabin\b/passesMillerRabinVariableTime/g'
  's/`(inverse|gcd|lcm|jacobi)`/`\1VariableTime`/g'
)
script=""
for r in "${rules[@]}"; do
  [[ "$r" == \#* ]] && continue
  script+="$r"$'\n'
done

changed=0
for f in "${files[@]}"; do
  before=$(md5sum < "$f")
  sed -E -i "$script" "$f"
  if [[ "$(md5sum < "$f")" != "$before" ]]; then
    changed=$((changed + 1))
    echo "renamed: $f"
  fi
done
echo "rename-variable-time: $changed file(s) changed"

# What a human should look at: `power` in code voice now means the constant-time one; check
# that the sentence around it says so.
leftovers=$(grep -nE '\bpowerSecret\b|`power`' "${files[@]}" 2>/dev/null || true)
if [[ -n "$leftovers" ]]; then
  echo "rename-variable-time: review these mentions by hand:"
  echo "$leftovers"
fi
