# The two commands of the README:
#   make demo   installs what is missing, builds, compiles the bundled example and runs it
#   make test   builds and runs the whole test suite (lit + FileCheck + GoogleTest + e2e)
BUILD ?= build
CMAKE_FLAGS ?=

.PHONY: all deps configure build demo test clean

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
