"""Integration fixtures: ONE local stack (moto server over HTTP + the real handlers) per run;
helpers and the scripted inspection double live in ``support.py``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from infra.local_stack import LocalStack
from tests.integration.support import ENROLLED, Client, ScriptedInspector


@pytest.fixture(scope="session")
def inspector() -> ScriptedInspector:
    return ScriptedInspector()


@pytest.fixture(scope="session")
def stack(inspector: ScriptedInspector) -> Iterator[LocalStack]:
    with LocalStack(port=0, inspector=inspector, retry_delay=0) as running:
        yield running


@pytest.fixture
def subscriber(stack: LocalStack) -> Client:
    token = stack.mint_subscriber_token("keitai-support-plus", ENROLLED)
    return Client(stack, token)
