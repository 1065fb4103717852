// Valgrind memcheck client requests for the constant-time harness (main.swift): mark a secret's
// bytes undefined, so every branch or address computed from them is reported. Outside valgrind
// the requests are no-ops.
#include <stddef.h>
#include <valgrind/memcheck.h>

void ct_secret(void *p, size_t n) { VALGRIND_MAKE_MEM_UNDEFINED(p, n); }
void ct_public(void *p, size_t n) { VALGRIND_MAKE_MEM_DEFINED(p, n); }

/* A BigInt's sign lives in GMP's size field (_mp_size = ±limb count, |count| < 2^24), which BigNum
   declares defined whenever it builds a value (sizes are public by its convention). The sign of a
   masked response is secret, so the harness marks the field's top byte (little-endian: byte 3,
   0x00 or 0xFF, exactly the sign) undefined again: a branch on the sign is then reported, while
   BigNum's limb count, computed without a branch and declared defined, is not. */
void ct_secret_sign(void *size_field) { VALGRIND_MAKE_MEM_UNDEFINED((char *)size_field + 3, 1); }
