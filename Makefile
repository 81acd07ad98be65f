# The commands the README and CI use.
GO ?= go
# Tests share one private PostgreSQL cluster here (unless DATABASE_URL is set).
export PAMONG_TEST_DATA_DIR ?= /tmp/pamong-test-$(shell id -u)

.PHONY: run test lint build
build:
	$(GO) build -o pamong ./cmd/pamong

# Region codes for registration; the project keeps the reference file
# beside it (../shared), a deployment imports the official one the same way.
WILAYAH ?= ../shared/data/wilayah.csv

# Runs the server on :8080 with the private database in ./.pamong.
run: build
	if [ -f $(WILAYAH) ]; then ./pamong regions import $(WILAYAH); fi
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
