#include <stddef.h>
#include <gmp.h>

// Constant-time checking (`make ct`, docs/security.md): built with -DBIGNUM_CT_VALGRIND, BigNum
// tells valgrind memcheck that a BigInt's header (its size and sign, public by BigNum's
// convention) is defined, so a secret's limbs are tracked without every later size test being
// reported. In every other build this is an empty inline function.
#if defined(BIGNUM_CT_VALGRIND) && __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
static inline void bignum_declassify(const void *p, size_t n) { (void)VALGRIND_MAKE_MEM_DEFINED(p, n); }
#else
static inline void bignum_declassify(const void *p, size_t n) { (void)p; (void)n; }
#endif

// An optimisation barrier for masks derived from secrets: the compiler cannot see through it, so
// it cannot turn mask arithmetic back into branches (it rewrote `negative & (invertible ^ 1) == 0`
// into two conditional jumps, the first on the sign; `make ct` caught it). Costs nothing.
static inline mp_limb_t bignum_barrier(mp_limb_t x) {
#if defined(__GNUC__) || defined(__clang__)
    __asm__ volatile("" : "+r"(x));
#endif
    return x;
}
