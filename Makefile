# The commands the README and CI use.
GO ?= go
# Tests share one private PostgreSQL cluster here (unless DATABASE_URL is set).
export PAMONG_TEST_DATA_DIR ?= /tmp/pamong-test-$(shell id -u)

.PHONY: run test lint build soak bench

# A static binary, the same one the Dockerfile builds (its build stage runs
# this target). The region codes are embedded: nothing else is needed.
build:
	CGO_ENABLED=0 $(GO) build -trimpath -o pamong ./cmd/pamong

# Runs the server on :8080 with a private database (PAMONG_DATA_DIR,
# default ./.pamong); it prints where to reach it and how to chat with it.
run: build
	./pamong serve

# Every test, against a real PostgreSQL; the private test cluster is stopped
# afterwards whatever the outcome.
test:
	$(GO) vet ./...
	status=0; $(GO) test -race -count=1 ./... || status=$$?; \
	  if [ -z "$$DATABASE_URL" ]; then PAMONG_DATA_DIR=$(PAMONG_TEST_DATA_DIR) $(GO) run ./cmd/pamong db stop >/dev/null || true; fi; \
	  exit $$status

lint:
	test -z "$$(gofmt -l .)"
	$(GO) vet ./...

# The soak test (not part of test): the real binary under mixed inbound,
# broadcast and admin traffic for SOAK_DURATION, the database restarted
# twice; fails on loss, double sends or growth of RSS, FDs or goroutines.
SOAK_DURATION ?= 30m
soak:
	$(GO) run ./bench soak -duration $(SOAK_DURATION)

# The load test (not part of test): pgbench -N on a private cluster for the
# ceiling, then the real binary under signed inbound webhooks and an
# 80,000-recipient broadcast; prints the figures against the goals of
# issue #13 and fails only on loss, double sends or disorder, never on
# speed. Needs pgbench (Debian: postgresql-client). BENCH_FLAGS, e.g.
# "-instances 2" or "-recipients 5000", are passed on.
BENCH_FLAGS ?=
bench:
	$(GO) run ./bench load $(BENCH_FLAGS)
