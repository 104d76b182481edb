import sys

from paramlint.cli import main

sys.exit(main())
