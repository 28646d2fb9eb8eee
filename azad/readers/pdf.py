"""Reader for the site's PDFs: poppler's ``pdftotext`` gives the text layer, which is the
text export the :mod:`azad.readers.textexport` parser already reads.

``-layout`` mode is used because it keeps a blank line where the page has vertical space
between paragraphs (the default mode runs paragraphs together) and still writes
right-to-left lines in logical order.
"""

from __future__ import annotations

import resource
import shutil
import subprocess

from azad.errors import AzadError, InputError
from azad.model import Article
from azad.readers.base import ReadOptions, Source
from azad.readers.textexport import parse_text

FORMAT = "pdf"
PDFTOTEXT_TIMEOUT_S = 60
PDFTOTEXT_MAX_BYTES = 1 << 30
"""pdftotext's address space (``RLIMIT_AS``): a site PDF needs tens of MB; a crafted one
(a decompression bomb in a content stream) fails instead of filling memory."""


def _limits() -> None:
    """In the child before exec: memory and CPU-time limits (the wall-clock timeout of
    ``subprocess.run`` stays as the last word)."""
    resource.setrlimit(resource.RLIMIT_AS, (PDFTOTEXT_MAX_BYTES, PDFTOTEXT_MAX_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (PDFTOTEXT_TIMEOUT_S, PDFTOTEXT_TIMEOUT_S))


def read(source: Source, options: ReadOptions) -> Article:
    if not source.data.startswith(b"%PDF-"):
        raise InputError(source.name, "not a PDF file (no %PDF- signature)")
    text = pdf_text(source)
    if not text.strip():
        raise InputError(source.name, "PDF has no text layer (a scan? run OCR first)")
    return parse_text(text, source, options, source_format=FORMAT)


def pdf_text(source: Source) -> str:
    exe = shutil.which("pdftotext")
    if exe is None:
        raise AzadError("pdftotext not found: install poppler-utils (make setup does)")
    try:
        proc = subprocess.run(
            [exe, "-layout", "-enc", "UTF-8", "-", "-"],
            input=source.data,
            capture_output=True,
            timeout=PDFTOTEXT_TIMEOUT_S,
            check=False,
            # Only setrlimit runs between fork and exec (no locks, no imports).
            preexec_fn=_limits,
        )
    except subprocess.TimeoutExpired:
        raise InputError(
            source.name, f"pdftotext took longer than {PDFTOTEXT_TIMEOUT_S} s"
        ) from None
    if proc.returncode < 0:  # killed by a signal: SIGXCPU, or SIGSEGV/SIGABRT out of memory
        raise InputError(
            source.name,
            f"pdftotext stopped by signal {-proc.returncode} (over its limits of "
            f"{PDFTOTEXT_MAX_BYTES >> 20} MB and {PDFTOTEXT_TIMEOUT_S} s CPU?)",
        )
    if proc.returncode != 0:
        msg = (proc.stderr.decode("utf-8", "replace").strip().splitlines() or ["?"])[-1]
        raise InputError(source.name, f"cannot read PDF: {msg}")
    return proc.stdout.decode("utf-8", "replace")
