# tf2onnx (Go). `make demo` converts the bundled CTPN model; `make test` runs
# every test (Go unit tests and the Python parity suite against TensorFlow and
# onnxruntime). Python tools live in .venv, made from requirements.txt.

GO      ?= go
PYTHON  ?= python3
VENV    := .venv
VPY     := $(VENV)/bin/python
BIN     := bin/tf2onnx
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

.PHONY: all build test gotest parity parity-large costcheck vet bench demo generate venv clean fuzz

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-s -w -X main.version=$(VERSION)" -o $(BIN) ./cmd/tf2onnx

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet -r requirements.txt
	touch $@

venv: $(VENV)/.installed

vet:
	$(GO) vet ./...

# Packages with shared state or goroutines (the op table, the file mapping,
# concurrent conversions) also run under the race detector.
RACE_PKGS ?= ./convert ./opmap ./frozen ./tflite

gotest:
	$(GO) test -count=1 ./...
	$(GO) test -race -count=1 $(RACE_PKGS)

# Fuzz each target for FUZZTIME, one worker each (the machine is shared).
# Crashers land in <package>/testdata/fuzz/<target>/: commit them as
# regression seeds (plain go test replays them) with the fix.
# Minimizing each new input for the default 60 s stalls a worker on the
# 64 KB seeds; a bounded number of tries keeps it fuzzing.
FUZZTIME ?= 60s
FUZZMIN ?= 100x
FUZZ_TARGETS ?= ./frozen:FuzzParseExtract ./convert:FuzzConvert ./onnxio:FuzzReadModel ./cost:FuzzCost

fuzz:
	@for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; name=$${t##*:}; \
	  echo "== $$name in $$pkg for $(FUZZTIME)"; \
	  $(GO) test $$pkg -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMIN) -parallel 1 || exit 1; \
	done

parity: build venv
	$(VPY) tests/parity/run.py

# The SavedModel case over 2 GB (external data): several GB written and read,
# a few minutes; kept out of the default parity run.
parity-large: build venv
	TF2ONNX_PARITY_LARGE=1 $(VPY) tests/parity/run.py -k savedmodel_large --opsets 17

# The cost pass against TensorFlow's profiler on three Keras applications.
costcheck: build venv
	$(VPY) -m pytest tests/cost -q

test: vet gotest parity costcheck

demo: build
	mkdir -p build
	$(BIN) --graphdef testdata/ctpn/ctpn.pb --inputs Placeholder:0 \
	       --outputs Reshape_2:0,rpn_bbox_pred/Reshape_1:0 --output build/ctpn.onnx --cost --shape Placeholder:0=1x600x600x3

generate:
	cd internal/pb && PATH="$$PATH:$$($(GO) env GOPATH)/bin" $(GO) generate .
	$(GO) generate ./tflite
	$(GO) generate ./frozen  # needs .venv (make venv): TF's op registry

# Benchmark vs the Python tf2onnx (bench/README.md). It runs in its own venv,
# .venv-tf2onnx, made from requirements-bench.txt; models go to build/bench/.
BENCH_VENV := .venv-tf2onnx
BENCH_ARGS ?=

$(BENCH_VENV)/.installed: requirements-bench.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -r requirements-bench.txt
	touch $@

.PHONY: bench-venv
bench-venv: $(BENCH_VENV)/.installed

bench: build venv bench-venv
	$(VPY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf bin build
