# papaours — build, run, test and ship. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PREFIX ?= /usr/local
DESTDIR ?=
SWIFT ?= swift
RUN_DIR := $(CURDIR)/run
# Debian packages the build, the tests and `make run` need.
DEPS := pkg-config liblmdb-dev libsodium-dev libpq-dev mandoc socat lmdb-utils python3 procps
BENCH_DEPS := redis-server postgresql

.PHONY: help deps gate-deps build release run test lint bench install uninstall clean fuzz stress sanitize deb test-packaging

help:
	@echo "make run        install what is missing, build, start papaoursd in the foreground on ./run/"
	@echo "make test       install what is missing, build, run every test"
	@echo "make build      debug build        make release   release build"
	@echo "make lint       man page lint      make bench     benchmarks (see BENCHMARKS.md)"
	@echo "make install    PREFIX=$(PREFIX) DESTDIR=    make uninstall"
	@echo "make deb        dist/papaours_<version>_amd64.deb (the recommended way to install on a host)"
	@echo "make fuzz       libFuzzer run (FUZZ_SECONDS=300)   make stress   20 SIGKILLs, longer fuzz"
	@echo "make gate-deps  nginx, caddy, systemd, postgresql for the tests (their services not started)"

# Installs only the Debian packages that are missing; silent when nothing is.
deps:
	@missing=""; for p in $(DEPS) $(EXTRA_DEPS); do \
	  dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" -ne 0 ]; then echo "run as root, or install:$$missing" >&2; exit 1; fi; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# nginx and Caddy for tests/http-gate.sh (systemd-socket-activate for the gate's activation test),
# and PostgreSQL for the fleet's tests (they run a throwaway cluster of their own with initdb and
# pg_ctl, never the distribution's), installed without starting the distribution's own services (a policy-rc.d that refuses during
# the install; one already there is put back after).
GATE_DEPS := nginx caddy systemd postgresql
gate-deps:
	@missing=""; for p in $(GATE_DEPS); do \
	  dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" -ne 0 ]; then echo "run as root, or install:$$missing" >&2; exit 1; fi; \
	  policy=/usr/sbin/policy-rc.d; saved=""; \
	  if [ -e $$policy ]; then saved=$$policy.papaours-saved; mv $$policy $$saved; fi; \
	  printf '#!/bin/sh\nexit 101\n' > $$policy; chmod 0755 $$policy; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; st=$$?; \
	  rm -f $$policy; if [ -n "$$saved" ]; then mv $$saved $$policy; fi; exit $$st; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# A daemon on ./run/papaoursd.sock with its database in ./run/db, granting the invoking user everything.
run: build
	@mkdir -p "$(RUN_DIR)"
	@user="$${SUDO_USER:-$$(id -un)}"; \
	if [ ! -f "$(RUN_DIR)/papaoursd.conf" ]; then \
	  { echo "# Written by 'make run': a local daemon for trying papaours out."; \
	    echo "socket \"$(RUN_DIR)/papaoursd.sock\""; \
	    echo "socket-mode 0666"; \
	    echo "database \"$(RUN_DIR)/db\""; \
	    echo "grant user $$user all"; } > "$(RUN_DIR)/papaoursd.conf"; \
	fi
	@echo
	@echo "papaoursd is starting on $(RUN_DIR)/papaoursd.sock (database $(RUN_DIR)/db). In another shell:"
	@echo "  export PAPAOURS_SOCKET=$(RUN_DIR)/papaoursd.sock"
	@echo "  $$($(SWIFT) build --show-bin-path)/papaoursctl status"
	@echo "  $$($(SWIFT) build --show-bin-path)/papaoursctl machine create web --organization Acme --role api"
	@echo "  socat - UNIX-CONNECT:$(RUN_DIR)/papaoursd.sock     (then type HELLO, PING, MACHINE LIST…)"
	@echo "Stop it with Ctrl-C."
	@echo
	@exec "$$($(SWIFT) build --show-bin-path)/papaoursd" --config "$(RUN_DIR)/papaoursd.conf"

test: deps gate-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	@$(MAKE) --no-print-directory lint
	@echo "== tests/http-gate.sh"; bash tests/http-gate.sh
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=15
	@$(MAKE) --no-print-directory test-packaging

# Units (systemd-analyze verify, security exposure ≤ 1.0), install tree, socket activation,
# sd_notify, and the .deb installed and removed (needs root).
test-packaging: release
	@st=0; for t in systemd-units install-tree socket-activation notify deb; do \
	  echo "== tests/$$t.sh"; bash tests/$$t.sh || st=1; done; exit $$st

# dist/papaours_<version>_amd64.deb (Swift runtime linked in statically).
deb: deps
	bash packaging/deb.sh

# libFuzzer over the tokenizer, request parser, reply parser and secret check (ASan on).
FUZZ_SECONDS ?= 300
fuzz:
	@bash Fuzz/run.sh $(FUZZ_SECONDS)

# The whole suite under AddressSanitizer, then ThreadSanitizer (daemons started by the tests are
# sanitized too). Leak detection is off: LeakSanitizer reports the Swift runtime's and XCTest's
# allocations still held at exit(), not leaks of ours.
sanitize: deps
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 $(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan

# The long forms: 20 SIGKILLs under concurrent writers, and a longer fuzz run.
stress: deps
	$(SWIFT) build --build-tests
	PAPAOURS_CRASH_KILLS=20 $(SWIFT) test --skip-build --filter "CrashTests|ReliabilityTests"
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=600

lint:
	@bash tests/man-lint.sh

bench: EXTRA_DEPS = $(BENCH_DEPS)
bench: deps
	$(SWIFT) build -c release
	"$$($(SWIFT) build -c release --show-bin-path)/papaours-bench" $(BENCH_ARGS)

install:
	bash packaging/install.sh install "$(DESTDIR)" "$(PREFIX)"

uninstall:
	bash packaging/install.sh uninstall "$(DESTDIR)" "$(PREFIX)"

clean:
	rm -rf .build run
