"""The ``azad`` command line: :mod:`azad.cli.main` (the app, error handling),
:mod:`~azad.cli.articles`, :mod:`~azad.cli.models`, :mod:`~azad.cli.flows`,
:mod:`~azad.cli.publish`, :mod:`~azad.cli.review`, :mod:`~azad.cli.users` and the rest (one
module per command group).

Commands import the services they call inside their functions: every ``azad`` command
starts by importing this whole package, and Prefect, WeasyPrint, CTranslate2 or the review
app's dependencies would cost each of them about a second (a no-op ``azad run`` takes
0.4 s).  Imports inside functions anywhere else in the project carry their own reason."""

from azad.cli.main import app, main, run

__all__ = ["app", "main", "run"]
