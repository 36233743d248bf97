# tf2onnx (Go). `make demo` converts the bundled CTPN model; `make test` runs
# every test (Go unit tests and the Python parity suite against TensorFlow and
# onnxruntime). Python tools live in .venv, made from requirements.txt.

GO      ?= go
PYTHON  ?= python3
VENV    := .venv
VPY     := $(VENV)/bin/python
BIN     := bin/tf2onnx
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

.PHONY: all build test gotest parity costcheck vet bench demo generate venv clean

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

gotest:
	$(GO) test -count=1 ./...

parity: build venv
	$(VPY) tests/parity/run.py

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
