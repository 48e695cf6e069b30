"""Throughput of the sandbox through unmodified boto3.

    python bench/bench_sandbox.py [--threads 4] [--requests 2000] [--seconds 20]

Starts ``python -m sandbox serve`` on a free loopback port with quotas and MPS limits off,
then measures requests per second of PutRegistrationFieldValue and SendTextMessage from a few
client threads (bounded by a request count and a time limit). Prints one JSON object on its
last line.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import boto3
from botocore.config import Config

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_sandbox(port: int) -> subprocess.Popen:
    args = [
        sys.executable,
        "-m",
        "sandbox",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--quotas",
        "off",
        "--mps-limits",
        "off",
        "--review-delay",
        "0",
        "--attachment-delay",
        "0",
        "--spend-limit",
        "100000000",
        "--call-log-size",
        "1000",
    ]
    process = subprocess.Popen(
        args, cwd=ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_sandbox/health", timeout=1):
                return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("sandbox did not start")


def client_for(base_url: str):
    return boto3.client(
        "pinpoint-sms-voice-v2",
        endpoint_url=base_url,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=Config(
            retries={"mode": "standard", "total_max_attempts": 1}, max_pool_connections=4
        ),
    )


def measure(name: str, make_call, threads: int, requests: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    counter = iter(range(requests))
    stop_at = time.monotonic() + seconds

    def worker(index: int) -> None:
        call = make_call(index)
        own: list[float] = []
        failed = 0
        while time.monotonic() < stop_at:
            with lock:
                if next(counter, None) is None:
                    break
            started = time.perf_counter()
            try:
                call()
            except Exception:  # counted, not raised: the figure is what matters
                failed += 1
            own.append(time.perf_counter() - started)
        with lock:
            latencies.extend(own)
            errors[0] += failed

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    began = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - began
    ordered = sorted(latencies)
    result = {
        "requests": len(latencies),
        "errors": errors[0],
        "seconds": round(elapsed, 3),
        "rps": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(statistics.median(ordered) * 1000, 3) if ordered else None,
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 3) if ordered else None,
    }
    print(
        f"{name}: {result['requests']} requests in {result['seconds']} s = "
        f"{result['rps']} req/s (p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
        f"{result['errors']} errors)",
        flush=True,
    )
    return result


def server_time(base_url: str, operation: str) -> float | None:
    """Median time the sandbox itself spent per call (from its call log)."""
    url = f"{base_url}/_sandbox/calls?operation={operation}&limit=1000"
    with urllib.request.urlopen(url, timeout=10) as answer:
        calls = json.loads(answer.read())["calls"]
    return round(statistics.median(c["DurationMs"] for c in calls), 3) if calls else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    process = start_sandbox(port)
    try:
        setup = client_for(base_url)
        registrations = [
            setup.create_registration(RegistrationType="US_TOLL_FREE_REGISTRATION")[
                "RegistrationId"
            ]
            for _ in range(args.threads)
        ]
        origin = setup.request_phone_number(
            IsoCountryCode="US",
            MessageType="TRANSACTIONAL",
            NumberCapabilities=["SMS"],
            NumberType="SIMULATOR",
        )["PhoneNumberId"]

        def put_call(index: int):
            client = client_for(base_url)
            rid = registrations[index]
            return lambda: client.put_registration_field_value(
                RegistrationId=rid, FieldPath="companyInfo.companyName", TextValue="Example Corp"
            )

        def send_call(index: int):
            client = client_for(base_url)
            return lambda: client.send_text_message(
                DestinationPhoneNumber="+14254147755",
                OriginationIdentity=origin,
                MessageBody="Example Corp: your code is 123456.",
            )

        put = measure(
            "PutRegistrationFieldValue", put_call, args.threads, args.requests, args.seconds
        )
        put["server_p50_ms"] = server_time(base_url, "PutRegistrationFieldValue")
        send = measure("SendTextMessage", send_call, args.threads, args.requests, args.seconds)
        send["server_p50_ms"] = server_time(base_url, "SendTextMessage")
    finally:
        process.terminate()
        process.wait(timeout=10)
    print(
        json.dumps(
            {
                "benchmark": "sandbox",
                "threads": args.threads,
                "put_registration_field_value": put,
                "send_text_message": send,
            }
        )
    )


if __name__ == "__main__":
    main()
