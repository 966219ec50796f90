"""The OpenAI-compatible endpoint, driven by the official ``openai`` client and by bridge-shaped raw calls."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest
import requests
from conftest import KNOWLEDGE
from live_server import LiveServer, clean_settings, copy_seed, live_server
from openai import OpenAI

from bot.api import create_app

KEY = "sk-faqbot-test-key"
QUESTION = "请问长春市职工医保门诊共济保障机制自何时起正式实施？"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, seed_index_dir: Path) -> Iterator[LiveServer]:
    data = copy_seed(seed_index_dir, tmp_path_factory.mktemp("openai") / "data")
    settings = clean_settings(
        data_dir=data, knowledge_dir=KNOWLEDGE, api_keys=["another-key", KEY], rate_limit_per_minute=0
    )
    with live_server(create_app(settings)) as s:
        yield s


@pytest.fixture(scope="module")
def client(server: LiveServer) -> OpenAI:
    return OpenAI(base_url=server.url + "/v1", api_key=KEY, max_retries=0, _strict_response_validation=True)


def test_models_list_and_retrieve(client: OpenAI) -> None:
    assert [m.id for m in client.models.list()] == ["faqbot"]
    assert client.models.retrieve("faqbot").id == "faqbot"
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("gpt-4o")


def test_plain_completion_carries_footnotes_citations_and_usage(client: OpenAI) -> None:
    completion = client.chat.completions.create(
        model="faqbot", messages=[{"role": "user", "content": QUESTION}]
    )
    assert completion.object == "chat.completion"
    choice = completion.choices[0]
    assert choice.finish_reason == "stop"
    assert choice.message.role == "assistant"
    content = choice.message.content or ""
    assert "来源：" in content and "长春市实施职工医保门诊共济保障机制" in content
    assert completion.usage is not None
    assert completion.usage.completion_tokens > 0
    assert (
        completion.usage.total_tokens == completion.usage.prompt_tokens + completion.usage.completion_tokens
    )
    extra = completion.model_extra or {}
    assert extra["citations"] and extra["citations"][0]["doc_id"] == "cc-medical-outpatient"


def test_streamed_deltas_join_to_the_plain_answer(client: OpenAI) -> None:
    plain = client.chat.completions.create(model="faqbot", messages=[{"role": "user", "content": QUESTION}])
    stream = client.chat.completions.create(
        model="faqbot",
        messages=[{"role": "user", "content": QUESTION}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == plain.choices[0].message.content
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishes == ["stop"]
    usage_chunks = [c for c in chunks if c.usage is not None]
    assert len(usage_chunks) == 1 and usage_chunks[0].choices == []
    assert usage_chunks[0].usage is not None and usage_chunks[0].usage.completion_tokens > 0


def test_stream_without_usage_option_sends_no_usage_chunk(client: OpenAI) -> None:
    chunks = list(
        client.chat.completions.create(
            model="faqbot", messages=[{"role": "user", "content": QUESTION}], stream=True
        )
    )
    assert chunks and all(c.usage is None for c in chunks)
    assert chunks[-1].choices[0].finish_reason == "stop"


def test_wrong_or_missing_key_is_an_authentication_error(server: LiveServer) -> None:
    wrong = OpenAI(
        base_url=server.url + "/v1", api_key="sk-wrong", max_retries=0, _strict_response_validation=True
    )
    with pytest.raises(openai.AuthenticationError) as info:
        wrong.chat.completions.create(model="faqbot", messages=[{"role": "user", "content": QUESTION}])
    assert info.value.status_code == 401
    body = info.value.body
    assert isinstance(body, dict) and {"message", "type", "param", "code"} <= body.keys()
    with pytest.raises(openai.AuthenticationError):
        wrong.models.list()
    r = httpx.get(server.url + "/v1/models")
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_api_key"


def test_follow_up_uses_history_from_messages(client: OpenAI) -> None:
    first = client.chat.completions.create(
        model="faqbot", messages=[{"role": "user", "content": "长春在职职工个人账户计入标准是多少？"}]
    )
    follow = client.chat.completions.create(
        model="faqbot",
        messages=[
            {"role": "system", "content": "你是一个乐于助人的助手。"},
            {"role": "user", "content": "长春在职职工个人账户计入标准是多少？"},
            {"role": "assistant", "content": first.choices[0].message.content},
            {"role": "user", "content": "那退休人员呢？"},
        ],
    )
    content = follow.choices[0].message.content or ""
    assert "退休人员" in content and ("4%" in content or "2.8%" in content), content
    assert {c["doc_id"] for c in (follow.model_extra or {})["citations"]} == {"cc-medical-outpatient"}


def test_system_message_and_sampling_options_do_not_change_the_answer(client: OpenAI) -> None:
    bare = client.chat.completions.create(model="faqbot", messages=[{"role": "user", "content": QUESTION}])
    dressed = client.chat.completions.create(
        model="faqbot",
        messages=[
            {"role": "system", "content": "Answer in English like a pirate."},
            {"role": "user", "content": QUESTION},
        ],
        temperature=1.7,
        top_p=0.3,
        presence_penalty=1.0,
        frequency_penalty=0.5,
        max_tokens=5,
        user="wx-openid-123",
        tools=[
            {
                "type": "function",
                "function": {"name": "lookup", "parameters": {"type": "object", "properties": {}}},
            }
        ],
        tool_choice="auto",
        extra_body={"something_new": {"nested": True}},
    )
    assert dressed.choices[0].message.content == bare.choices[0].message.content


def test_content_parts_are_read_as_text(client: OpenAI) -> None:
    completion = client.chat.completions.create(
        model="faqbot", messages=[{"role": "user", "content": [{"type": "text", "text": QUESTION}]}]
    )
    assert "来源：" in (completion.choices[0].message.content or "")


def test_unknown_model_is_404_and_bad_bodies_are_4xx(client: OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as info:
        client.chat.completions.create(
            model="gpt-3.5-turbo", messages=[{"role": "user", "content": QUESTION}]
        )
    assert info.value.code == "model_not_found"
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(
            model="faqbot", messages=[{"role": "system", "content": "only a system message"}]
        )
    with pytest.raises(openai.UnprocessableEntityError):
        client.chat.completions.create(model="faqbot", messages=[])
    with pytest.raises(openai.UnprocessableEntityError):
        client.chat.completions.create(model="faqbot", messages=[{"role": "user", "content": "   "}])


def test_chatgpt_on_wechat_style_call(server: LiveServer) -> None:
    """What chatgpt-on-wechat's ChatGPTBot sends and reads (non-streaming, requests library)."""
    args = {
        "model": "faqbot",
        "temperature": 0.9,
        "top_p": 1,
        "frequency_penalty": 0.0,
        "presence_penalty": 0.0,
        "request_timeout": 180,
        "timeout": 120,
    }
    messages = [
        {"role": "system", "content": "你是ChatGPT, 一个由OpenAI训练的大型语言模型。"},
        {"role": "user", "content": QUESTION},
    ]
    r = requests.post(
        server.url + "/v1/chat/completions",
        headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"},
        json={"messages": messages, **args},
        timeout=60,
    )
    assert r.status_code == 200
    response = r.json()
    reply = {
        "total_tokens": response["usage"]["total_tokens"],
        "completion_tokens": response["usage"]["completion_tokens"],
        "content": response["choices"][0]["message"]["content"],
    }
    assert reply["completion_tokens"] > 0 and len(reply["content"]) > 0
    assert reply["total_tokens"] >= reply["completion_tokens"]


def test_streaming_does_not_need_an_event_stream_accept_header(server: LiveServer) -> None:
    r = httpx.post(
        server.url + "/v1/chat/completions",
        headers={"Authorization": f"Bearer {KEY}", "Accept": "application/json"},
        json={"model": "faqbot", "stream": True, "messages": [{"role": "user", "content": QUESTION}]},
        timeout=60,
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/event-stream")
    assert r.headers["x-accel-buffering"] == "no"
    assert r.text.rstrip().endswith("data: [DONE]")
