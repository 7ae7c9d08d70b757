"""Real storage servers for the object-store tests, each a separate process speaking its protocol over HTTP.

- S3: moto's standalone server (`python -m moto.server`). Its state lives in memory, so it runs with moto's
  recorder on: after a kill, `restart()` replays every request it had accepted, as a durable store would keep them.
- Azure Blob: Azurite, Microsoft's emulator, from npm (package.json); it keeps its blobs in a folder and its
  metadata in a file it saves every few seconds, so a kill waits for that save.

A bucket or container is made with each ecosystem's own client (lasdash never creates one: an operator does).
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AZURITE = ROOT / "node_modules" / ".bin" / "azurite-blob"
# Azurite's published development account (the same in every install, documented by Microsoft).
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server did not listen on {port} in {timeout:.0f} s:\n{log.read_text(errors='replace')[-3000:]}")


class _Server:
    scheme = ""
    port = 0
    proc: subprocess.Popen | None = None

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.log = workdir / "server.log"

    def _command(self) -> list[str]:
        raise NotImplementedError

    def _env(self) -> dict:
        return dict(os.environ)

    def start(self) -> _Server:
        with open(self.log, "a") as log:
            self.proc = subprocess.Popen(self._command(), stdout=log, stderr=subprocess.STDOUT, env=self._env(),
                                         cwd=self.workdir, start_new_session=True)
        _wait_for_port(self.port, self.proc, self.log)
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def kill(self) -> None:
        """SIGKILL: the store vanishes mid-request, as a crashed or partitioned server does; restart() brings
        it back with what it had stored."""
        self.stop()

    def restart(self) -> None:
        self.start()

    def new_location(self) -> str:
        """A fresh bucket or container, and a prefix in it: one test's private store."""
        name = f"lasdash-{uuid.uuid4().hex[:12]}"
        self.make_bucket(name)
        return f"{self.scheme}://{name}/map"

    def make_bucket(self, name: str) -> None:
        raise NotImplementedError

    def env(self) -> dict[str, str]:
        """The standard settings a lasdash process needs to reach this server."""
        raise NotImplementedError


class Moto(_Server):
    scheme = "s3"

    def _command(self) -> list[str]:
        return [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)]

    def _env(self) -> dict:
        return {**os.environ, "MOTO_ENABLE_RECORDING": "true", "MOTO_RECORDER_FILEPATH": str(self.workdir / "recording")}

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def restart(self) -> None:
        self.start()
        req = urllib.request.Request(f"{self.endpoint}/moto-api/recorder/replay-recording", method="POST")
        urllib.request.urlopen(req, timeout=120).read()

    def env(self) -> dict[str, str]:
        return {"AWS_ENDPOINT_URL": self.endpoint, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                "AWS_REGION": "eu-west-2"}

    def client(self):
        import boto3
        return boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id="test", aws_secret_access_key="test",
                            region_name="eu-west-2")

    def make_bucket(self, name: str) -> None:
        self.client().create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})


class Azurite(_Server):
    scheme = "az"

    AUTOSAVE_SECONDS = 5  # LokiBlobMetadataStore's autosaveInterval in Azurite 3.37

    def kill(self) -> None:
        """SIGKILL once Azurite has saved its metadata: it saves every 5 s, where a real Blob service has stored
        every write it acknowledged. (SIGTERM waits for idle client connections, and would hang.)"""
        if self.proc and self.proc.poll() is None:
            time.sleep(self.AUTOSAVE_SECONDS + 1.5)
        self.stop()

    def _command(self) -> list[str]:
        if not AZURITE.exists():
            raise RuntimeError(f"Azurite is not installed ({AZURITE}): run `npm ci` in the repository root, as the "
                               "README's test command does.")
        return [str(AZURITE), "--blobHost", "127.0.0.1", "--blobPort", str(self.port), "--location",
                str(self.workdir / "blobs"), "--skipApiVersionCheck", "--loose", "--silent"]

    @property
    def connection_string(self) -> str:
        return (f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};AccountKey={AZURITE_KEY};"
                f"BlobEndpoint=http://127.0.0.1:{self.port}/{AZURITE_ACCOUNT};")

    def env(self) -> dict[str, str]:
        return {"AZURE_STORAGE_CONNECTION_STRING": self.connection_string}

    def make_bucket(self, name: str) -> None:
        from azure.storage.blob import BlobServiceClient
        BlobServiceClient.from_connection_string(self.connection_string).create_container(name)
