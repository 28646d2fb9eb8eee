"""The ``azad`` command line: :mod:`azad.cli.main` (the app, error handling),
:mod:`~azad.cli.articles`, :mod:`~azad.cli.models`, :mod:`~azad.cli.flows`,
:mod:`~azad.cli.publish` and :mod:`~azad.cli.review` (one module per command group)."""

from azad.cli.main import app, main, run

__all__ = ["app", "main", "run"]
