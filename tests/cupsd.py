"""A throwaway CUPS scheduler for the printing tests: Debian's `cupsd` in a temporary
directory, listening on 127.0.0.1 and a free port only, with `cups-pdf` virtual printers.

    server = CupsServer().start()
    queue = server.add_pdf_queue("PDF")
    job = app.printing.cups.print_pdf(pdf, queue, server=server.address)
    server.printed(job)      # the PDF that cups-pdf wrote for that job
    server.stop()

Everything of the scheduler lives in the temporary directory: its cupsd.conf and
cups-files.conf (ServerRoot), spool, cache, state, logs and printcap. The one exception is
cups-pdf's configuration: the backend reads it from /etc/cups only (the path is compiled in,
CP_CONFIG_PATH), as /etc/cups/cups-pdf-NAME.conf for a device URI `cups-pdf:/NAME`. So each
queue gets a NAME of its own and that one file, which points cups-pdf's Out, Spool and Log
into the temporary directory; `stop()` (or, failing that, the end of the process) removes it.

cups-pdf refuses to run unless it is root (it checks setuid(0)), and cupsd only starts it as
root when cupsd itself is root: these tests need root, as CI has. Missing binaries or rights
raise CupsUnavailable: the printing tests must fail, never skip.

`cups_server` is a module-scoped fixture over one server; import it into a test module with
`cups_server = tests.cupsd.cups_server` (pytest finds fixtures by module attribute).
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.messages.capture import free_port
from tests.pgserver import traversable_by_all

READY_TIMEOUT = 10.0  # seconds for cupsd to listen
CUPS_PDF_CONFIG_DIR = Path("/etc/cups")  # compiled into the cups-pdf backend
CUPS_PDF_BACKEND = Path("/usr/lib/cups/backend/cups-pdf")
CUPS_PDF_PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
TOOLS = ("cupsd", "lp", "lpstat", "lpadmin", "cancel", "cupsdisable", "cupsenable")
_names = itertools.count(1)


class CupsUnavailable(RuntimeError):
    """The scheduler cannot be started here; the message says why and what to install."""


class CupsServer:
    def __init__(self) -> None:
        self.port: int | None = None
        self.tmpdir: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._pdf_configs: list[Path] = []

    # -- where things are --------------------------------------------------------------

    @property
    def address(self) -> str:
        """host:port, as `lp -h` and CUPS_SERVER take it."""
        assert self.port is not None, "server not started"
        return f"127.0.0.1:{self.port}"

    @property
    def error_log(self) -> str:
        assert self.tmpdir is not None
        log = self.tmpdir / "log" / "error_log"
        return log.read_text(errors="replace") if log.exists() else ""

    # -- life cycle --------------------------------------------------------------------

    def start(self) -> CupsServer:
        """Write a configuration in a new temporary directory and start cupsd on it; on
        failure, clean up and raise CupsUnavailable with what cupsd said."""
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        missing = [tool for tool in TOOLS if not shutil.which(tool)]
        if missing or not CUPS_PDF_BACKEND.exists() or not CUPS_PDF_PPD.exists():
            raise CupsUnavailable(
                f"CUPS tools or cups-pdf missing ({', '.join(missing) or CUPS_PDF_PPD}): "
                "install the Debian packages cups and printer-driver-cups-pdf (`make test` does)"
            )
        if os.geteuid() != 0:
            raise CupsUnavailable("cups-pdf only runs under a cupsd started as root: run as root")
        # cupsd runs its filters as the user lp, which must reach the spool inside.
        base = Path(tempfile.gettempdir())
        if not traversable_by_all(base):
            base = Path("/tmp")
        self.tmpdir = Path(tempfile.mkdtemp(prefix="comptoir-cups-", dir=base))
        self.tmpdir.chmod(0o755)
        for sub in ("conf", "spool", "spool/tmp", "cache", "state", "log", "out", "pdf-spool"):
            (self.tmpdir / sub).mkdir(exist_ok=True)
        self.port = free_port()
        root = self.tmpdir
        (root / "conf" / "cupsd.conf").write_text(
            f"Listen 127.0.0.1:{self.port}\n"
            "Browsing No\n"
            "WebInterface No\n"
            "LogLevel info\n"
            "DefaultAuthType None\n"
            "IdleExitTimeout 0\n"
            "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
            "<Policy default>\n"
            "  JobPrivateAccess all\n  JobPrivateValues none\n"
            "  SubscriptionPrivateAccess all\n  SubscriptionPrivateValues none\n"
            "  <Limit All>\n    Order deny,allow\n  </Limit>\n"
            "</Policy>\n"
        )
        (root / "conf" / "cups-files.conf").write_text(
            f"ServerRoot {root}/conf\n"
            f"RequestRoot {root}/spool\n"
            f"TempDir {root}/spool/tmp\n"
            f"CacheDir {root}/cache\n"
            f"StateDir {root}/state\n"
            f"AccessLog {root}/log/access_log\n"
            f"ErrorLog {root}/log/error_log\n"
            f"PageLog {root}/log/page_log\n"
            f"Printcap {root}/printcap\n"
        )
        atexit.register(self.stop)
        with (root / "log" / "cupsd.out").open("wb") as out:
            self._process = subprocess.Popen(
                [
                    shutil.which("cupsd") or "cupsd",
                    "-f",
                    "-c",
                    str(root / "conf" / "cupsd.conf"),
                    "-s",
                    str(root / "conf" / "cups-files.conf"),
                ],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            if self._process.poll() is not None:
                raise CupsUnavailable(f"cupsd exited: {self._output()}")
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            if time.monotonic() > deadline:
                raise CupsUnavailable(
                    f"cupsd did not listen within {READY_TIMEOUT} s: {self._output()}"
                )
            time.sleep(0.02)

    def _output(self) -> str:
        assert self.tmpdir is not None
        out = self.tmpdir / "log" / "cupsd.out"
        return (out.read_text(errors="replace") if out.exists() else "") + self.error_log[-2000:]

    def stop(self) -> None:
        """Stop cupsd (its filters and backends with it) and remove everything it had."""
        if self._process is not None:
            if self._process.poll() is None:
                self._process.terminate()
                try:
                    self._process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self._process.kill()
                    self._process.wait()
            self._process = None
        for path in self._pdf_configs:
            path.unlink(missing_ok=True)
        self._pdf_configs.clear()
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None
        with contextlib.suppress(Exception):
            atexit.unregister(self.stop)

    # -- queues ------------------------------------------------------------------------

    def admin(self, *args: str) -> None:
        """Run a CUPS admin tool (lpadmin, cupsdisable…) against this server."""
        done = subprocess.run(
            [args[0], "-h", self.address, *args[1:]],
            capture_output=True,
            text=True,
            timeout=15,
            stdin=subprocess.DEVNULL,
        )
        if done.returncode != 0:
            raise CupsUnavailable(f"{' '.join(args)}: {done.stderr.strip()}")

    def add_pdf_queue(
        self,
        queue: str = "PDF",
        *,
        broken: bool = False,
        error_policy: str | None = None,
        renderer: str | None = "pdftocairo",
    ) -> str:
        """A cups-pdf queue writing into this server's directory; `broken` gives it a
        configuration that makes the backend fail (an unknown group), as a printer that
        fails mid-job. Returns the queue name."""
        assert self.tmpdir is not None and self.port is not None
        name = f"comptoir{self.port}n{next(_names)}"  # cups-pdf-NAME.conf, unique per run
        out = self.tmpdir / "out" / queue
        config = CUPS_PDF_CONFIG_DIR / f"cups-pdf-{name}.conf"
        config.write_text(
            f"Out {out}\n"
            f"AnonDirName {out}\n"
            f"Spool {self.tmpdir / 'pdf-spool'}\n"
            f"Log {self.tmpdir / 'log'}\n"
            f"GSTmp {self.tmpdir / 'pdf-spool'}\n"
            "LogType 3\n" + ("Grp comptoir-no-such-group\n" if broken else "Grp lp\n")
        )
        self._pdf_configs.append(config)
        # By default pdftocairo, not Ghostscript (CUPS's own default, renderer=None), turns
        # PDF into PostScript for cups-pdf: Ghostscript makes wkhtmltopdf's fonts (CID
        # TrueType) Type 3 glyphs without their text, so that pdftotext could not read back
        # what an invoice or a packing slip printed.
        options = ["-o", f"pdftops-renderer-default={renderer}"] if renderer else []
        if error_policy:
            options += ["-o", f"printer-error-policy={error_policy}"]
        self.admin(
            "lpadmin", "-p", queue, "-E", "-v", f"cups-pdf:/{name}", "-P", str(CUPS_PDF_PPD),
            *options,
        )  # fmt: skip
        return queue

    def printed(self, job_id: str, queue: str = "PDF", timeout: float = 10.0) -> Path:
        """The PDF cups-pdf wrote for `job_id` ("PDF-3"), once it is complete."""
        assert self.tmpdir is not None
        number = job_id.rsplit("-", 1)[1]
        folder = self.tmpdir / "out" / queue
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            # TITLE-job_N.pdf or job_N-TITLE.pdf, as cups-pdf's Label setting has it
            found = sorted(
                path
                for path in folder.glob("*.pdf")
                if path.stem.endswith(f"-job_{number}") or path.stem.startswith(f"job_{number}-")
            )
            if found and found[0].read_bytes().rstrip().endswith(b"%%EOF"):
                return found[0]
            time.sleep(0.05)
        raise AssertionError(f"no PDF for job {job_id} in {folder}: {self.error_log[-2000:]}")


@pytest.fixture(scope="module")
def cups_server() -> Iterator[CupsServer]:
    """A cupsd for the test module, with a working cups-pdf queue named PDF."""
    server = CupsServer().start()
    try:
        server.add_pdf_queue("PDF")
        yield server
    finally:
        server.stop()


def make_pdf(lines: list[str], *, per_page: int = 50) -> bytes:
    """A small valid PDF (Helvetica, WinAnsi so that French accents survive) with one text
    line per entry of `lines`, `per_page` lines a page."""

    def escape(text: str) -> bytes:
        raw = text.encode("cp1252", "replace")
        return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")

    pages = [lines[i : i + per_page] for i in range(0, len(lines), per_page)] or [[]]
    objects: list[bytes] = []
    font = 3 + 2 * len(pages)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append(b"<</Type/Catalog/Pages 2 0 R>>")
    objects.append(f"<</Type/Pages/Kids[{kids}]/Count {len(pages)}>>".encode())
    for i, page in enumerate(pages):
        content = b"BT /F1 11 Tf 50 800 Td 14 TL " + b"".join(
            b"(" + escape(line) + b") '" for line in page
        ) + b" ET"  # fmt: skip
        objects.append(
            f"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents {4 + 2 * i} 0 R"
            f"/Resources<</Font<</F1 {font} 0 R>>>>>>".encode()
        )
        objects.append(b"<</Length %d>>stream\n" % len(content) + content + b"\nendstream")
    objects.append(b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica/Encoding/WinAnsiEncoding>>")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdftotext(path: Path) -> str:
    """The text of a PDF, as poppler's pdftotext reads it."""
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout
