"""``python -m sandbox serve`` as a real process, settings parsing, and state that survives a
restart."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox.settings import parse_limits, settings_from
from tests.sandbox.conftest import Control, make_client
from tests.waiting import WaitTimeout, answers, wait_until

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(port: int, state: Path) -> subprocess.Popen:
    env = {**os.environ, "SANDBOX_QUOTAS": "off", "SANDBOX_REVIEW_DELAY": "0"}
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "serve", "--port", str(port), "--state", str(state)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    control = Control(f"http://127.0.0.1:{port}")
    try:
        wait_until(
            answers(lambda: control.get("/_sandbox/health")["status"] == "ok"),
            timeout=15,
            message="the sandbox to answer",
        )
    except WaitTimeout:
        process.kill()
        raise AssertionError(process.stdout.read()) from None
    return process


def _stop(process: subprocess.Popen) -> str:
    process.terminate()
    output, _ = process.communicate(timeout=10)
    return output


def test_real_process_keeps_state_across_restarts(tmp_path):
    port, state = _free_port(), tmp_path / "sandbox.sqlite3"
    base = f"http://127.0.0.1:{port}"
    process = _start(port, state)
    try:
        client = make_client(base)
        reg = client.create_registration(RegistrationType="US_TOLL_FREE_REGISTRATION")
        client.put_registration_field_value(
            RegistrationId=reg["RegistrationId"],
            FieldPath="companyInfo.companyName",
            TextValue="Example Corp",
        )
        number = client.request_phone_number(
            IsoCountryCode="US",
            MessageType="TRANSACTIONAL",
            NumberCapabilities=["SMS"],
            NumberType="SIMULATOR",
        )
        client.describe_registrations()  # quotas are off through the environment
        client.describe_registrations()
        cert = Control(base).get("/_sandbox/cert")
        assert cert["url"].startswith(base + "/SimpleNotificationService-")
    finally:
        output = _stop(process)
    assert f"sandbox listening on {base} (state: {state})" in output
    process = _start(port, state)
    try:
        client = make_client(base)
        found = client.describe_registrations()["Registrations"]
        assert [r["RegistrationId"] for r in found] == [reg["RegistrationId"]]
        values = client.describe_registration_field_values(RegistrationId=reg["RegistrationId"])[
            "RegistrationFieldValues"
        ]
        assert values == [{"FieldPath": "companyInfo.companyName", "TextValue": "Example Corp"}]
        assert (
            client.describe_phone_numbers()["PhoneNumbers"][0]["PhoneNumberId"]
            == number["PhoneNumberId"]
        )
        assert Control(base).get("/_sandbox/cert") == cert
    finally:
        _stop(process)


def test_settings_from_flags_and_environment():
    settings = settings_from(
        {"port": "4600", "review_delay": None},
        {
            "SANDBOX_REVIEW_DELAY": "2.5",
            "SANDBOX_QUOTAS": "off",
            "SANDBOX_PORT": "4700",
            "SANDBOX_LIMITS": "POOLS=3",
        },
    )
    assert (settings.port, settings.review_delay, settings.quotas) == (4600, 2.5, False)
    assert settings.limits["POOLS"] == 3
    assert settings.base_url == "http://127.0.0.1:4600"
    defaults = settings_from({}, {})
    assert (defaults.port, defaults.quotas, defaults.quota_rps, defaults.review_mode) == (
        4599,
        True,
        1.0,
        "auto",
    )
    with pytest.raises(ValueError):
        settings_from({}, {"SANDBOX_QUOTAS": "maybe"})
    with pytest.raises(ValueError):
        settings_from({"review_mode": "sometimes"}, {})
    with pytest.raises(ValueError):
        parse_limits("WIDGETS=3")


def test_bad_setting_stops_the_cli():
    done = subprocess.run(
        [sys.executable, "-m", "sandbox", "serve", "--quotas", "maybe"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert "not a boolean: 'maybe'" in done.stderr


def test_reviews_in_flight_resume_after_a_restart(tmp_path):
    from sandbox.server import start_in_thread, stop
    from sandbox.settings import Settings
    from tests.sandbox import forms

    state = str(tmp_path / "state.sqlite3")
    server, app, _ = start_in_thread(
        Settings(port=0, quotas=False, state=state, review_delay=60, attachment_delay=0)
    )
    try:
        client = make_client(app.settings.base_url)
        rid = forms.tfn_registration(client)["id"]
        client.submit_registration_version(RegistrationId=rid)
    finally:
        stop(server, app)
    server, app, _ = start_in_thread(Settings(port=0, quotas=False, state=state, review_delay=0))
    try:
        client = make_client(app.settings.base_url)
        wait_until(
            lambda: (
                client.describe_registrations(RegistrationIds=[rid])["Registrations"][0][
                    "RegistrationStatus"
                ]
                == "COMPLETE"
            ),
            timeout=5,
            message="the restored registration to complete",
        )
    finally:
        stop(server, app)
