"""The WeChat server protocol on a real server: URL check, signatures, replay window, safe mode, bad input."""

from __future__ import annotations

import base64
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import xmltodict
from conftest import KNOWLEDGE
from wechat_harness import (
    ACCOUNT,
    AES_KEY,
    APP_ID,
    TOKEN,
    Running,
    WeChatSender,
    cdata,
    new_openid,
    running_app,
    signature,
    text_message,
)
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.replies import TextReply
from wechatpy.utils import WeChatSigner

from bot.config import Settings
from bot.errors import ConfigError
from bot.wechat import build_router

QUESTION = "长春职工医保门诊共济从什么时候开始？"
SOURCE_LINE = "来源：《长春市实施职工医保门诊共济保障机制》2023-01"


@pytest.fixture(scope="module")
def server(seed_index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """One server in safe mode (AES key and AppID set); it also takes plaintext requests."""
    data = tmp_path_factory.mktemp("wechat-protocol") / "data"
    shutil.copytree(seed_index_dir, data)
    settings = Settings(
        data_dir=data,
        knowledge_dir=KNOWLEDGE,
        wechat_token=TOKEN,
        wechat_encoding_aes_key=AES_KEY,
        wechat_app_id=APP_ID,
        llm_base_url=None,
        wechat_app_secret=None,
    )
    with running_app(settings) as running:
        yield running


@pytest.fixture
def plain(server: Running) -> WeChatSender:
    return WeChatSender(server.base)


@pytest.fixture
def safe(server: Running) -> WeChatSender:
    return WeChatSender(server.base, crypto=WeChatCrypto(TOKEN, AES_KEY, APP_ID))


# ---------------------------------------------------------------------- the URL check (GET)
def test_official_handshake_vector_echoes_echostr_as_plain_text(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", knowledge_dir=KNOWLEDGE, wechat_token="AAAAA")
    assert signature("AAAAA", "1714036504", "1514711492") == "f464b24fc39322e44b38aa78f5edd27bd1441696"
    with running_app(settings, wait_ready=False) as running:
        response = httpx.get(
            f"{running.base}/wechat",
            params={
                "signature": "f464b24fc39322e44b38aa78f5edd27bd1441696",
                "timestamp": "1714036504",
                "nonce": "1514711492",
                "echostr": "4375120948345356249",
            },
        )
        assert response.status_code == 200
        assert response.content == b"4375120948345356249"
        assert response.headers["content-type"].startswith("text/plain")

        wrong = httpx.get(
            f"{running.base}/wechat",
            params={"signature": "0" * 40, "timestamp": "1714036504", "nonce": "1514711492", "echostr": "42"},
        )
        assert wrong.status_code == 403
        assert b"42" not in wrong.content


def test_handshake_echoes_unusual_echostr_byte_for_byte(plain: WeChatSender) -> None:
    query = plain.query()
    echostr = "a+b/c=d%e 中文&x"
    response = httpx.get(plain.url, params={**query, "echostr": echostr})
    assert response.status_code == 200
    assert response.content == echostr.encode("utf-8")


def test_handshake_without_echostr_is_a_client_error(plain: WeChatSender) -> None:
    assert httpx.get(plain.url, params=plain.query()).status_code == 400


def test_wechat_endpoint_is_404_when_no_token_is_set(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", knowledge_dir=KNOWLEDGE)
    with running_app(settings, wait_ready=False) as running:
        assert httpx.get(f"{running.base}/wechat", params={"echostr": "1"}).status_code == 404
        assert httpx.post(f"{running.base}/wechat", content=text_message("o", "你好")).status_code == 404


# ---------------------------------------------------------------------- signatures and replay
def test_bad_signature_is_403_and_the_question_is_not_asked(server: Running, plain: WeChatSender) -> None:
    openid = new_openid()
    query = plain.query()
    for bad in (
        {**query, "signature": "f" * 40},
        {**query, "nonce": query["nonce"] + "x"},  # signature no longer covers this nonce
        {k: v for k, v in query.items() if k != "signature"},
        {k: v for k, v in query.items() if k != "timestamp"},
    ):
        delivery = plain.post(text_message(openid, QUESTION), params=bad)
        assert delivery.status == 403, bad
    signed_for_other_token = {
        **query,
        "signature": signature("another-token", query["timestamp"], query["nonce"]),
    }
    assert plain.post(text_message(openid, QUESTION), params=signed_for_other_token).status == 403
    assert server.store_rows(openid) == []


def test_timestamps_more_than_five_minutes_off_are_refused_as_replays(
    server: Running, plain: WeChatSender
) -> None:
    openid = new_openid()
    now = int(time.time())
    assert plain.post(text_message(openid, QUESTION), params=plain.query(timestamp=now - 330)).status == 403
    assert plain.post(text_message(openid, QUESTION), params=plain.query(timestamp=now + 330)).status == 403
    assert server.store_rows(openid) == []
    ok = plain.post(text_message(openid, QUESTION), params=plain.query(timestamp=now - 240))
    assert ok.status == 200
    assert SOURCE_LINE in plain.reply(ok).content


# ---------------------------------------------------------------------- plaintext, safe and compatible mode
def test_plaintext_text_message_gets_a_passive_text_reply(plain: WeChatSender) -> None:
    openid = new_openid()
    delivery = plain.post(text_message(openid, QUESTION))
    assert delivery.headers["content-type"].startswith("application/xml")
    reply = plain.reply(delivery)
    assert isinstance(reply, TextReply)
    assert reply.target == openid
    assert reply.source == ACCOUNT
    assert abs(reply.time - time.time()) < 60
    assert "1月1日" in reply.content
    assert reply.content.endswith(SOURCE_LINE)
    assert "[1]" not in reply.content


def test_safe_mode_request_is_decrypted_and_the_reply_encrypted_and_signed(safe: WeChatSender) -> None:
    openid = new_openid()
    delivery = safe.post(text_message(openid, QUESTION))
    envelope = xmltodict.parse(delivery.text)["xml"]
    assert set(envelope) == {"Encrypt", "MsgSignature", "TimeStamp", "Nonce"}
    assert QUESTION not in delivery.text and "来源" not in delivery.text
    signer = WeChatSigner()
    signer.add_data(TOKEN, envelope["TimeStamp"], envelope["Nonce"], envelope["Encrypt"])
    assert envelope["MsgSignature"] == signer.signature
    with pytest.raises(InvalidSignatureException):
        safe.crypto.decrypt_message(delivery.text, "0" * 40, envelope["TimeStamp"], envelope["Nonce"])  # type: ignore[union-attr]
    reply = safe.reply(delivery)  # decrypts with wechatpy, which checks MsgSignature again
    assert isinstance(reply, TextReply)
    assert reply.target == openid and reply.source == ACCOUNT
    assert reply.content.endswith(SOURCE_LINE)


def test_compatible_mode_with_plaintext_fields_and_encrypt_is_answered(safe: WeChatSender) -> None:
    openid = new_openid()
    plain_xml = text_message(openid, QUESTION)
    query = safe.query()
    envelope = xmltodict.parse(safe.crypto.encrypt_message(plain_xml, query["nonce"], query["timestamp"]))[
        "xml"
    ]  # type: ignore[union-attr]
    body = plain_xml.replace("</xml>", f"<Encrypt>{cdata(envelope['Encrypt'])}</Encrypt></xml>")
    delivery = safe.post(
        body, params={**query, "encrypt_type": "aes", "msg_signature": envelope["MsgSignature"]}
    )
    reply = safe.reply(delivery)
    assert reply.target == openid
    assert reply.content.endswith(SOURCE_LINE)


def test_wrong_appid_and_tampered_ciphertext_are_client_errors(server: Running, safe: WeChatSender) -> None:
    openid = new_openid()
    message = text_message(openid, QUESTION)
    query = safe.query()

    other_app = WeChatCrypto(TOKEN, AES_KEY, "wx_other_app_id00")
    envelope = xmltodict.parse(other_app.encrypt_message(message, query["nonce"], query["timestamp"]))["xml"]
    body = f"<xml><Encrypt>{cdata(envelope['Encrypt'])}</Encrypt></xml>"
    params = {**query, "encrypt_type": "aes", "msg_signature": envelope["MsgSignature"]}
    assert safe.post(body, params=params).status == 403

    envelope = xmltodict.parse(safe.crypto.encrypt_message(message, query["nonce"], query["timestamp"]))[
        "xml"
    ]  # type: ignore[union-attr]
    raw = bytearray(base64.b64decode(envelope["Encrypt"]))
    raw[40] ^= 0xFF  # flip a byte in the middle of the ciphertext
    for tampered in (
        base64.b64encode(bytes(raw)).decode(),
        envelope["Encrypt"][:-8],
        "not base64 at all!",
        "QUJD",
    ):
        # Tampered but signed again with the right token: only the decryption can notice.
        signer = WeChatSigner()
        signer.add_data(TOKEN, query["timestamp"], query["nonce"], tampered)
        params = {**query, "encrypt_type": "aes", "msg_signature": signer.signature}
        delivery = safe.post(f"<xml><Encrypt>{cdata(tampered)}</Encrypt></xml>", params=params)
        assert 400 <= delivery.status < 500, tampered

    # Tampered and not signed again: the msg_signature no longer matches.
    params = {**query, "encrypt_type": "aes", "msg_signature": envelope["MsgSignature"]}
    assert (
        safe.post(f"<xml><Encrypt>{cdata(envelope['Encrypt'][::-1])}</Encrypt></xml>", params=params).status
        == 403
    )
    assert (
        safe.post(
            f"<xml><Encrypt>{cdata(envelope['Encrypt'])}</Encrypt></xml>",
            params={**query, "encrypt_type": "aes"},
        ).status
        == 403
    )
    assert server.store_rows(openid) == []


# ---------------------------------------------------------------------- malformed input: 4xx, never 5xx
@pytest.mark.parametrize(
    "body",
    [
        "",
        "not xml at all",
        '{"MsgType": "text", "Content": "json"}',
        "<xml><ToUserName><![CDATA[gh]]></ToUserName>",  # truncated
        "<xml></xml>",
        "<other><MsgType>text</MsgType></other>",
        f"<xml><ToUserName>{cdata(ACCOUNT)}</ToUserName><CreateTime>1</CreateTime><MsgType>text</MsgType>"
        "<Content>缺少发送者</Content><MsgId>1</MsgId></xml>",
        f"<xml><ToUserName>{cdata(ACCOUNT)}</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime>"
        "<MsgType>text</MsgType><Content>缺少消息编号</Content></xml>",
        f"<xml><ToUserName>{cdata(ACCOUNT)}</ToUserName><FromUserName>o1</FromUserName><CreateTime>soon</CreateTime>"
        "<MsgType>text</MsgType><Content>时间不是数字</Content><MsgId>1</MsgId></xml>",
        f"<xml><ToUserName>{cdata(ACCOUNT)}</ToUserName><FromUserName>o1</FromUserName><FromUserName>o2</FromUserName>"
        "<CreateTime>1</CreateTime><MsgType>text</MsgType><Content>两个发送者</Content><MsgId>1</MsgId></xml>",
        '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        "<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime>"
        "<MsgType>text</MsgType><Content>&b;</Content><MsgId>1</MsgId></xml>",
        b"<xml><Content>\xff\xfe not utf-8</Content></xml>",
    ],
)
def test_malformed_requests_are_client_errors(plain: WeChatSender, body: str | bytes) -> None:
    delivery = plain.post(body)
    assert 400 <= delivery.status < 500, delivery.text


def test_encrypted_request_without_encrypt_element_is_a_client_error(safe: WeChatSender) -> None:
    query = safe.query()
    params = {**query, "encrypt_type": "aes", "msg_signature": "0" * 40}
    assert safe.post(text_message(new_openid(), QUESTION), params=params).status in (400, 403)


def test_oversized_body_is_refused(plain: WeChatSender) -> None:
    delivery = plain.post(text_message(new_openid(), "长" * 100_000))
    assert delivery.status == 413


def test_unusable_safe_mode_settings_fail_at_startup() -> None:
    with pytest.raises(ConfigError, match="43-character"):
        build_router(Settings(wechat_token=TOKEN, wechat_encoding_aes_key="too-short", wechat_app_id=APP_ID))
    with pytest.raises(ConfigError, match="APP_ID"):
        build_router(Settings(wechat_token=TOKEN, wechat_encoding_aes_key=AES_KEY))
    with pytest.raises(ConfigError, match="APP_ID"):
        build_router(Settings(wechat_token=TOKEN, wechat_app_secret="secret"))
    assert build_router(Settings()).routes == []
