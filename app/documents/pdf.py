"""HTML to PDF with wkhtmltopdf, locked down: no script, no file, no network, bounded in time.

Escaping every value that comes from an order (Jinja2 autoescape) is the real defence; the
options, the Content-Security-Policy of the templates and the dead proxy are a second wall.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from app.errors import ComptoirError
from app.i18n import _
from storage import files

INSTALL_HINT = "apt-get install --no-install-recommends wkhtmltopdf"
timeout_seconds = 60.0  # set_timeout(config.pdf_timeout_seconds)

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


def is_pdf(data: bytes) -> bool:
    """True when `data` looks like a whole PDF file (header and end-of-file marker)."""
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]


def set_timeout(seconds: float) -> None:
    """How long one wkhtmltopdf may run (`pdf_timeout_seconds`; at least a second)."""
    global timeout_seconds
    timeout_seconds = max(float(seconds), 1.0)


def _run(command: list[str], html: bytes) -> str:
    """Run wkhtmltopdf on `html` (its standard input); what it said on failure, or ComptoirError.

    It runs in a session of its own so that, when it outlives `timeout_seconds` (a page it
    cannot finish, a broken install), it is killed with anything it started: a hung
    wkhtmltopdf never hangs `comptoir pdf` or a screen.
    """
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        errors = process.communicate(html, timeout=timeout_seconds)[1]
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise ComptoirError(
            _(
                "wkhtmltopdf n'a pas fini en {seconds} s : arrêté, aucun PDF écrit "
                "(pdf_timeout_seconds).",
                seconds=f"{timeout_seconds:g}",
            )
        ) from None
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise
    return errors.decode("utf-8", "replace").strip() if process.returncode else ""


def html_to_pdf(html: str) -> bytes:
    """Render one HTML page to PDF bytes; ComptoirError with one line if it cannot."""
    executable = wkhtmltopdf_path()
    with tempfile.TemporaryDirectory(prefix="comptoir-pdf-") as folder:
        target = Path(folder) / "out.pdf"
        try:
            said = _run(command_line(executable, "-", str(target)), html.encode("utf-8"))
        except OSError as exc:
            raise ComptoirError(
                _("wkhtmltopdf n'a pas pu produire le PDF : {detail}", detail=exc.strerror or exc)
            ) from None
        data = target.read_bytes() if target.exists() else b""
    if is_pdf(data):
        # wkhtmltopdf exits 1 after writing a good PDF when it blocked a resource (a
        # file:// or an unreachable URL): the document is fine, keep it.
        return data
    detail = said.splitlines()
    raise ComptoirError(
        _("wkhtmltopdf n'a pas pu produire le PDF : {detail}", detail=detail[-1])
        if detail
        else _("wkhtmltopdf n'a pas pu produire le PDF.")
    )


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


def write_file(path: Path, data: bytes) -> Path:
    """write_atomically, or ComptoirError saying in one line why the file cannot be written."""
    try:
        return write_atomically(path, data)
    except OSError as exc:
        raise ComptoirError(
            _("Impossible d'écrire {path} : {reason}", path=path, reason=exc.strerror or exc)
        ) from None
