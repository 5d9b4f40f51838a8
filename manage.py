#!/usr/bin/env python
"""Same as the ``lindung`` command, for tools that expect a manage.py."""

from lindung.cli import main

if __name__ == "__main__":
    main()
