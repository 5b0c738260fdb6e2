# Finds the Debian bookworm packages kconv builds against (see scripts/install-deps.sh).

find_package(MLIR 19.1 REQUIRED CONFIG HINTS /usr/lib/llvm-19/lib/cmake/mlir)
message(STATUS "Using MLIR ${MLIR_DIR}, LLVM ${LLVM_PACKAGE_VERSION}")

set(LLVM_RUNTIME_OUTPUT_INTDIR ${CMAKE_BINARY_DIR}/bin)
set(LLVM_LIBRARY_OUTPUT_INTDIR ${CMAKE_BINARY_DIR}/lib)
set(MLIR_BINARY_DIR ${CMAKE_BINARY_DIR})
list(APPEND CMAKE_MODULE_PATH "${MLIR_CMAKE_DIR}" "${LLVM_CMAKE_DIR}")
include(TableGen)
include(AddLLVM)
include(AddMLIR)
include(HandleLLVMOptions)
separate_arguments(KCONV_LLVM_DEFINITIONS NATIVE_COMMAND ${LLVM_DEFINITIONS})
add_definitions(${KCONV_LLVM_DEFINITIONS})
include_directories(SYSTEM ${LLVM_INCLUDE_DIRS} ${MLIR_INCLUDE_DIRS})

set(LLVM_EXTERNAL_LIT /usr/lib/llvm-19/build/utils/lit/lit.py CACHE STRING "lit.py")
set(KCONV_LLVM_TOOLS_DIR /usr/lib/llvm-19/bin)

# Halide 14, imported by hand: find_package(Halide) would repoint LLVM_DIR to LLVM 14.
find_library(KCONV_HALIDE_LIB NAMES Halide14 libHalide14.so.0 REQUIRED)
find_path(KCONV_HALIDE_INCLUDE Halide.h PATHS /usr/include/halide14 REQUIRED NO_DEFAULT_PATH)
add_library(kconv_halide SHARED IMPORTED GLOBAL)
set_target_properties(kconv_halide PROPERTIES
  IMPORTED_LOCATION ${KCONV_HALIDE_LIB}
  INTERFACE_INCLUDE_DIRECTORIES ${KCONV_HALIDE_INCLUDE}
  INTERFACE_COMPILE_DEFINITIONS "HALIDE_ENABLE_RTTI;HALIDE_WITH_EXCEPTIONS")
# Halide's version, for kconvc --version (Halide 14's headers do not define it).
get_filename_component(_kconv_halide_libdir ${KCONV_HALIDE_LIB} DIRECTORY)
set(_kconv_halide_version_file ${_kconv_halide_libdir}/cmake/Halide14/HalideConfigVersion.cmake)
if(EXISTS ${_kconv_halide_version_file})
  file(STRINGS ${_kconv_halide_version_file} _kconv_halide_version
       REGEX "^set\\(PACKAGE_VERSION \"[0-9.]+\"\\)")
  string(REGEX MATCH "[0-9]+\\.[0-9.]+" KCONV_HALIDE_VERSION "${_kconv_halide_version}")
endif()
if(NOT KCONV_HALIDE_VERSION)
  set(KCONV_HALIDE_VERSION "14")
endif()
# Header-only view of the Halide runtime ABI (halide_buffer_t) for the C runtime.
add_library(kconv_halide_runtime_headers INTERFACE)
target_include_directories(kconv_halide_runtime_headers INTERFACE ${KCONV_HALIDE_INCLUDE})

find_package(nlohmann_json 3 REQUIRED)
find_package(HDF5 REQUIRED COMPONENTS C HL)
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip)
find_package(GTest REQUIRED)
find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(KCONV_PYTHON /usr/bin/python3 CACHE FILEPATH "Python with numpy and h5py (Debian's)")

# Binaries that load both libLLVM-19 (MLIR) and libLLVM-14 (Halide) must export no LLVM symbols.
function(kconv_isolate_llvm_symbols target)
  target_compile_options(${target} PRIVATE -fvisibility=hidden -fvisibility-inlines-hidden)
  target_link_options(${target} PRIVATE -Wl,--exclude-libs,ALL)
endfunction()
