# -*- Python -*-
# GoogleTest unit tests, run by lit alongside the FileCheck tests.
import os

import lit.formats

config.name = "kconv-unit"
config.suffixes = []
config.test_source_root = config.unit_test_dir
config.test_exec_root = config.unit_test_dir
config.test_format = lit.formats.GoogleTest(".", "Tests")
