"""Kafka's storage is formatted with a random cluster id; one starting with "-" must not
be read as an option (it failed one `make up` in 64 before)."""

from __future__ import annotations

import base64

import pytest

from deploy.local.config import LocalStack
from deploy.local.engines.kafka import Kafka, _cluster_id

pytestmark = pytest.mark.unit


def test_cluster_ids_are_16_bytes_base64url() -> None:
    for _ in range(200):
        cid = _cluster_id()
        assert len(cid) == 22
        assert len(base64.urlsafe_b64decode(cid + "==")) == 16


def test_an_id_starting_with_a_dash_stays_one_argument() -> None:
    args = Kafka(LocalStack()).format_command("-AbCdEfGhIjKlMnOpQrStUv")
    assert "--cluster-id=-AbCdEfGhIjKlMnOpQrStUv" in args
    assert "-AbCdEfGhIjKlMnOpQrStUv" not in args
