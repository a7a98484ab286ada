"""Office documents in tests: .docx to PDF with headless LibreOffice, and the PDF's text.

``make test`` installs Debian's LibreOffice Writer (``libreoffice-writer-nogui``) when
``soffice`` is missing, as it installs Chromium for the browser tests. A missing
``soffice`` is a failure, not a skip: the conversion is part of the acceptance of the
letters and of the annual report. Set ``$SOFFICE`` to use another binary.

Each call uses its own LibreOffice profile under the output directory, so two pytest
workers never share one (a shared profile makes the second ``soffice`` exit at once).
All the files of one call are converted by one ``soffice`` process: starting it is most
of the cost.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SOFFICE = os.environ.get("SOFFICE", "soffice")


def soffice():
    path = SOFFICE if os.path.isabs(SOFFICE) else shutil.which(SOFFICE)
    if not path or not os.access(path, os.X_OK):
        pytest.fail(
            f"LibreOffice not found ({SOFFICE!r}): the .docx to PDF checks need it. `make test` "
            "installs it (apt-get install -y libreoffice-writer-nogui); or set $SOFFICE.",
            pytrace=False,
        )
    return path


def convert_to_pdf(paths, outdir) -> list[Path]:
    """Convert each of ``paths`` (.docx files) to PDF in ``outdir``; the PDFs, in order."""
    paths = [Path(p) for p in paths]
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation={(outdir / '.lo-profile').resolve().as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    pdfs = [outdir / f"{path.stem}.pdf" for path in paths]
    missing = [pdf.name for pdf in pdfs if not pdf.exists()]
    assert result.returncode == 0 and not missing, (
        f"soffice exited {result.returncode}; missing {missing}\n{result.stdout}\n{result.stderr}"
    )
    return pdfs


def pdf_text(path) -> str:
    """The text of every page of the PDF at ``path`` (pypdf), pages joined by newlines."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def pdf_pages(path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(path)).pages)
