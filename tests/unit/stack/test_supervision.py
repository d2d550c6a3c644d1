"""The supervisord configuration the local stack writes, and what ``status`` reads back."""

from __future__ import annotations

import configparser
from pathlib import Path

import pytest

from deploy.local.config import LocalStack
from deploy.local.services import service_env, service_programs, service_url
from deploy.local.supervision import Program, Supervisord

pytestmark = pytest.mark.unit


def test_programs_restart_with_backoff_stop_gracefully_and_escape_percent(tmp_path: Path) -> None:
    stack = LocalStack(state_dir=tmp_path, service_port_base=18000)
    sup = Supervisord(stack)
    odd = Program("odd", ["echo", "50%", "a b"], tmp_path, tmp_path / "odd.log",
                  env={"X": 'say "hi" 100%'})  # fmt: skip
    sup.write_conf([odd, *service_programs(stack, ["matching"])])
    conf = configparser.RawConfigParser()
    conf.read(sup.conf)
    matching = conf["program:matching"]
    assert matching["autorestart"] == "true" and matching["autostart"] == "false"
    assert int(matching["startretries"]) >= 10  # backoff 1 s, 2 s, 3 s ... before giving up
    assert matching["stopsignal"] == "TERM" and matching["stopasgroup"] == "true"
    assert "--port 18003" in matching["command"]
    assert "--timeout-graceful-shutdown" in matching["command"]
    assert conf["program:odd"]["command"] == "echo 50%% 'a b'"  # supervisord expands %
    assert conf["program:odd"]["environment"] == 'X="say \\"hi\\" 100%%"'


def test_a_second_stack_tells_its_services_where_everything_is() -> None:
    stack = LocalStack(kafka_port=19092, ferretdb_port=27117, opensearch_port=19200,
                       smtp_port=11025, service_port_base=28000)  # fmt: skip
    env = service_env(stack)
    assert env["DUIJIE_KAFKA_BOOTSTRAP"] == "127.0.0.1:19092"
    assert env["DUIJIE_MONGO_URL"] == "mongodb://127.0.0.1:27117"
    assert env["DUIJIE_OPENSEARCH_URL"] == "http://127.0.0.1:19200"
    assert env["DUIJIE_JWKS_URL"] == "http://127.0.0.1:28001/.well-known/jwks.json"
    assert env["DUIJIE_PORTAL_MATCHING_URL"] == "http://127.0.0.1:28003"
    assert env["DUIJIE_NOTIFICATIONS_SMTP_PORT"] == "11025"
    assert service_url("portal", LocalStack()) == "http://127.0.0.1:8000"


def test_restarts_and_crashes_are_counted_since_supervisord_last_started(tmp_path: Path) -> None:
    sup = Supervisord(LocalStack(state_dir=tmp_path))
    sup.log_file.parent.mkdir(parents=True)
    sup.log_file.write_text(
        "INFO supervisord started with pid 1\n"
        "INFO spawned: 'kafka' with pid 5\n"  # an earlier supervisord: not counted
        "INFO supervisord started with pid 2\n"
        "INFO spawned: 'kafka' with pid 10\n"
        "INFO spawned: 'matching' with pid 11\n"
        "WARN exited: matching (terminated by SIGKILL; not expected)\n"
        "INFO spawned: 'matching' with pid 12\n"
        "INFO exited: matching (exit status 0; expected)\n"
        "INFO spawned: 'matching' with pid 13\n"
    )
    assert sup.restarts() == {
        "kafka": {"restarts": 0, "crashes": 0},
        "matching": {"restarts": 2, "crashes": 1},
    }
