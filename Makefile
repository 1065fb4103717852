# swift-tss — the two set-up commands: `make demo` and `make test`.
# Each target first installs the missing system libraries (only when pkg-config cannot find them).

SWIFT      ?= swift
APT_PKGS   := libgmp-dev libsecp256k1-dev libsodium-dev libsqlite3-dev pkg-config
DEMO_ARGS  ?= --parties 3 --threshold 2 --params production112

.PHONY: deps build test demo bench vectors clean

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

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

demo: build
	$(SWIFT) run -c release --skip-build tss demo $(DEMO_ARGS)

bench: build
	.build/release/tss bench modexp

clean:
	rm -rf .build
