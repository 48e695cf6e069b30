"""Control-plane quotas, injected faults, the call log and reset."""

from __future__ import annotations

import time

import pytest
from botocore.exceptions import ClientError, ConnectionClosedError

from tests.sandbox.conftest import make_client
from tests.waiting import wait_until


def _answered(call) -> bool:
    try:
        call()
    except ClientError as error:
        if error.response["Error"]["Code"] != "ThrottlingException":
            raise
        return False
    return True


def test_quota_throttles_above_one_request_per_second(client, control):
    assert control.call("PUT", "/_sandbox/quotas", {"enabled": True})[0] == 200
    client.describe_registrations()
    with pytest.raises(client.exceptions.ThrottlingException):
        client.describe_registrations()
    client.describe_phone_numbers()  # another operation has its own bucket
    # Refused until the bucket refills (one request a second), then answered: wait for that.
    throttled_at = time.monotonic()
    wait_until(
        lambda: _answered(client.describe_registrations),
        timeout=5,
        interval=0.05,
        message="DescribeRegistrations stayed throttled past its one-second window",
    )
    assert time.monotonic() - throttled_at >= 0.5  # not answered while the bucket was empty
    # Opted-out numbers have 10 per second (a bucket of 10): the first ten pass at once, then
    # calls faster than 10 per second are throttled. How many more pass before the first
    # refusal depends on how fast this machine makes them: the bucket refills meanwhile.
    client.create_opt_out_list(OptOutListName="a")
    started, passed = time.monotonic(), 0
    for i in range(60):
        try:
            client.put_opted_out_number(OptOutListName="a", OptedOutNumber=f"+120655501{i:02d}")
        except client.exceptions.ThrottlingException:
            break
        passed += 1
    refilled = (time.monotonic() - started) * 10
    assert passed < 60, "never throttled"
    assert 10 <= passed <= 10 + refilled + 1, (passed, refilled)


def test_quota_settings_per_operation_and_off(client, control):
    status, quotas = control.call(
        "PUT",
        "/_sandbox/quotas",
        {"enabled": True, "per_operation": {"DescribeRegistrations": 0, "DescribePools": 2}},
    )
    assert status == 200
    assert quotas["per_operation"]["DescribeRegistrations"] == 0.0
    for _ in range(5):
        client.describe_registrations()  # 0 = unlimited
    client.describe_pools()
    client.describe_pools()
    with pytest.raises(client.exceptions.ThrottlingException):
        client.describe_pools()
    refused = control.get("/_sandbox/calls?operation=DescribePools")["calls"][-1]
    assert refused["Error"] == "ThrottlingException" and "InjectedFault" not in refused
    control.call("PUT", "/_sandbox/quotas", {"enabled": False})
    for _ in range(5):
        client.describe_pools()


def test_injected_5xx_is_retried_by_boto3(base_url, control):
    control.post(
        "/_sandbox/faults", {"operation": "DescribeRegistrations", "error_rate": 1.0, "count": 2}
    )
    retrying = make_client(base_url, attempts=3)
    assert retrying.describe_registrations()["Registrations"] == []
    calls = control.get("/_sandbox/calls?operation=DescribeRegistrations")["calls"]
    assert [c["Status"] for c in calls] == [500, 500, 200]
    assert calls[0]["Error"] == "InternalServerException"


def test_injected_throttling_latency_and_drops(client, control):
    control.post("/_sandbox/faults", {"operation": "DescribePools", "throttle_rate": 1.0})
    with pytest.raises(client.exceptions.ThrottlingException):
        client.describe_pools()
    injected = control.get("/_sandbox/calls?operation=DescribePools")["calls"][-1]
    assert injected["InjectedFault"] == "throttle"  # told apart from a quota's refusal
    control.post("/_sandbox/faults", {"operation": "DescribePools", "latency_ms": 200})
    started = time.monotonic()
    client.describe_pools()
    assert time.monotonic() - started >= 0.2
    control.post(
        "/_sandbox/faults", {"operation": "DescribePools", "latency_ms": 0, "jitter_ms": 60}
    )
    for _ in range(12):
        client.describe_pools()
    # As the sandbox timed each call (no client or network time on a busy machine): uniform
    # 0-60 ms, so twelve calls all under 10 ms, or all over 50 ms, would not be jitter.
    durations = [
        c["DurationMs"]
        for c in control.get("/_sandbox/calls?operation=DescribePools")["calls"][-12:]
    ]
    assert min(durations) < 50 and max(durations) > 10, durations
    assert max(durations) < 1000, durations
    control.post("/_sandbox/faults", {"operation": "*", "drop_rate": 1.0, "count": 1})
    with pytest.raises(ConnectionClosedError):
        client.describe_sender_ids()
    client.describe_sender_ids()
    assert control.get("/_sandbox/faults")["faults"]["*"]["count"] == 0
    status, body = control.call("DELETE", "/_sandbox/faults")
    assert (status, body) == (200, {"faults": {}})


def test_error_share_is_a_share(base_url, control):
    control.post("/_sandbox/faults", {"operation": "DescribePools", "error_rate": 0.5})
    plain = make_client(base_url)
    results = []
    for _ in range(40):
        try:
            plain.describe_pools()
            results.append("ok")
        except plain.exceptions.InternalServerException as exc:
            assert exc.response["RequestId"] == exc.response["ResponseMetadata"]["RequestId"]
            results.append("5xx")
    assert 5 <= results.count("5xx") <= 35


def test_call_log_and_reset(client, control):
    made = client.create_registration(
        RegistrationType="US_TOLL_FREE_REGISTRATION", Tags=[{"Key": "k", "Value": "v"}]
    )
    with pytest.raises(client.exceptions.ValidationException):
        client.create_registration(RegistrationType="NOPE")
    client.create_registration_attachment(AttachmentBody=b"%PDF-1.4 tiny")
    calls = control.get("/_sandbox/calls")["calls"]
    assert [c["Operation"] for c in calls] == [
        "CreateRegistration",
        "CreateRegistration",
        "CreateRegistrationAttachment",
    ]
    first, failed, upload = calls
    assert first["Parameters"]["RegistrationType"] == "US_TOLL_FREE_REGISTRATION"
    assert first["Status"] == 200 and first["Result"]["RegistrationStatus"] == "CREATED"
    assert first["RequestId"] == made["ResponseMetadata"]["RequestId"]
    assert (failed["Status"], failed["Error"], failed["Reason"]) == (
        400,
        "ValidationException",
        "UNKNOWN_REGISTRATION_TYPE",
    )
    assert upload["Parameters"]["AttachmentBody"] == "<13 bytes>"
    since = control.get(f"/_sandbox/calls?since={failed['Seq']}")["calls"]
    assert [c["Seq"] for c in since] == [upload["Seq"]]
    control.post("/_sandbox/reset")
    assert control.get("/_sandbox/calls")["calls"] == []
    assert client.describe_registrations()["Registrations"] == []
    assert control.get("/_sandbox/health")["status"] == "ok"
