"""HTML to PDF with wkhtmltopdf (through pdfkit), locked down: no script, no file, no network.

Escaping every value that comes from an order (Jinja2 autoescape) is the real defence; the
options, the Content-Security-Policy of the templates and the dead proxy are a second wall.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

import pdfkit

from app.errors import ComptoirError
from app.i18n import _
from storage import files

INSTALL_HINT = "apt-get install --no-install-recommends wkhtmltopdf"

# Every request wkhtmltopdf might still make goes to this proxy, where nothing listens:
# a document never reaches the network even if the CSP and the escaping were bypassed.
DEAD_PROXY = "http://127.0.0.1:9"

OPTIONS: dict[str, str | None] = {
    "--quiet": None,
    "--encoding": "utf-8",
    "--disable-javascript": None,
    "--disable-local-file-access": None,
    "--no-images": None,
    "--proxy": DEAD_PROXY,
    "--page-size": "A4",
    "--margin-top": "12mm",
    "--margin-bottom": "12mm",
    "--margin-left": "12mm",
    "--margin-right": "12mm",
}


def wkhtmltopdf_path() -> str:
    """The wkhtmltopdf executable on PATH, or ComptoirError saying how to install it."""
    found = shutil.which("wkhtmltopdf")
    if found is None:
        raise ComptoirError(
            _("wkhtmltopdf est introuvable : installez-le avec « {hint} ».", hint=INSTALL_HINT)
        )
    return found


def command_line(executable: str, source: str, output: str) -> list[str]:
    """The wkhtmltopdf command our renderer runs (the benchmark's raw call uses it too)."""
    args = [executable]
    for option, value in OPTIONS.items():
        args.append(option)
        if value is not None:
            args.append(value)
    return [*args, source, output]


@lru_cache(maxsize=4)
def _configuration(executable: str) -> pdfkit.configuration.Configuration:
    # The environment is copied: pdfkit would otherwise rewrite os.environ in place.
    env = dict(os.environ)
    # pdfkit reads options from `<meta name="pdfkit-…">` tags of the HTML; order data is
    # escaped so it cannot hold one, and a prefix with a NUL byte (which intake refuses)
    # turns the feature off for good.
    return pdfkit.configuration(
        wkhtmltopdf=executable, environ=env, meta_tag_prefix="\x00no-options-from-html-"
    )


def is_pdf(data: bytes) -> bool:
    """True when `data` looks like a whole PDF file (header and end-of-file marker)."""
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]


def html_to_pdf(html: str) -> bytes:
    """Render one HTML page to PDF bytes; ComptoirError with one line if it cannot."""
    executable = wkhtmltopdf_path()
    with tempfile.TemporaryDirectory(prefix="comptoir-pdf-") as folder:
        target = Path(folder) / "out.pdf"
        kit = pdfkit.PDFKit(
            html,
            "string",
            options=OPTIONS,
            configuration=_configuration(executable),
        )
        try:
            kit.to_pdf(str(target))
        except OSError as exc:
            # wkhtmltopdf exits 1 after writing a good PDF when it blocked a resource (a
            # file:// or an unreachable URL): the document is fine, keep it.
            data = target.read_bytes() if target.exists() else b""
            if is_pdf(data):
                return data
            detail = str(exc).strip().splitlines()
            raise ComptoirError(
                _("wkhtmltopdf n'a pas pu produire le PDF : {detail}", detail=detail[-1])
                if detail
                else _("wkhtmltopdf n'a pas pu produire le PDF.")
            ) from None
        data = target.read_bytes()
    if not is_pdf(data):
        raise ComptoirError(_("wkhtmltopdf n'a pas pu produire le PDF."))
    return data


def wkhtmltopdf_version() -> str:
    """'0.12.6' (or ComptoirError when absent)."""
    executable = wkhtmltopdf_path()
    result = subprocess.run(
        [executable, "--version"], capture_output=True, text=True, timeout=30, check=False
    )
    words = result.stdout.split()
    return words[1] if len(words) > 1 else result.stdout.strip()


def write_atomically(path: Path, data: bytes) -> Path:
    """Write `data` to `path` through a temporary file, so a reader never sees half a file.

    The file is 0600 (0640 in a group's folder: storage.files); a write that fails (a full
    disk) leaves neither half a file nor its temporary `.tmp-*` behind.
    """
    files.make_folder(path.parent)
    descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    temp = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        files.restrict(temp, group_writes=False)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return path
