"""The two channels: mail with aiosmtplib, SMS with the vonage SDK.

Each sender turns what went wrong into a `DeliveryError` that says whether trying again
later may help (`temporary`) and carries the server's own words. A channel without
configuration raises `NotConfigured` before anything is attempted.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from email.message import Message
from typing import Any
from urllib.parse import unquote

import aiosmtplib

from app.config import Config, check_smtp_url
from app.i18n import _
from app.messages.delivery import DeliveryError, NotConfigured

# Vonage SMS API statuses worth trying again: 1 throttled, 5 internal error, 10 too many
# existing binds; and 4, invalid credentials: like a refused SMTP login, the configuration's
# fault rather than the message's, so the message waits for it to be fixed.
VONAGE_TEMPORARY = frozenset({1, 4, 5, 10})
_VONAGE_STATUS = re.compile(r"error code (\d+):\s*(.*)", re.S)


@dataclass(frozen=True)
class SmtpSettings:
    """The parts of `COMPTOIR_SMTP_URL`."""

    hostname: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool  # smtps://: TLS from the first byte
    start_tls: bool  # ?starttls=1: upgrade a plain connection


def parse_smtp_url(url: str) -> SmtpSettings:
    """`smtp://user:pass@host:port`, `smtps://…` (implicit TLS), `?starttls=1`."""
    parsed, start_tls = check_smtp_url(url)
    use_tls = parsed.scheme == "smtps"
    return SmtpSettings(
        hostname=parsed.hostname or "",
        port=parsed.port or (465 if use_tls else 25),
        username=unquote(parsed.username) if parsed.username else None,
        password=unquote(parsed.password) if parsed.password else None,
        use_tls=use_tls,
        start_tls=start_tls,
    )


def _words(exc: aiosmtplib.SMTPResponseException) -> str:
    return f"{exc.code} {exc.message}".strip()


def classify_smtp(exc: BaseException) -> DeliveryError:
    """Temporary: no connection, timeouts, 4xx replies. Permanent: 5xx replies."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        refused = exc.recipients
        temporary = all(400 <= r.code < 500 for r in refused)
        words = "; ".join(f"{r.recipient}: {_words(r)}" for r in refused)
        return DeliveryError(_("Destinataire refusé : {words}", words=words), temporary=temporary)
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        # A wrong password is the configuration's fault, not the message's: it waits.
        return DeliveryError(
            _("Le serveur de mail refuse l'identification : {words}", words=_words(exc)),
            temporary=True,
        )
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        temporary = exc.code < 500
        return DeliveryError(
            _("Le serveur de mail répond : {words}", words=_words(exc)), temporary=temporary
        )
    if isinstance(exc, aiosmtplib.SMTPTimeoutError | TimeoutError):
        return DeliveryError(
            _("Le serveur de mail ne répond pas (délai dépassé)."),
            temporary=True,
            unreachable=True,
        )
    if isinstance(exc, aiosmtplib.SMTPException | OSError):
        return DeliveryError(
            _("Serveur de mail injoignable : {reason}", reason=str(exc) or type(exc).__name__),
            temporary=True,
            unreachable=True,
        )
    return DeliveryError(f"{type(exc).__name__}: {exc}", temporary=True)


