// libFuzzer's driver entry (compiler-rt, LLVM 11+), called from FuzzDecoders' main when built with
// -sanitize=fuzzer: SwiftPM renames an executable's main, so libFuzzer's own main is not used.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
