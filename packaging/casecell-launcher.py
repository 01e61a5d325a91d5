"""The bundle's entry point: the same ``main`` as the ``casecell`` command of a pip install."""

import sys

from casecell.app import main

if __name__ == "__main__":
    sys.exit(main())
