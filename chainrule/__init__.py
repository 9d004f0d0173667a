"""chainrule's top floor: the ``chainrule`` command line and the worked examples.

The engine (:mod:`autograd`), ``nn`` and ``viz`` never import this package: imports run
downward only. Run ``chainrule --help`` (or ``python -m chainrule --help``).
"""
