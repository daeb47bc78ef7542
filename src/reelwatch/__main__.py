"""`python -m reelwatch` is the same as the `reelwatch` command."""

import sys

from reelwatch.cli import main

sys.exit(main())
