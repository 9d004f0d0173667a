"""Drawing computation graphs built with ``autograd``: being built, see the issues."""
