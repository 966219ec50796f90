"""Test helpers for the WeChat channel: a real server, a WeChat-like sender, a fake WeChat API.

``WeChatSender`` plays WeChat's servers: it signs with wechatpy's ``WeChatSigner``, encrypts with
``wechatpy.crypto.WeChatCrypto`` and parses replies with ``wechatpy.replies.deserialize_reply``,
so the endpoint is checked against an implementation that is not ours. ``FakeWeChatApi`` stands
in for api.weixin.qq.com (the one fake allowed, at the HTTP boundary) and records each call.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import uvicorn
import xmltodict
from conftest import KNOWLEDGE, free_port
from wechatpy.crypto import WeChatCrypto
from wechatpy.replies import BaseReply, deserialize_reply
from wechatpy.utils import WeChatSigner

from bot.config import Settings

TOKEN = "faqbotTestToken"
APP_ID = "wx1234567890abcdef"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters, as the console gives
ACCOUNT = "gh_faqbot_account"


# A question answered by a slow fake LLM (tests/fake_llm.py), for WeChat's 5 s deadline and its retries.
SLOW_QUESTION = "长春职工医保门诊共济从什么时候开始？"
SLOW_LLM_ANSWER = "2023年1月1日起，长春市正式启动实施职工医保门诊共济保障机制[1]。"
SLOW_FACT = "2023年1月1日起，长春市正式启动实施职工医保门诊共济保障机制"
# The same answer delivered late, on the resident's next message: it starts with the question it answers.
SLOW_PICKED_UP = f"您刚才问：“{SLOW_QUESTION}”\n{SLOW_FACT}"
SLOW_LLM_DELAY = 6.5  # the fake LLM's first answer: later than WeChat waits for any one delivery (5 s)
WECHAT_WAITS = 5.0  # WeChat gives up on a delivery after this many seconds


def articles_only(root: Path) -> Path:
    """The knowledge articles without the curated FAQ: a FAQ hit is instant and never reaches the LLM."""
    target = root / "knowledge"
    shutil.copytree(KNOWLEDGE, target, ignore=shutil.ignore_patterns("faq.yaml"))
    return target


def slow_settings(data: Path, llm_base_url: str, *, llm_timeout: float = 15.0, **wechat: object) -> Settings:
    """A server on ``data`` whose answers come from the fake LLM at ``llm_base_url``, no answer cache (every
    test asks the same question and must reach the slow LLM)."""
    return Settings(
        data_dir=data,
        knowledge_dir=articles_only(data.parent),
        wechat_token=TOKEN,
        llm_base_url=llm_base_url,
        llm_model="qwen-test",
        llm_timeout=llm_timeout,
        answer_cache_size=0,
        **wechat,  # type: ignore[arg-type]
    )


# ---------------------------------------------------------------------- the server under test
@dataclass
class Running:
    base: str
    app: Any

    def store_rows(self, openid: str) -> list[Any]:
        """The messages the conversation service recorded for one WeChat user (one per chain call)."""
        service = self.app.state.service
        service.store.flush()
        return service.store.recent_turns(f"wechat:{openid}", limit=1000)

    def metric(self, name: str, **labels: str) -> float:
        value = self.app.state.metrics.registry.get_sample_value(name, labels)
        return float(value or 0.0)


@contextmanager
def running_app(settings: Any, *, wait_ready: bool = True, ready_timeout: float = 180.0) -> Iterator[Running]:
    """``create_app(settings)`` under uvicorn on a free loopback port (by default once the index is loaded)."""
    from bot.api import create_app

    app = create_app(settings)
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    probe = "/readyz" if wait_ready else "/healthz"
    deadline = time.monotonic() + ready_timeout
    try:
        while True:
            try:
                if httpx.get(base + probe, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError(f"the server did not answer {probe} with 200")
            time.sleep(0.1)
        yield Running(base, app)
    finally:
        server.should_exit = True
        thread.join(30)


# ---------------------------------------------------------------------- WeChat's side
def cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_message(openid: str, content: str, msg_id: int | None = None, create_time: int | None = None) -> str:
    return (
        f"<xml><ToUserName>{cdata(ACCOUNT)}</ToUserName><FromUserName>{cdata(openid)}</FromUserName>"
        f"<CreateTime>{create_time or int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{cdata(content)}</Content><MsgId>{msg_id or new_msg_id()}</MsgId></xml>"
    )


def event_message(openid: str, event: str, create_time: int | None = None) -> str:
    return (
        f"<xml><ToUserName>{cdata(ACCOUNT)}</ToUserName><FromUserName>{cdata(openid)}</FromUserName>"
        f"<CreateTime>{create_time or int(time.time())}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        f"<Event>{cdata(event)}</Event><EventKey><![CDATA[]]></EventKey></xml>"
    )


def media_message(openid: str, msg_type: str, extra: str = "", msg_id: int | None = None) -> str:
    return (
        f"<xml><ToUserName>{cdata(ACCOUNT)}</ToUserName><FromUserName>{cdata(openid)}</FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType>{cdata(msg_type)}</MsgType>"
        f"{extra}<MsgId>{msg_id or new_msg_id()}</MsgId></xml>"
    )


_counter = iter(range(10**9))


def new_msg_id() -> int:
    return 23_000_000_000_000_000 + int(time.time() * 1000) % 10**9 * 100 + next(_counter) % 100


def new_openid() -> str:
    return "o6_bmj" + uuid.uuid4().hex[:22]


def signature(token: str, timestamp: str, nonce: str) -> str:
    signer = WeChatSigner()
    signer.add_data(token, timestamp, nonce)
    return signer.signature


@dataclass
class Delivery:
    status: int
    body: bytes
    seconds: float
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class WeChatSender:
    """Posts messages to ``/wechat`` the way WeChat's servers do (plaintext or safe mode)."""

    def __init__(self, base_url: str, token: str = TOKEN, crypto: WeChatCrypto | None = None) -> None:
        self.url = f"{base_url}/wechat"
        self.token = token
        self.crypto = crypto

    def query(self, timestamp: int | None = None, nonce: str | None = None) -> dict[str, str]:
        ts = str(timestamp or int(time.time()))
        nonce = nonce or uuid.uuid4().hex[:10]
        return {"signature": signature(self.token, ts, nonce), "timestamp": ts, "nonce": nonce, "openid": "x"}

    def post(
        self, xml: str | bytes, *, params: dict[str, str] | None = None, timeout: float = 30.0
    ) -> Delivery:
        params = dict(params or self.query())
        body = xml.encode("utf-8") if isinstance(xml, str) else xml
        if self.crypto is not None and "encrypt_type" not in params:
            envelope = self.crypto.encrypt_message(body.decode("utf-8"), params["nonce"], params["timestamp"])
            fields = xmltodict.parse(envelope)["xml"]
            params.update(encrypt_type="aes", msg_signature=fields["MsgSignature"])
            body = f"<xml><ToUserName>{cdata(ACCOUNT)}</ToUserName><Encrypt>{cdata(fields['Encrypt'])}</Encrypt></xml>".encode()
        started = time.monotonic()
        response = httpx.post(self.url, params=params, content=body, timeout=timeout)
        return Delivery(
            response.status_code, response.content, time.monotonic() - started, dict(response.headers)
        )

    def reply(self, delivery: Delivery) -> BaseReply:
        """The passive reply, decrypted in safe mode (checking MsgSignature), parsed by wechatpy."""
        assert delivery.status == 200, delivery.text
        xml = delivery.text
        if self.crypto is not None and xml != "success":
            envelope = xmltodict.parse(xml)["xml"]
            xml = self.crypto.decrypt_message(
                xml, envelope["MsgSignature"], envelope["TimeStamp"], envelope["Nonce"]
            )
        return deserialize_reply(xml)

    def ask(self, openid: str, content: str, **kwargs: Any) -> BaseReply:
        return self.reply(self.post(text_message(openid, content, **kwargs)))


