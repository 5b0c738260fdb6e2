# The two commands of the README:
#   make demo   installs what is missing, builds, compiles the bundled example and runs it
#   make test   builds and runs the whole test suite (lit + FileCheck + GoogleTest + e2e)
BUILD ?= build
CMAKE_FLAGS ?=

.PHONY: all deps configure build demo test bench bench-models bench-sequence clean

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

# Whole MobileNetV2 and ResNet50 against ONNX Runtime (npm onnxruntime-node, installed into
# bench/.cache) and PyTorch: bench/results/models.{json,md,png}. TUNE_BUDGET_TOTAL=S also
# times kconv tuned with that whole-model budget; THREADS_MAX=N more threads.
bench-models: build
	KCONV_BENCH_DEPS=1 ./scripts/install-deps.sh
	/usr/bin/python3 bench/run_models.py --kconvc $(BUILD)/bin/kconvc \
	  --tune-budget-total $${TUNE_BUDGET_TOTAL:-0} --threads-max $${THREADS_MAX:-2}

# LSTM, MultiHeadAttention and a ViT-Base encoder block against PyTorch and oneDNN's LSTM
# (bench/results/sequence.*), and Conv1D and Conv3D against oneDNN and PyTorch
# (bench/results/conv_nd.*). ROUNDS=N rounds at least; TUNE_BUDGET=S kconv's tuning per
# case and thread count for the convolutions (the sequence cases: TUNE_BUDGET_SEQUENCE).
bench-sequence: build
	KCONV_BENCH_DEPS=1 ./scripts/install-deps.sh
	/usr/bin/python3 bench/run_sequence.py --kconvc $(BUILD)/bin/kconvc \
	  --tune-budget $${TUNE_BUDGET_SEQUENCE:-0} $${ROUNDS:+--rounds $$ROUNDS}
	/usr/bin/python3 bench/run_conv_nd.py --kconvc $(BUILD)/bin/kconvc \
	  --tune-budget $${TUNE_BUDGET:-20} $${ROUNDS:+--rounds $$ROUNDS}
