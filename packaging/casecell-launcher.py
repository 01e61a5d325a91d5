"""The bundle's entry point: the same ``entry`` as the ``casecell`` command of a pip install."""

from casecell.app import entry

if __name__ == "__main__":
    entry()
