# kconv_add_model(<target> MODEL <file> [WEIGHTS <file>] [TUNE_BUDGET <seconds>]
#                 [TUNE_CANDIDATES <n>] [TUNE_BUDGET_TOTAL <seconds>]
#                 [TUNING_DB <file>] [NAME <c identifier>] [TARGET <halide target>])
#
# Compiles a Keras model (Keras 2 JSON + WEIGHTS, Keras 2 .h5, or Keras 3 .keras)
# with kconvc during the build into a static library target <target>, linkable with
# target_link_libraries(). Its header <NAME>.h (NAME defaults to <target> made a C
# identifier: my-model -> my_model; a NAME given must be one) declares
# `kconv_status <NAME>_run(kconv_tensor *in0, ..., kconv_tensor *out0, ...)` and
# `<NAME>_model` (the inputs' and outputs' names, shapes and layouts). With
# TUNE_BUDGET (seconds per layer), TUNE_CANDIDATES (candidates per layer) or
# TUNE_BUDGET_TOTAL (seconds for the model) the schedules are autotuned (TUNING_DB
# keeps them across builds).
# Needs the targets kconv::kconvc and kconv::runtime (find_package(kconv) or the
# kconv build tree).
function(kconv_add_model target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "MODEL;WEIGHTS;TUNE_BUDGET;TUNE_CANDIDATES;TUNE_BUDGET_TOTAL;TUNING_DB;NAME;TARGET" "")
  if(NOT ARG_MODEL)
    message(FATAL_ERROR "kconv_add_model(${target}): MODEL is required")
  endif()
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "kconv_add_model(${target}): unknown arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT ARG_NAME)
    string(MAKE_C_IDENTIFIER "${target}" ARG_NAME) # kconvc accepts C identifiers only
  endif()
  get_filename_component(model "${ARG_MODEL}" ABSOLUTE)
  set(dir "${CMAKE_CURRENT_BINARY_DIR}/kconv_${target}")
  set(library "${dir}/${ARG_NAME}.a")
  set(header "${dir}/${ARG_NAME}.h")
  set(args "${model}" --emit=lib --name=${ARG_NAME} -o "${library}")
  set(depends "${model}")
  if(ARG_WEIGHTS)
    get_filename_component(weights "${ARG_WEIGHTS}" ABSOLUTE)
    list(APPEND args --weights "${weights}")
    list(APPEND depends "${weights}")
  endif()
  if(ARG_TUNE_BUDGET)
    list(APPEND args --tune-budget=${ARG_TUNE_BUDGET})
  endif()
  if(ARG_TUNE_CANDIDATES)
    list(APPEND args --tune-candidates=${ARG_TUNE_CANDIDATES})
  endif()
  if(ARG_TUNE_BUDGET_TOTAL)
    list(APPEND args --tune-budget-total=${ARG_TUNE_BUDGET_TOTAL})
  endif()
  if(ARG_TUNING_DB)
    list(APPEND args --tuning-db "${ARG_TUNING_DB}")
  endif()
  if(ARG_TARGET)
    list(APPEND args --target=${ARG_TARGET})
  endif()
  file(MAKE_DIRECTORY "${dir}")
  add_custom_command(
    OUTPUT "${library}" "${header}"
    COMMAND kconv::kconvc ${args}
    DEPENDS ${depends} kconv::kconvc
    COMMENT "kconv: compiling ${ARG_MODEL}"
    VERBATIM)
  add_custom_target(${target}_kconvc DEPENDS "${library}" "${header}")
  find_package(Threads REQUIRED)
  add_library(${target} STATIC IMPORTED GLOBAL)
  set_target_properties(${target} PROPERTIES
    IMPORTED_LOCATION "${library}"
    INTERFACE_INCLUDE_DIRECTORIES "${dir}"
    INTERFACE_LINK_LIBRARIES "kconv::runtime;Threads::Threads;${CMAKE_DL_LIBS};m")
  add_dependencies(${target} ${target}_kconvc)
endfunction()
