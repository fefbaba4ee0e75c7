# posthorn: `make demo` to try it, `make test` to check everything.
# Every test that opens a peer connection or starts a relay runs inside a fresh
# network namespace with only `lo` (scripts/in-netns); dependencies are fetched
# before entering it.

GO        ?= go
TESTFLAGS ?= -race -count=1 -timeout 30m
DEMO_ADDR ?= 127.0.0.1:8080

.PHONY: test deps vet unit wasm dist demo bench bench-browser bench-relay fuzz

test: deps vet wasm
	scripts/in-netns $(GO) test $(TESTFLAGS) ./...
	scripts/test-wasm-node
	scripts/test-wasm-mqtt

deps:
	scripts/deps

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./...

# Unit tests only: everything that needs no network namespace.
unit:
	$(GO) test -count=1 ./...

wasm:
	scripts/build-wasm

dist: wasm
	cd dist && npm pack --dry-run

demo: wasm
	$(GO) run ./cmd/posthorn-demo -addr $(DEMO_ADDR)

bench:
	scripts/in-netns $(GO) test -run '^$$' -bench . -benchmem ./...

# posthorn's wasm build against real trystero@0.18.0 in headless Chromium:
# start, join, ping, 32 MiB transfers, CPU and memory, then the same kinds of
# measurement over a bare data channel with no library, JS pages against a
# minimal Go wasm program (the floor); see docs/benchmarks.md.
# Arguments through BENCH_ARGS, e.g. make bench-browser BENCH_ARGS='-rounds 3';
# BROWSER=firefox runs the table in Firefox ESR.
BROWSER ?= chromium
bench-browser: wasm
	POSTHORN_BROWSER=$(BROWSER) scripts/bench-browser $(BENCH_ARGS)

# posthorn-relay under 2,000 peers in 500 rooms per service plus attacks;
# see docs/benchmarks.md. Not a test: it reports, it does not assert.
bench-relay:
	scripts/bench-relay

# Every fuzz target, FUZZTIME (45s) each, in the network namespace; see
# scripts/fuzz. About 11 minutes on two cores.
fuzz:
	scripts/fuzz