class MailSender:
    """Sends mails over one SMTP connection, opened on first use and kept until `close`."""

    def __init__(self, config: Config, *, timeout: float = 30.0) -> None:
        # `timeout` bounds each SMTP command (connect, EHLO, MAIL, RCPT, DATA…).
        self.settings = parse_smtp_url(config.smtp_url) if config.smtp_url else None
        self.mail_from = config.mail_from
        self.timeout = timeout
        self._smtp: aiosmtplib.SMTP | None = None

    @property
    def configured(self) -> bool:
        return self.settings is not None

    async def _connection(self) -> aiosmtplib.SMTP:
        if self._smtp is not None and self._smtp.is_connected:
            return self._smtp
        if self.settings is None:
            raise NotConfigured(_("Aucun serveur de mail configuré (COMPTOIR_SMTP_URL)."))
        s = self.settings
        smtp = aiosmtplib.SMTP(
            hostname=s.hostname,
            port=s.port,
            username=s.username,
            password=s.password,
            use_tls=s.use_tls,
            start_tls=s.start_tls,
            timeout=self.timeout,
        )
        await smtp.connect()
        self._smtp = smtp
        return smtp

    async def send(self, message: Message, recipient: str) -> None:
        """Send one message to `recipient`; DeliveryError or NotConfigured if not."""
        try:
            smtp = await self._connection()
            await smtp.send_message(message, recipients=[recipient])
        except NotConfigured:
            raise
        except Exception as exc:
            await self.drop()
            raise classify_smtp(exc) from exc

    async def drop(self) -> None:
        """Forget the connection after an error: the next message starts a clean one."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()

    async def close(self) -> None:
        """Say QUIT and close the connection, if one is open."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None and smtp.is_connected:
            try:
                await smtp.quit()
            except (aiosmtplib.SMTPException, OSError):
                smtp.close()


class SmsSender:
    """Sends SMS through Vonage's SMS API; the SDK is synchronous, so it runs in a thread."""

    def __init__(self, config: Config, *, timeout: int = 30) -> None:
        self.api_key = config.vonage_api_key
        self.api_secret = config.vonage_api_secret
        self.sender = config.vonage_sms_from or "Comptoir"
        self.rest_host = config.vonage_rest_host
        self.timeout = timeout
        self._client: Any = None

    @property
    def configured(self) -> bool:
        return bool(self.api_key and self.api_secret)

    def _sms(self) -> Any:
        if self._client is None:
            from vonage import Auth, HttpClientOptions, Vonage

            options: dict[str, Any] = {"timeout": self.timeout, "max_retries": 1}
            if self.rest_host:
                options["rest_host"] = self.rest_host
            self._client = Vonage(
                Auth(api_key=self.api_key, api_secret=self.api_secret),
                HttpClientOptions(**options),
            )
        return self._client.sms

    def _send_sync(self, to: str, text: str, reference: str) -> str:
        from vonage_sms import SmsMessage

        response = self._sms().send(
            SmsMessage(to=to, from_=self.sender, text=text, type="text", client_ref=reference)
        )
        return str(response.messages[0].message_id)

    async def send(self, to: str, text: str, reference: str) -> str:
        """Send one SMS; returns Vonage's message id, or raises DeliveryError/NotConfigured."""
        if not self.configured:
            raise NotConfigured(
                _("SMS non configurés (COMPTOIR_VONAGE_API_KEY et COMPTOIR_VONAGE_API_SECRET).")
            )
        number = to.strip().removeprefix("+").replace(" ", "")
        try:
            return await asyncio.to_thread(self._send_sync, number, text, reference)
        except Exception as exc:
            raise classify_vonage(exc) from exc


def classify_vonage(exc: BaseException) -> DeliveryError:
    """Temporary: throttling (status 1), credentials (status 4, HTTP 401), HTTP 429 and 5xx,
    no connection. Else permanent (invalid number, barred, message refused…)."""
    from requests import RequestException
    from vonage_http_client.errors import HttpRequestError
    from vonage_sms.errors import SmsError

    if isinstance(exc, SmsError):
        match = _VONAGE_STATUS.search(str(exc))
        if match:
            status, words = int(match.group(1)), match.group(2).strip()
            return DeliveryError(
                _("Vonage refuse le SMS : {status} {words}", status=status, words=words),
                temporary=status in VONAGE_TEMPORARY,
            )
        return DeliveryError(_("Vonage refuse le SMS : {words}", words=exc), temporary=False)
    if isinstance(exc, HttpRequestError):
        code = exc.response.status_code
        body = (exc.response.text or "").strip().replace("\n", " ")[:300]
        return DeliveryError(
            _("Vonage répond HTTP {code} : {words}", code=code, words=body),
            temporary=code in (401, 429) or code >= 500,
        )
    if isinstance(exc, RequestException | OSError):
        return DeliveryError(_("Vonage injoignable : {reason}", reason=exc), temporary=True)
    return DeliveryError(f"{type(exc).__name__}: {exc}", temporary=False)
