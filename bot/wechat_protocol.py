"""The WeChat server protocol, without HTTP: signatures, replay window, safe-mode crypto, XML in and out.

WeChat calls ``/wechat`` with ``signature``, ``timestamp`` and ``nonce`` in the query string and
an XML body; in safe mode (``encrypt_type=aes``) the body carries an AES ``Encrypt`` element
signed by ``msg_signature``. wechatpy does the hashing and the crypto; this module turns its
exceptions into :class:`ProtocolError` with the HTTP status the endpoint should answer, so a bad
request is always a 4xx and never a crash.
"""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Mapping
from dataclasses import dataclass

import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.utils import check_signature

from bot.errors import ConfigError
from bot.wechat_render import xml_safe

REPLAY_WINDOW_SECONDS = 300


class ProtocolError(Exception):
    """A request WeChat's rules reject; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Inbound:
    """One message or event from a resident, as WeChat delivered it."""

    openid: str  # FromUserName: the resident
    account: str  # ToUserName: our official account
    create_time: int
    msg_type: str  # text, voice, image, ..., event
    msg_id: str = ""
    content: str = ""  # text content, or a voice message's Recognition
    event: str = ""  # subscribe, unsubscribe, CLICK, ... (events only)

    @property
    def dedupe_key(self) -> str:
        """WeChat's own advice: messages by MsgId, events by FromUserName + CreateTime.

        The sender is part of a message's key too: should two residents' MsgIds ever collide, one
        must still not be sent the other's answer.
        """
        if self.msg_id:
            return f"msg:{self.openid}:{self.msg_id}"
        return f"event:{self.openid}:{self.create_time}:{self.event}"


def verify_signature(token: str, query: Mapping[str, str]) -> None:
    """``signature`` must be sha1 of the sorted token, timestamp and nonce (403 otherwise)."""
    signature = query.get("signature", "")
    timestamp = query.get("timestamp", "")
    nonce = query.get("nonce", "")
    if not (signature and timestamp and nonce):
        raise ProtocolError(403, "signature, timestamp and nonce are required")
    try:
        check_signature(token, signature, timestamp, nonce)
    except InvalidSignatureException as exc:
        raise ProtocolError(403, "signature does not match") from exc


def check_fresh(timestamp: str, now: float | None = None, window: int = REPLAY_WINDOW_SECONDS) -> None:
    """Reject a timestamp more than ``window`` seconds off: a captured request cannot be replayed later."""
    try:
        sent = int(timestamp)
    except ValueError as exc:
        raise ProtocolError(403, "timestamp is not a number") from exc
    if abs((time.time() if now is None else now) - sent) > window:
        raise ProtocolError(403, "timestamp is outside the 5-minute window")


def make_crypto(token: str, encoding_aes_key: str | None, app_id: str | None) -> WeChatCrypto | None:
    """The safe-mode cipher, or None when no EncodingAESKey is configured.

    Checked at startup so a mistyped key fails the deploy, not the first resident's message.
    """
    if not encoding_aes_key:
        return None
    if not app_id:
        raise ConfigError(
            "FAQBOT_WECHAT_ENCODING_AES_KEY is set but FAQBOT_WECHAT_APP_ID is not: safe mode needs both."
        )
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ConfigError(
            "FAQBOT_WECHAT_ENCODING_AES_KEY must be the 43-character key from the WeChat console."
        ) from exc
    if len(encoding_aes_key) != 43 or len(key) != 32:
        raise ConfigError(
            "FAQBOT_WECHAT_ENCODING_AES_KEY must be the 43-character key from the WeChat console."
        )
    return WeChatCrypto(token, encoding_aes_key, app_id)


def decrypt_body(crypto: WeChatCrypto | None, body: bytes, query: Mapping[str, str]) -> str:
    """The plaintext XML of a safe-mode (or compatible-mode) request; checks ``msg_signature`` and AppID."""
    if crypto is None:
        raise ProtocolError(400, "encrypted message, but FAQBOT_WECHAT_ENCODING_AES_KEY is not set")
    msg_signature = query.get("msg_signature", "")
    if not msg_signature:
        raise ProtocolError(403, "msg_signature is required in safe mode")
    envelope = _parse_xml(body)
    encrypt = envelope.get("Encrypt")
    if not isinstance(encrypt, str) or not encrypt:
        raise ProtocolError(400, "Encrypt element is missing")
    try:
        return str(
            crypto.decrypt_message({"Encrypt": encrypt}, msg_signature, query["timestamp"], query["nonce"])
        )
    except InvalidSignatureException as exc:
        raise ProtocolError(403, "msg_signature does not match") from exc
    except InvalidAppIdException as exc:
        raise ProtocolError(403, "message was encrypted for another AppID") from exc
    except Exception as exc:  # noqa: BLE001 - any garbage ciphertext (bad base64, padding, length, UTF-8)
        raise ProtocolError(400, "Encrypt cannot be decrypted") from exc


def encrypt_reply(crypto: WeChatCrypto, xml: str, nonce: str) -> str:
    """The encrypted envelope (Encrypt, MsgSignature, TimeStamp, Nonce) for a safe-mode reply."""
    return str(crypto.encrypt_message(xml, nonce, str(int(time.time()))))


def _parse_xml(body: bytes | str) -> dict[str, object]:
    try:
        parsed = xmltodict.parse(body)
    except Exception as exc:  # noqa: BLE001 - expat errors, entity declarations, bad encodings
        raise ProtocolError(400, "body is not well-formed XML") from exc
    root = parsed.get("xml") if isinstance(parsed, dict) else None
    if not isinstance(root, dict):
        raise ProtocolError(400, "body has no <xml> root with fields")
    return root


def parse_inbound(xml: bytes | str) -> Inbound:
    """Parse and validate one message; a missing or repeated required field is a 400.

    Parsed with xmltodict, as ``wechatpy.parse_message`` does, but not through it: parse_message
    neither checks required fields nor raises one error type for bad input (KeyError, TypeError,
    ExpatError), and every one of those must become a 400 here.
    """
    fields = _parse_xml(xml)

    def text(name: str, required: bool = True) -> str:
        value = fields.get(name)
        if value is None and not required:
            return ""
        if not isinstance(value, str):
            raise ProtocolError(400, f"{name} is missing or repeated")
        return value

    openid = text("FromUserName")
    account = text("ToUserName")
    msg_type = text("MsgType").lower()
    try:
        create_time = int(text("CreateTime"))
    except ValueError as exc:
        raise ProtocolError(400, "CreateTime is not a number") from exc
    if msg_type == "event":
        return Inbound(openid, account, create_time, "event", event=text("Event").lower())
    if msg_type == "text":
        return Inbound(openid, account, create_time, "text", text("MsgId"), text("Content", required=False))
    if msg_type == "voice":
        # Recognition is only there when the account has speech recognition switched on.
        return Inbound(
            openid, account, create_time, "voice", text("MsgId"), text("Recognition", required=False)
        )
    return Inbound(openid, account, create_time, msg_type, text("MsgId", required=False))


def _cdata(value: str) -> str:
    # "]]>" cannot appear inside CDATA: close the section after "]]" and open a new one for ">".
    return "<![CDATA[" + xml_safe(value).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_reply_xml(to_user: str, from_user: str, content: str, now: int | None = None) -> str:
    """A passive text reply. Written here, not by wechatpy's TextReply, because TextReply puts
    content into CDATA unescaped and an answer containing "]]>" would break the XML."""
    created = int(time.time()) if now is None else now
    return (
        "<xml>"
        f"<ToUserName>{_cdata(to_user)}</ToUserName>"
        f"<FromUserName>{_cdata(from_user)}</FromUserName>"
        f"<CreateTime>{created}</CreateTime>"
        "<MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{_cdata(content)}</Content>"
        "</xml>"
    )
