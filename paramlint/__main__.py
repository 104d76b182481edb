import sys

from paramlint.cli import entry

sys.exit(entry())
