"""The one AWS STS operation the portal uses: ``AssumeRole`` (query protocol, XML answer).

AWS answers AssumeRole from the role's trust policy in the role's own account. The sandbox has
no IAM, so a role is declared through the control API (``PUT /_sandbox/roles`` with the role's
ARN and the external id its trust policy demands); an undeclared role, or a wrong or missing
external id, is refused with ``AccessDenied`` (403) as AWS refuses it. The temporary access key
it issues names the role's account, so calls signed with it act in that account, and a
declared role's account starts in the SMS sandbox tier as new AWS accounts do.
"""

from __future__ import annotations

import re
import secrets
import string
import time
import uuid
from datetime import UTC, datetime
from xml.sax.saxutils import escape

XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/"
ROLE_ARN = re.compile(r"^arn:aws[\w-]*:iam::(\d{12}):role/([\w+=,.@/-]{1,64})$")
ROLE_KEY = "sts-role:"
CREDENTIAL_KEY = "sts-credential:"


def account_of_role(role_arn: str) -> str | None:
    found = ROLE_ARN.match(role_arn)
    return found.group(1) if found else None


def declare_role(app, role_arn: str, external_id: str, account_tier: str = "SANDBOX") -> dict:
    """Control API: a role its account trusts the portal to assume with `external_id`."""
    account = account_of_role(role_arn)
    if account is None:
        raise ValueError(f"not an IAM role ARN: {role_arn!r}")
    if account_tier not in ("SANDBOX", "PRODUCTION"):
        raise ValueError("account_tier must be SANDBOX or PRODUCTION")
    with app.store.lock:
        app.store.meta_set(ROLE_KEY + role_arn, {"ExternalId": external_id, "Account": account})
        if app.store.meta_get(f"account_tier:{account}") is None:
            app.store.meta_set(f"account_tier:{account}", account_tier)
        app.store.commit()
    return {"RoleArn": role_arn, "Account": account, "AccountTier": account_tier}


def roles(app) -> list[dict]:
    return [{"RoleArn": arn, **v} for arn, v in app.store.meta_prefixed(ROLE_KEY).items() if v]


def account_of_key(app, access_key: str) -> str | None:
    """The account a temporary access key issued by AssumeRole acts in."""
    found = app.store.meta_get(CREDENTIAL_KEY + access_key)
    if not found or found["Expires"] < time.time():
        return None
    return found["Account"]


def _error(code: str, message: str, request_id: str, status: int) -> tuple[int, bytes]:
    body = (
        f'<ErrorResponse xmlns="{XMLNS}"><Error><Type>Sender</Type><Code>{code}</Code>'
        f"<Message>{escape(message)}</Message></Error><RequestId>{request_id}</RequestId>"
        "</ErrorResponse>"
    )
    return status, body.encode()


def _key(prefix: str, size: int) -> str:
    alphabet = string.ascii_uppercase + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(size))


def assume_role(app, form: dict[str, str], caller_account: str) -> tuple[int, bytes]:
    request_id = str(uuid.uuid4())
    role_arn = form.get("RoleArn", "")
    session = form.get("RoleSessionName", "")
    for name, value in (("roleArn", role_arn), ("roleSessionName", session)):
        if not value:
            return _error(
                "ValidationError",
                f"1 validation error detected: Value null at '{name}' failed to satisfy "
                "constraint: Member must not be null",
                request_id,
                400,
            )
    try:
        duration = int(form.get("DurationSeconds", "3600"))
    except ValueError:
        duration = -1
    if not 900 <= duration <= 43200:
        return _error(
            "ValidationError",
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
            request_id,
            400,
        )
    with app.store.lock:
        trust = app.store.meta_get(ROLE_KEY + role_arn)
        if not trust or form.get("ExternalId", "") != trust["ExternalId"]:
            return _error(
                "AccessDenied",
                f"User: arn:aws:iam::{caller_account}:user/portal is not authorized to perform: "
                f"sts:AssumeRole on resource: {role_arn}",
                request_id,
                403,
            )
        account = trust["Account"]
        access_key = _key("ASIA", 16)
        expires = time.time() + duration
        app.store.meta_set(CREDENTIAL_KEY + access_key, {"Account": account, "Expires": expires})
        app.store.commit()
    stamp = datetime.fromtimestamp(expires, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    role_name = role_arn.rsplit("/", 1)[-1]
    role_id = _key("AROA", 17)
    body = (
        f'<AssumeRoleResponse xmlns="{XMLNS}"><AssumeRoleResult>'
        f"<AssumedRoleUser><AssumedRoleId>{role_id}:{escape(session)}</AssumedRoleId>"
        f"<Arn>arn:aws:sts::{account}:assumed-role/{escape(role_name)}/{escape(session)}</Arn>"
        "</AssumedRoleUser><Credentials>"
        f"<AccessKeyId>{access_key}</AccessKeyId>"
        f"<SecretAccessKey>{secrets.token_urlsafe(30)}</SecretAccessKey>"
        f"<SessionToken>{secrets.token_urlsafe(96)}</SessionToken>"
        f"<Expiration>{stamp}</Expiration></Credentials>"
        f"</AssumeRoleResult><ResponseMetadata><RequestId>{request_id}</RequestId>"
        "</ResponseMetadata></AssumeRoleResponse>"
    )
    return 200, body.encode()
