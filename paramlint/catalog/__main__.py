"""``python -m paramlint.catalog``: print the supported layers per framework (markdown)."""

from __future__ import annotations

import sys
from typing import Optional, Sequence


def main(argv: Optional[Sequence[str]] = None) -> int:
    from paramlint.catalog.listing import markdown

    sys.stdout.write(markdown())
    return 0


if __name__ == "__main__":
    sys.exit(main())
