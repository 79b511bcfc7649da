"""The edges that reach a guardian: e-mail through SES, SMS through SNS.

Each raises on failure; the caller records the failure on the notice and a later replay retries.
"""

from __future__ import annotations

from typing import Any, Protocol


class Mailer(Protocol):
    def send(self, to: str, subject: str, text: str) -> str:
        """Send a plain-text e-mail; return the provider's message id."""


class Texter(Protocol):
    def send(self, e164: str, text: str) -> str:
        """Send an SMS to an E.164 number; return the provider's message id."""


class SesMailer:
    def __init__(self, ses: Any, sender: str):
        self._ses = ses
        self._sender = sender  # a verified SES identity

    def send(self, to: str, subject: str, text: str) -> str:
        resp = self._ses.send_email(
            Source=self._sender,
            Destination={"ToAddresses": [to]},
            Message={
                "Subject": {"Data": subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": text, "Charset": "UTF-8"}},
            },
        )
        return str(resp["MessageId"])


class SnsTexter:
    def __init__(self, sns: Any):
        self._sns = sns

    def send(self, e164: str, text: str) -> str:
        resp = self._sns.publish(
            PhoneNumber=e164,
            Message=text,
            MessageAttributes={"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}},
        )
        return str(resp["MessageId"])


def error_code(exc: Exception) -> str:
    """A failure's code for the notice: the AWS error code or the exception's class, never its
    message (which may quote the address)."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = (response.get("Error") or {}).get("Code")
        if code:
            return str(code)[:64]
    return type(exc).__name__[:64]
