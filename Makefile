# swift-tss — the two set-up commands: `make demo` and `make test`.
# Each target first installs the missing system libraries (only when pkg-config cannot find them).

SWIFT      ?= swift
APT_PKGS   := libgmp-dev libsecp256k1-dev libsodium-dev libsqlite3-dev pkg-config
DEMO_ARGS  ?= --parties 3 --threshold 2 --params production112
DEMO_NETWORK_ARGS ?= --parties 3 --threshold 2 --params production112

.PHONY: deps build test demo demo-network bench ct vectors clean docs docs-coverage sanitize sanitize-address sanitize-thread fuzz fuzz-build fuzz-merge

deps:
	@missing=""; \
	command -v pkg-config >/dev/null 2>&1 || missing="$$missing pkg-config"; \
	for pc in gmp:libgmp-dev libsecp256k1:libsecp256k1-dev libsodium:libsodium-dev sqlite3:libsqlite3-dev; do \
	  mod=$${pc%%:*}; pkg=$${pc##*:}; \
	  pkg-config --exists $$mod 2>/dev/null || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing pkg-config; \
	fi

build: deps
	$(SWIFT) build -c release --product tss

# Two runs: the suites that drive `tss` processes (CLITests: node networks, demos) poll sockets
# with deadlines, and on 2 cores the CPU-bound suites running beside them starve that polling.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --skip CLITests
	$(SWIFT) test --skip-build --filter CLITests

demo: build
	$(SWIFT) run -c release --skip-build tss demo $(DEMO_ARGS)

# Optional: the demo over real `tss node` processes on loopback (docs/deployment.md, "The demo and benchmark
# over node processes"): DKG and dealer registration through TSSClient, a signature for each,
# a committee member killed mid-signing and restarted. DEMO_NETWORK_ARGS='--params testing' is quick.
demo-network: build
	$(SWIFT) run -c release --skip-build tss demo --network $(DEMO_NETWORK_ARGS)

bench: build
	.build/release/tss bench modexp

# Constant-time check (docs/security.md): the harness scripts/ct-valgrind/main.swift, built against
# the release objects, runs Paillier encryption, decryption, randomness recovery, the provers'
# arithmetic and the scalar conversions on secrets marked undefined, under valgrind memcheck. It
# fails when a phase shows a report it does not expect. `sh scripts/ct-valgrind/run.sh
# --negative-control` adds a secret routed to powerVariableTime and must fail.
ct: deps
	@command -v valgrind >/dev/null 2>&1 || { echo "ct: needs valgrind (apt-get install valgrind)"; exit 1; }
	$(SWIFT) build -c release --scratch-path .build-ct -Xcc -DBIGNUM_CT_VALGRIND --target Paillier
	$(SWIFT) build -c release --scratch-path .build-ct -Xcc -DBIGNUM_CT_VALGRIND --target Secp256k1
	sh scripts/ct-valgrind/run.sh
	@if sh scripts/ct-valgrind/run.sh --negative-control > .build-ct/negative-control.log 2>&1; then \
	  echo "ct: the negative control (a secret routed to powerVariableTime) was NOT caught"; exit 1; \
	else echo "ct: the negative control is caught (log: .build-ct/negative-control.log)"; fi

# Sanitizers: the test suite built and run under AddressSanitizer (with LeakSanitizer), then
# separately under ThreadSanitizer, each in its own scratch path (.build-asan, .build-tsan; the
# normal .build is untouched). SANITIZE_FILTER narrows the run, e.g.
#   make sanitize SANITIZE_FILTER='CGGMPTests|TSSStoreTests'
# Each step prints its time and the number of sanitizer reports in its log
# (.build-asan/sanitize.log, .build-tsan/sanitize.log); any report fails the target. Test
# failures without a report are the test suite's business (`make test` shows them) and are
# counted, not hidden. LeakSanitizer suppressions, each with its reason: Tests/Sanitizers/lsan.supp.
SANITIZE_FILTER ?=
SANITIZE_TEST_ARGS = $(if $(SANITIZE_FILTER),--filter '$(SANITIZE_FILTER)')
SANITIZER_REPORT := ERROR: AddressSanitizer|ERROR: LeakSanitizer|WARNING: ThreadSanitizer|runtime error:

sanitize: sanitize-address sanitize-thread

# $(1) = address|thread, $(2) = scratch path, $(3) = environment for the test run
define run_sanitizer
	@start=$$(date +%s); \
	$(SWIFT) build --build-tests --sanitize=$(1) --scratch-path $(2) || exit 1; \
	echo "sanitize-$(1): build took $$(( $$(date +%s) - start )) s"; start=$$(date +%s); \
	$(3) $(SWIFT) test --skip-build --sanitize=$(1) --scratch-path $(2) $(SANITIZE_TEST_ARGS) > $(2)/sanitize.log 2>&1; rc=$$?; \
	reports=$$(grep -cE '$(SANITIZER_REPORT)' $(2)/sanitize.log); \
	grep -E '✘ Test run|✔ Test run|Executed [0-9]+ tests' $(2)/sanitize.log | tail -2; \
	echo "sanitize-$(1): tests took $$(( $$(date +%s) - start )) s, exit $$rc, $$reports sanitizer report(s) (log: $(2)/sanitize.log)"; \
	[ "$$reports" = 0 ]
endef

sanitize-address: deps
	$(call run_sanitizer,address,.build-asan,ASAN_OPTIONS=$${ASAN_OPTIONS:-halt_on_error=1} LSAN_OPTIONS=$${LSAN_OPTIONS:-suppressions=$(CURDIR)/Tests/Sanitizers/lsan.supp:print_suppressions=0})

sanitize-thread: deps
	$(call run_sanitizer,thread,.build-tsan,TSAN_OPTIONS=$${TSAN_OPTIONS:-halt_on_error=0:second_deadlock_stack=1})

# Fuzzing (docs/fuzzing.md): one libFuzzer executable, FuzzDecoders, built with
# -sanitize=fuzzer,address into .build-fuzz; FUZZ_TARGET picks the decoder. `make fuzz` runs every
# target (a folder of Fuzz/Corpus) for FUZZ_SECONDS each and prints `TARGET: N execs, M crashes`;
# FUZZ_TARGETS='signedMessage proofs' narrows it. `make test` replays Fuzz/Corpus without this build.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=

fuzz-build: deps
	$(SWIFT) build -c release --product FuzzDecoders --scratch-path .build-fuzz \
	  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -enable-testing

fuzz: fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_TARGETS='$(FUZZ_TARGETS)' scripts/fuzz.sh

# Minimises Fuzz/Corpus with what `make fuzz` found (libFuzzer -merge=1; regression-* kept).
fuzz-merge: fuzz-build
	@FUZZ_TARGETS='$(FUZZ_TARGETS)' scripts/fuzz-merge.sh

clean:
	rm -rf .build .build-asan .build-tsan .build-fuzz

# API documentation (docs/api-documentation.md): one DocC archive per library module, built by
# swift-docc-plugin into .build/plugins/Swift-DocC/outputs/<Module>.doccarchive (never committed);
# each module's output is kept in .build/docs-logs/<Module>.log. Fails when DocC reports a symbol
# link it cannot resolve ("'X' doesn't exist at '/Module/...'", "is ambiguous", "couldn't be
# resolved") in any module; other DocC warnings (undocumented parameters of a partly documented
# function) are printed and counted, and fail the target too with DOCS_STRICT=1.
#   make docs DOC_TARGETS='Bytes BigNum'
DOC_TARGETS ?= Bytes BigNum Hashing Secp256k1 Paillier Noise CGGMP TSS TSSStore TSSNode TSSClient
DOCS_STRICT ?= 0
DOCC_UNRESOLVED := doesn't exist at|is ambiguous at|couldn't be resolved|[Uu]nresolved

docs:
	@mkdir -p .build/docs-logs; failed=""; \
	for target in $(DOC_TARGETS); do \
	  log=.build/docs-logs/$$target.log; \
	  if ! $(SWIFT) package --disable-sandbox generate-documentation --target $$target >$$log 2>&1; then \
	    echo "== $$target: generate-documentation failed"; tail -20 $$log; failed="$$failed $$target(build)"; continue; \
	  fi; \
	  unresolved=$$(grep -E "^(warning|error): " $$log | grep -cE "$(DOCC_UNRESOLVED)"); \
	  other=$$(( $$(grep -cE "^(warning|error): " $$log) - unresolved )); \
	  echo "== $$target: $$unresolved unresolved link(s), $$other other DocC warning(s)"; \
	  grep -E "^(warning|error): " $$log | sort | uniq -c | sed 's/^/   /'; \
	  if [ "$$unresolved" -ne 0 ]; then failed="$$failed $$target"; \
	  elif [ "$(DOCS_STRICT)" = 1 ] && [ "$$other" -ne 0 ]; then failed="$$failed $$target"; fi; \
	done; \
	if [ -n "$$failed" ]; then echo "docs: failed for:$$failed (details in .build/docs-logs/)"; exit 1; fi

# The share of public declarations with a doc comment, per module (scripts/doc-coverage.py).
docs-coverage:
	python3 scripts/doc-coverage.py
