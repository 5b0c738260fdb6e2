"""`python3 -m kconv ARGS...` is kconvc ARGS... (the same arguments, output and exit
status), with kconvc found as kconv.compile finds it."""
import os
import sys

from . import KconvError, find_kconvc


def main():
    try:
        tool = find_kconvc()
    except KconvError as e:
        print(f"kconv: error: {e.message}", file=sys.stderr)
        return 1
    try:
        os.execv(tool, [tool] + sys.argv[1:])
    except OSError as e:
        print(f"kconv: error: cannot run kconvc '{tool}': {e.strerror}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
