"""``python -m casecell``."""

import sys

from casecell.app import main

sys.exit(main())
