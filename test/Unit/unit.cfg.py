# -*- Python -*-
# GoogleTest unit tests, run by lit alongside the FileCheck tests.
import os

import lit.formats

config.name = "kconv-unit"
config.suffixes = []
config.test_source_root = config.unit_test_dir
config.test_exec_root = config.unit_test_dir
config.test_format = lit.formats.GoogleTest(".", "Tests")

# The runtime caps a parallel loop's threads at the cores; the parallel-for tests run
# teams of 3 and 5 threads whatever the machine has.
config.environment["KCONV_OVERSUBSCRIBE"] = "1"
