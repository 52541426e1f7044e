# evidencepack build, demo and test targets.
GO        ?= go
BIN       := bin/evidencepack
DEMO_FROM := 2026-07-01
DEMO_TO   := 2026-09-30
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: build demo test lint clean dictionary bench

build:
	$(GO) build -o $(BIN) ./cmd/evidencepack

# demo builds the binary, writes the demo inputs and runs one quarter.
demo: build
	$(BIN) demo-data --out out/demo-input
	$(BIN) run --config config/demo.yaml --from $(DEMO_FROM) --to $(DEMO_TO)

# test runs the whole suite; tests that read ../shared/realdata skip with
# a message when that folder is absent.
# dictionary regenerates docs/data-dictionary.md from the SQL files; a test
# fails while the committed file is out of date.
dictionary:
	$(GO) generate ./sql

# contracts regenerates docs/contracts/<table>.v1.json from the Arrow fact
# schemas; a test fails while a committed file is out of date.
.PHONY: contracts
contracts:
	$(GO) run ./jobs/checks/cmd/gencontracts -o docs/contracts

test:
	$(GO) test -count=1 -timeout 20m ./...
	$(GO) test -count=1 -run '^$$' -bench . -benchtime 1x ./transforms/...

# bench generates large inputs under out/bench, runs the extract and write
# path and DuckDB's conversion of each source kind in child processes,
# times a nightly run on a year of history, and rewrites the results in
# docs/benchmarks.md. BENCH_ROWS sets the row counts of each case, and
# BENCH_CASES the cases, such as usage-csv,labels@1000000 (labels at one
# row count only).
BENCH_ROWS ?= 1000000,5000000
BENCH_CASES ?=
bench: build
	$(GO) build -o bin/evidencepack-bench ./cmd/evidencepack-bench
	BENCH_ROWS=$(BENCH_ROWS) BENCH_CASES=$(BENCH_CASES) bin/evidencepack-bench -bin $(BIN)

# fuzz runs each extract reader's fuzz target for FUZZTIME, one after the
# other. Inputs that fail are saved under jobs/extract/testdata/fuzz.
# FUZZMINIMIZETIME caps how long each new input is minimized, because with
# Go's default of 60s the fuzzers spent most of a run minimizing.
FUZZTIME ?= 10s
FUZZMINIMIZETIME ?= 1s
FUZZ_TARGETS := FuzzFOCUSCSV FuzzFOCUSParquet FuzzSegment FuzzLabelStudio FuzzPagerDuty FuzzCSV FuzzJSONL FuzzJSONTape FuzzJSONSplit FuzzPagerDutyTape FuzzLabelStudioTape FuzzCSVParser FuzzFastParse

.PHONY: fuzz
fuzz:
	@for target in $(FUZZ_TARGETS); do \
		echo "fuzz $$target for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) ./jobs/extract || exit 1; \
	done

lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

clean:
	rm -rf bin out
