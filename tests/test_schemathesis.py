"""Property-based check of the whole HTTP surface against its own /openapi.json: no 5xx, responses conform.

Bounded: a few generated cases per operation, positive and negative, so it runs in well under a minute.
The admin reindex is left out (it rebuilds the index; tests/test_api_load.py covers it).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from conftest import KNOWLEDGE
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from live_server import LiveServer, clean_settings, copy_seed, live_server
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from bot.api import create_app

KEY = "schemathesis-key"
EXAMPLES_PER_OPERATION = 15
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, seed_index_dir: Path) -> Iterator[LiveServer]:
    data = copy_seed(seed_index_dir, tmp_path_factory.mktemp("schemathesis") / "data")
    settings = clean_settings(data_dir=data, knowledge_dir=KNOWLEDGE, api_keys=[KEY], rate_limit_per_minute=0)
    with live_server(create_app(settings)) as s:
        yield s


@pytest.mark.slow
@pytest.mark.parametrize(
    "mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["positive", "negative"]
)
def test_api_conforms_to_its_openapi_schema(server: LiveServer, mode: GenerationMode) -> None:
    schema = schemathesis.openapi.from_url(server.url + "/openapi.json").exclude(path="/api/v1/admin/reindex")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9
    checks = [*CHECKS, negative_data_rejection] if mode == GenerationMode.NEGATIVE else CHECKS
    started = time.monotonic()
    unsatisfiable: list[str] = []
    for operation in operations:
        has_input = any(len(x) for x in (operation.body, operation.path_parameters, operation.query))
        if mode == GenerationMode.NEGATIVE and not has_input:
            continue  # nothing to make invalid (GET /healthz)

        @given(case=operation.as_strategy(generation_mode=mode))
        @hypothesis_settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(
                base_url=server.url, headers={"Authorization": f"Bearer {KEY}"}, checks=checks, timeout=60
            )

        try:
            check()
        except Unsatisfiable:
            # Some inputs cannot be made invalid on the wire (any text is a valid path segment).
            unsatisfiable.append(operation.label)
    assert not [label for label in unsatisfiable if label.startswith("POST")], unsatisfiable
    assert time.monotonic() - started < 90
