"""The AWS gateway: typed errors, and a tenant's own AWS account reached by sts:AssumeRole.

STS cannot run here (the sandbox emulates End User Messaging only), so the assume-role call
is answered by botocore's Stubber; the End User Messaging calls go to the sandbox for real."""

from __future__ import annotations

import datetime

import boto3
import pytest
from botocore.stub import Stubber

from registrations import aws
from registrations.models import AwsAccount


@pytest.mark.django_db
def test_tenant_account_is_reached_through_assume_role(sandbox, tenant_a, monkeypatch):
    account = AwsAccount.objects.create(
        tenant=tenant_a, role_arn="arn:aws:iam::210987654321:role/sms-portal"
    )
    sts = boto3.client(
        "sts", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    stubber = Stubber(sts)
    stubber.add_response(
        "assume_role",
        {
            "Credentials": {
                "AccessKeyId": "ASIATENANTACCOUNT01",
                "SecretAccessKey": "s" * 40,
                "SessionToken": "token",
                "Expiration": datetime.datetime(2030, 1, 1),
            }
        },
        {
            "RoleArn": account.role_arn,
            "RoleSessionName": "sms-portal",
            "ExternalId": account.external_id,
            "DurationSeconds": 3600,
        },
    )
    real_client = boto3.client

    def client(service, **kwargs):
        return sts if service == "sts" else real_client(service, **kwargs)

    monkeypatch.setattr(aws.boto3, "client", client)
    aws._client.cache_clear()
    with stubber:
        context = aws.account_for(tenant_a)
        assert context == aws.AccountContext(account.role_arn, account.external_id, "")
        gateway = aws.Gateway(tenant=tenant_a, context=context)
        assert gateway.call("DescribeAccountAttributes")["AccountAttributes"]
    stubber.assert_no_pending_responses()
    credentials = aws.client_for(context)._request_signer._credentials
    assert (credentials.access_key, credentials.token) == ("ASIATENANTACCOUNT01", "token")
    aws._client.cache_clear()


@pytest.mark.django_db
def test_errors_are_typed_with_aws_reasons(sandbox, catalog):
    gateway = aws.Gateway()
    with pytest.raises(aws.NotFoundError) as missing:
        gateway.call("DescribeRegistrations", RegistrationIds=["registration-" + "0" * 32])
    assert missing.value.code == "ResourceNotFoundException"
    toll_free = gateway.create_registration("US_TOLL_FREE_REGISTRATION", "token-1", "x")
    with pytest.raises(aws.ConflictError) as unassociated:
        gateway.submit_version(toll_free["id"])
    assert unassociated.value.message == (
        "Associate a TOLL_FREE resource with the registration before submitting."
    )
    brand = gateway.create_registration("US_TEN_DLC_BRAND_REGISTRATION", "token-2", "x")
    gateway.put_value(brand["id"], "companyInfo.companyName", text="Example Corp")
    gateway.submit_version(brand["id"])
    with pytest.raises(aws.ConflictError) as conflict:
        gateway.put_value(brand["id"], "companyInfo.companyName", text="Other")
    assert conflict.value.reason == "EDIT_REGISTRATION_FIELD_VALUES_NOT_ALLOWED"
    with pytest.raises(aws.ValidationFailed) as invalid:
        gateway.call("CreateRegistration", RegistrationType="NOT_A_TYPE")
    assert invalid.value.code == "ValidationException"
    sandbox.request(
        "POST", "/_sandbox/faults", {"operation": "DescribeAccountAttributes", "error_rate": 1.0}
    )
    with pytest.raises(aws.RetryableError):
        gateway.call("DescribeAccountAttributes")
    calls = sandbox.calls("DescribeAccountAttributes")
    assert len(calls) == aws.CALL_ATTEMPTS  # retried through the limiter, then given up
