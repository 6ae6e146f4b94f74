"""Print a briefing document to PDF with the system Chromium (headless `--print-to-pdf`), offline.

The document is self-contained (`document.py`); Chromium is started with every host name unresolvable, no
background networking and a throwaway profile, at a lower CPU priority than the app, and stopped after
PDF_SECONDS.
"""
from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from web.png import CHROMIUM_NICE, browser_path

PDF_SECONDS = 60


class PdfFailed(RuntimeError):
    """Chromium did not print the document."""


def _nicer() -> None:
    os.nice(CHROMIUM_NICE)


def print_pdf(html_text: str) -> bytes:
    """The HTML document printed as PDF (Letter, no browser header or footer)."""
    with tempfile.TemporaryDirectory(prefix="ct-equity-briefing-") as folder:
        source, target = Path(folder) / "pack.html", Path(folder) / "pack.pdf"
        source.write_text(html_text, encoding="utf-8")
        command = [
            browser_path(), "--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-background-networking", "--disable-sync", "--disable-dev-shm-usage",
            "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={folder}/profile",
            "--no-pdf-header-footer", f"--print-to-pdf={target}", source.as_uri(),
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.insert(1, "--no-sandbox")  # Chromium refuses to start as root with its sandbox
        try:
            subprocess.run(command, capture_output=True, timeout=PDF_SECONDS, check=False,  # noqa: S603
                           preexec_fn=_nicer)  # noqa: PLW1509 - only os.nice, before exec
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PdfFailed(repr(exc)) from exc
        if not target.exists() or target.stat().st_size == 0:
            raise PdfFailed("Chromium wrote no PDF")
        return target.read_bytes()
