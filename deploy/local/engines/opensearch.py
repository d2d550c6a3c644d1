"""OpenSearch 2.x: the integ-test zip from Maven Central, plus the analysis-common,
percolator and mapper-extras modules assembled from their published jars.

OpenSearch refuses to run as root, so as root it runs as an unprivileged system user.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import shutil
import subprocess
import zipfile
from pathlib import Path

import httpx

from deploy.local import versions
from deploy.local.engines.base import Engine, EngineError, cached, run

JVM_OPTIONS = """\
-Xms512m
-Xmx768m
-XX:+UseG1GC
-XX:-HeapDumpOnOutOfMemoryError
-Djava.io.tmpdir=${OPENSEARCH_TMPDIR}
-Xlog:disable
"""


class OpenSearch(Engine):
    name = "opensearch"
    tools = ("java", "mvn")

    @property
    def port(self) -> int:
        return self.stack.opensearch_port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def home(self) -> Path:
        """Data and configuration. The unprivileged search user must reach them: when the
        state directory sits under a private folder (e.g. a clone in /root), they live in
        /var/lib/duijie instead, one folder per state directory."""
        base = self.stack.state_dir
        if self.user() and not _traversable(base):
            digest = hashlib.sha1(str(base.resolve()).encode()).hexdigest()[:10]  # noqa: S324
            return Path("/var/lib/duijie") / digest / self.name
        return base / self.name

    @property
    def install(self) -> Path:
        return self.stack.cache_dir / f"opensearch-{versions.OPENSEARCH_VERSION}"

    def fetch(self) -> None:
        version = versions.OPENSEARCH_VERSION

        def build(scratch: Path) -> None:
            run(
                [
                    "mvn", "-q", "-B", "dependency:copy",
                    f"-Dartifact=org.opensearch.distribution.integ-test-zip:opensearch:{version}:zip",
                    f"-DoutputDirectory={scratch}",
                ]
            )  # fmt: skip
            archive = scratch / f"opensearch-{version}.zip"
            with zipfile.ZipFile(archive) as zf:
                zf.extractall(scratch)
            archive.unlink()
            home = scratch / f"opensearch-{version}"
            for path in (home / "bin").iterdir():
                path.chmod(0o755)
            for folder, artifact, plugin_class in versions.OPENSEARCH_MODULES:
                target = home / "modules" / folder
                target.mkdir(parents=True, exist_ok=True)
                run(
                    [
                        "mvn", "-q", "-B", "dependency:copy",
                        f"-Dartifact=org.opensearch.plugin:{artifact}:{version}",
                        f"-DoutputDirectory={target}",
                    ]
                )  # fmt: skip
                (target / "plugin-descriptor.properties").write_text(
                    f"description={folder} module\nversion={version}\nname={folder}\n"
                    f"classname={plugin_class}\njava.version=11\nopensearch.version={version}\n"
                    "custom.foldername=\nextended.plugins=\nhas.native.controller=false\n"
                )
            for entry in home.iterdir():
                entry.rename(scratch / entry.name)
            home.rmdir()

        cached(self.install, build)
        _readable_by_all(self.install)

    def prepare(self) -> None:
        config = self.home / "config"
        if config.exists():
            shutil.rmtree(config)
        shutil.copytree(self.install / "config", config)
        (config / "jvm.options").write_text(JVM_OPTIONS)
        (config / "opensearch.yml").write_text(
            "\n".join(
                [
                    "cluster.name: duijie-local",
                    "node.name: local",
                    "discovery.type: single-node",
                    "network.host: 127.0.0.1",
                    f"http.port: {self.port}",
                    f"transport.port: {self.stack.opensearch_transport_port}",
                    f"path.data: {self.home / 'data'}",
                    f"path.logs: {self.home / 'logs'}",
                    "action.auto_create_index: true",
                    "cluster.routing.allocation.disk.threshold_enabled: false",
                    "",
                ]
            )
        )
        for folder in (self.home / "data", self.home / "tmp", self.home / "logs"):
            folder.mkdir(parents=True, exist_ok=True)
        user = self.user()
        if user:
            _ensure_user(user)
            entry = pwd.getpwnam(user)
            _chown_tree(self.home, entry.pw_uid, entry.pw_gid)
            _check_traversable(self.home, user)

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        java = shutil.which("java")
        if java:
            env["OPENSEARCH_JAVA_HOME"] = str(Path(os.path.realpath(java)).parents[1])
        env["OPENSEARCH_PATH_CONF"] = str(self.home / "config")
        env["OPENSEARCH_TMPDIR"] = str(self.home / "tmp")
        env.pop("JAVA_TOOL_OPTIONS", None)
        if self.user():
            env["HOME"] = str(self.home)
        return env

    def command(self) -> list[str]:
        return [str(self.install / "bin" / "opensearch")]

    def user(self) -> str | None:
        return self.stack.search_user if os.geteuid() == 0 else None

    def healthy(self) -> bool:
        """Cluster health is yellow or green."""
        try:
            resp = httpx.get(f"{self.url}/_cluster/health", timeout=2.0)
            return resp.status_code == 200 and resp.json().get("status") in {"yellow", "green"}
        except (httpx.HTTPError, ValueError):
            return False


def _ensure_user(user: str) -> None:
    try:
        pwd.getpwnam(user)
    except KeyError:
        run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user])


def _chown_tree(path: Path, uid: int, gid: int) -> None:
    os.chown(path, uid, gid)
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            os.chown(os.path.join(root, name), uid, gid, follow_symlinks=False)


def _readable_by_all(path: Path) -> None:
    # The cache is written by root but read by the unprivileged search user.
    subprocess.run(["chmod", "-R", "a+rX", str(path)], check=True)


def _traversable(path: Path) -> bool:
    """Every folder from / down to ``path`` (as far as it exists) lets others enter."""
    return all(os.stat(p).st_mode & 0o001 for p in [path, *path.parents] if p.exists())


def _check_traversable(path: Path, user: str) -> None:
    for parent in [path, *path.parents]:
        if not os.stat(parent).st_mode & 0o001:
            raise EngineError(
                f"opensearch runs as the unprivileged user {user!r}, which cannot enter "
                f"{parent} (mode {oct(os.stat(parent).st_mode & 0o777)}); set "
                "DUIJIE_LOCAL_STATE_DIR to a folder outside it"
            )
