"""Render an e-mail :class:`~blocks.Doc` as an RFC 822 message (``.eml``)."""

from __future__ import annotations

import random
from email.message import EmailMessage
from email.policy import SMTP

from .blocks import Doc
from .render_text import render_html, render_txt


def _set_boundaries(msg: EmailMessage, rng: random.Random) -> None:
    # email.generator draws boundaries from the global random module, so fixed
    # boundaries are set here to keep the output reproducible.
    for part in msg.walk():
        if part.is_multipart():
            part.set_boundary(f"=_{rng.getrandbits(64):016x}")


def render_eml(doc: Doc, rng: random.Random, html_part: bool | None = None) -> bytes:
    """Build a message with the document's headers, a text body and attachments."""
    msg = EmailMessage()
    for key, value in doc.headers.items():
        msg[key] = value
    body = render_txt(doc, width=rng.choice([72, 76, 78, 500]))
    msg.set_content(body, cte=rng.choice(["quoted-printable", "8bit", "base64"]))
    if html_part if html_part is not None else rng.random() < 0.35:
        msg.add_alternative(render_html(doc, rng), subtype="html")
    for filename, mime, data in doc.attachments:
        maintype, subtype = mime.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    _set_boundaries(msg, rng)
    return msg.as_bytes(policy=SMTP)


def render_eml_as_text(doc: Doc) -> str:
    """Print the headers above the body, as a mail client's "save as text" does."""
    head = [
        f"{k}: {v}"
        for k, v in doc.headers.items()
        if k in ("From", "To", "Cc", "Date", "Subject")
    ]
    return "\n".join(head) + "\n\n" + render_txt(doc)
