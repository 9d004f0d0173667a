"""``python -m autograd``: the ``chainrule`` command line."""

import sys

from autograd.cli import main

sys.exit(main())
