// Valgrind memcheck client requests for the constant-time harness (main.swift): mark a secret's
// bytes undefined, so every branch or address computed from them is reported. Outside valgrind
// the requests are no-ops.
#include <stddef.h>
#include <valgrind/memcheck.h>

void ct_secret(void *p, size_t n) { VALGRIND_MAKE_MEM_UNDEFINED(p, n); }
void ct_public(void *p, size_t n) { VALGRIND_MAKE_MEM_DEFINED(p, n); }
