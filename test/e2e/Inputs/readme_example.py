"""Checks that the C example in README.md's "Calling a compiled model" is the program
the test suite compiles and runs (examples/call_from_c/main.c, after its first comment
line): usage readme_example.py README.md main.c"""
import re
import sys

readme, source = (open(path, encoding="utf-8").read() for path in sys.argv[1:3])
section = readme.split("## Calling a compiled model", 1)[-1]
block = re.search(r"```c\n(.*?)```", section, re.S)
if not block or block.group(1) not in source:
    sys.exit("README.md: the C example of 'Calling a compiled model' is not "
             "examples/call_from_c/main.c")
print("README example: same as main.c")