# ---------------------------------------------------------------------- api.weixin.qq.com stand-in
class _ApiHandler(BaseHTTPRequestHandler):
    server: _ApiServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle(b"")

    def do_POST(self) -> None:
        self._handle(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

    def _handle(self, raw: bytes) -> None:
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        body = json.loads(raw) if raw else None
        api = self.server.api
        api.record(url.path, query, body)
        if url.path.endswith("/token"):
            ok = query.get("appid") == api.app_id and query.get("secret") == api.secret
            payload = (
                {"access_token": api.access_token, "expires_in": 7200}
                if ok
                else {"errcode": 40125, "errmsg": "invalid appsecret"}
            )
        elif query.get("access_token") != api.access_token:
            payload = {"errcode": 40001, "errmsg": "invalid credential"}
        elif api.send_errcode:
            payload = {
                "errcode": api.send_errcode,
                "errmsg": "response out of time limit or subscription is canceled",
            }
        else:
            payload = {"errcode": 0, "errmsg": "ok"}
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _ApiServer(ThreadingHTTPServer):
    daemon_threads = True
    api: FakeWeChatApi


@dataclass
class ApiCall:
    path: str
    query: dict[str, str]
    body: Any


class FakeWeChatApi:
    """Answers ``GET /cgi-bin/token`` and ``POST /cgi-bin/message/custom/send`` and records them."""

    def __init__(self, app_id: str = APP_ID, secret: str = "test-app-secret") -> None:
        self.app_id = app_id
        self.secret = secret
        self.access_token = "ACCESS_TOKEN_" + uuid.uuid4().hex[:8]
        self.send_errcode = 0  # set to e.g. 45015 to refuse customer-service messages
        self.calls: list[ApiCall] = []
        self._changed = threading.Condition()
        self._server = _ApiServer(("127.0.0.1", 0), _ApiHandler)
        self._server.api = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/cgi-bin/"

    def record(self, path: str, query: dict[str, str], body: Any) -> None:
        with self._changed:
            self.calls.append(ApiCall(path, query, body))
            self._changed.notify_all()

    def messages(self) -> list[ApiCall]:
        return [c for c in self.calls if c.path.endswith("/message/custom/send")]

    def wait_for_messages(self, n: int, timeout: float) -> list[ApiCall]:
        with self._changed:
            self._changed.wait_for(lambda: len(self.messages()) >= n, timeout)
            return self.messages()

    def __enter__(self) -> FakeWeChatApi:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
