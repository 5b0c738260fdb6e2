# The two commands of the README:
#   make demo   installs what is missing, builds, compiles the bundled example and runs it
#   make test   builds and runs the whole test suite (lit + FileCheck + GoogleTest + e2e)
BUILD ?= build
CMAKE_FLAGS ?=

.PHONY: all deps configure build demo test bench clean

all: build

deps:
	./scripts/install-deps.sh

configure: deps
	@if [ ! -f $(BUILD)/build.ninja ]; then \
	  cmake -G Ninja -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS); fi

build: configure
	cmake --build $(BUILD)

demo: build
	./scripts/demo.sh $(BUILD)

test: build
	./scripts/run-tests.sh $(BUILD)

clean:
	rm -rf $(BUILD)

# The layer and block benchmarks against oneDNN, XNNPACK and PyTorch (installs their
# Debian packages).
bench: build
	KCONV_BENCH_DEPS=1 ./scripts/install-deps.sh
	/usr/bin/python3 bench/run_bench.py --tune-budget $${TUNE_BUDGET:-20}
	/usr/bin/python3 bench/run_blocks.py --tune-budget $${TUNE_BUDGET:-20}
