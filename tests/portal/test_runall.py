"""`make run`'s supervisor starts web, worker, scheduler and sandbox, and Ctrl-C stops them all."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.waiting import answers, wait_until

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie child of an exited parent is reaped by init; treat it as gone.
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "State:\tZ" in status.read_text())


def _wait_for(url: str, seconds: float) -> int:
    def status() -> int:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status

    return wait_until(answers(status), timeout=seconds, interval=0.3, message=f"{url} to answer")


def test_run_starts_everything_and_ctrl_c_stops_everything(tmp_path):
    web_port, sandbox_port = _free_port(), _free_port()
    environment = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "PORTAL_VAR_DIR": str(tmp_path),
        "EUM_ENDPOINT_URL": f"http://127.0.0.1:{sandbox_port}",
    }
    # `make run` migrates first; so does this test (the SNS hooks record what they accept).
    migrated = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert migrated.returncode == 0, migrated.stderr
    supervisor = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "portal.runall",
            "--port",
            str(web_port),
            "--sandbox-port",
            str(sandbox_port),
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        while len([line for line in lines if line.startswith("[run] started")]) < 4:
            line = supervisor.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
        pids = {
            match.group(1): int(match.group(2))
            for match in (re.match(r"\[run\] started (\w+) \(pid (\d+)\)", line) for line in lines)
            if match
        }
        assert set(pids) == {"sandbox", "web", "worker", "beat"}
        assert _wait_for(f"http://127.0.0.1:{web_port}/healthz", 40) == 200
        request = urllib.request.Request(
            f"http://127.0.0.1:{sandbox_port}/",
            data=b"{}",
            headers={
                "X-Amz-Target": "PinpointSMSVoiceV2.DescribeAccountAttributes",
                "Content-Type": "application/x-amz-json-1.0",
            },
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
        # The sandbox subscribed both SNS hooks to its topics; the portal accepts exactly those
        # topics by default and its worker visits the SubscribeURLs.
        subscriptions_url = f"http://127.0.0.1:{sandbox_port}/_sandbox/subscriptions"

        def confirmed() -> dict:
            with urllib.request.urlopen(subscriptions_url, timeout=5) as response:
                subscriptions = json.loads(response.read())["subscriptions"]
            return {s["Endpoint"].split("/hooks/sns/")[1]: s["Confirmed"] for s in subscriptions}

        wait_until(
            lambda: confirmed() == {"registrations/": True, "delivery/": True},
            timeout=60,
            interval=0.3,
            message=lambda: f"both SNS hooks confirmed: {confirmed()}",
        )
        supervisor.send_signal(signal.SIGINT)
        assert supervisor.wait(timeout=30) == 0
        wait_until(
            lambda: not any(_alive(pid) for pid in pids.values()),
            timeout=10,
            message=lambda: f"every process to stop: { ({n: _alive(p) for n, p in pids.items()}) }",
        )
        assert {name: _alive(pid) for name, pid in pids.items()} == {
            "sandbox": False,
            "web": False,
            "worker": False,
            "beat": False,
        }
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
