"""Apache Kafka, KRaft single node (broker + controller), jars from Maven Central."""

from __future__ import annotations

import asyncio
import base64
import logging
import shutil
import uuid
from pathlib import Path

from deploy.local import versions
from deploy.local.engines.base import Engine, cached, run

POM = Path(__file__).resolve().parents[1] / "maven" / "kafka-pom.xml"
MAIN = "kafka.Kafka"
HEAP = "-Xmx512m"


class Kafka(Engine):
    name = "kafka"
    tools = ("java", "mvn")

    @property
    def port(self) -> int:
        return self.stack.kafka_port

    @property
    def url(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def libs(self) -> Path:
        return self.stack.cache_dir / f"kafka-{versions.KAFKA_VERSION}" / "libs"

    def fetch(self) -> None:
        def build(scratch: Path) -> None:
            shutil.copy(POM, scratch / "pom.xml")
            run(
                [
                    "mvn", "-q", "-B", "dependency:copy-dependencies",
                    f"-Dkafka.version={versions.KAFKA_VERSION}",
                    f"-Dlog4j.version={versions.LOG4J_VERSION}",
                    "-DincludeScope=runtime", "-DoutputDirectory=libs",
                ],
                cwd=scratch,
            )  # fmt: skip

        cached(self.libs.parent, build)

    def _classpath(self) -> str:
        return f"{self.libs}/*"

    def prepare(self) -> None:
        props = self.home / "server.properties"
        props.write_text(
            "\n".join(
                [
                    "process.roles=broker,controller",
                    "node.id=1",
                    f"controller.quorum.voters=1@127.0.0.1:{self.stack.kafka_controller_port}",
                    f"listeners=PLAINTEXT://127.0.0.1:{self.port},"
                    f"CONTROLLER://127.0.0.1:{self.stack.kafka_controller_port}",
                    f"advertised.listeners=PLAINTEXT://127.0.0.1:{self.port}",
                    "controller.listener.names=CONTROLLER",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    f"log.dirs={self.home / 'data'}",
                    "num.partitions=3",
                    "offsets.topic.replication.factor=1",
                    "offsets.topic.num.partitions=10",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "share.coordinator.state.topic.replication.factor=1",
                    "group.initial.rebalance.delay.ms=0",
                    "auto.create.topics.enable=true",
                    "",
                ]
            )
        )
        (self.home / "log4j2.properties").write_text(
            "\n".join(
                [
                    "status = warn",
                    "appender.out.type = Console",
                    "appender.out.name = out",
                    "appender.out.layout.type = PatternLayout",
                    "appender.out.layout.pattern = [%d] %p %m (%c)%n",
                    "rootLogger.level = INFO",
                    "rootLogger.appenderRef.out.ref = out",
                    "logger.kafka.name = kafka",
                    "logger.kafka.level = WARN",
                    "logger.apache.name = org.apache.kafka",
                    "logger.apache.level = WARN",
                    "",
                ]
            )
        )
        if not (self.home / "data" / "meta.properties").exists():
            # Storage is formatted once; the cluster id is kept with the data.
            run(self.format_command(_cluster_id()))

    def format_command(self, cluster_id: str) -> list[str]:
        """StorageTool's format call; the id is glued to its option because a base64url id
        may start with "-", which would be read as an option."""
        return [
            "java", "-cp", self._classpath(),
            f"-Dlog4j2.configurationFile={self.home / 'log4j2.properties'}",
            "kafka.tools.StorageTool", "format", f"--cluster-id={cluster_id}",
            "-c", str(self.home / "server.properties"), "--ignore-formatted",
        ]  # fmt: skip

    def command(self) -> list[str]:
        return [
            "java", HEAP, "-Xms256m", "-XX:+UseG1GC", "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={self.home / 'log4j2.properties'}",
            f"-Dkafka.logs.dir={self.stack.logs_dir}",
            "-cp", self._classpath(), MAIN, str(self.home / "server.properties"),
        ]  # fmt: skip

    def healthy(self) -> bool:
        """The broker answers a metadata request."""
        try:
            return asyncio.run(_metadata_ok(self.url))
        except Exception:
            return False


async def _metadata_ok(bootstrap: str) -> bool:
    from aiokafka import AIOKafkaClient

    # A refused connection while the broker starts is expected, not worth a log line.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    client = AIOKafkaClient(bootstrap_servers=bootstrap, request_timeout_ms=3000)
    try:
        await asyncio.wait_for(client.bootstrap(), 4)
        return bool(client.cluster.brokers())
    finally:
        await client.close()


def _cluster_id() -> str:
    # Passed as --cluster-id=<id>: a base64url id may start with "-", which argparse would
    # read as an option (seen: "argument --cluster-id/-t: expected one argument").
    return base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
