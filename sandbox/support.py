"""The AWS Support API subset the portal uses (``support`` 2013-04-15, awsJson 1.1, target
prefix ``AWSSupport_20130415``): attachment sets, cases and their communications.

Requests are checked against botocore's own model of the service (``validate_input``); errors
are the model's error shapes (``{"__type": ..., "message": ...}``). Without a Business or
Enterprise support plan (``support_plan=BASIC``) every operation answers
``SubscriptionRequiredException``, as AWS documents. AWS Support's own side (its replies, the
short code registration form, resolving a case, the short code appearing in the account) is
driven through the control API (``/_sandbox/support/...``, see ``sandbox/control.py``).

AWS documents these limits, which the sandbox applies: up to three attachments per set, 5 MB per
attachment, a set expires an hour after it is created, ``DescribeCases`` returns the five most
recent communications of a case, and resolved cases only when asked for.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import json
import secrets
import time

import botocore.session

from .numbers import provision_support_short_code
from .validator import validate_input

SERVICE = "support"
TARGET_PREFIX = "AWSSupport_20130415."
CASE = "support-case"
ATTACHMENT_SET = "support-attachment-set"
ATTACHMENT = "support-attachment"
SET_LIFETIME = 3600.0
MAX_ATTACHMENTS_PER_SET = 3
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
AWS_SUBMITTER = "Amazon Web Services"
OPERATIONS = (
    "AddAttachmentsToSet",
    "CreateCase",
    "AddCommunicationToCase",
    "DescribeCases",
    "DescribeCommunications",
)
OPEN_STATUSES = (
    "opened",
    "pending-customer-action",
    "customer-action-completed",
    "reopened",
    "unassigned",
    "work-in-progress",
)


class SupportError(Exception):
    status = 400

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status

    def body(self) -> dict:
        return {"__type": self.code, "message": self.message}


@functools.cache
def service_model():
    return botocore.session.get_session().get_service_model(SERVICE)


def _time(stamp: float) -> str:
    return dt.datetime.fromtimestamp(stamp, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _parse_time(text: str) -> float:
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise SupportError(
            "ValidationException", f"Invalid date: {text!r}; use ISO 8601."
        ) from None


def handle(app, op_name: str, raw: bytes, account: str, request_id: str) -> tuple[int, dict]:
    """One Support API request: (HTTP status, JSON body)."""
    started = time.time()
    try:
        if op_name not in service_model().operation_names:
            raise SupportError("UnknownOperationException", f"Unknown operation {op_name}.")
        if op_name not in OPERATIONS:
            raise SupportError(
                "InternalServerError", f"{op_name} is not emulated by the sandbox.", 500
            )
        try:
            params = json.loads(raw or b"{}")
        except ValueError:
            raise SupportError("SerializationException", "The body is not JSON.") from None
        if not isinstance(params, dict):
            raise SupportError("SerializationException", "The body must be a JSON object.")
        if app.settings.support_plan != "BUSINESS":
            raise SupportError(
                "SubscriptionRequiredException",
                "AWS Premium Support Subscription is required to use this service.",
            )
        try:
            validate_input(service_model().operation_model(op_name).input_shape, params)
        except Exception as exc:  # the validator's ValidationError, worded like AWS
            raise SupportError("ValidationException", getattr(exc, "message", str(exc))) from None
        if params.get("dryRun"):
            raise SupportError("DryRunOperationException", "Request would have succeeded.")
        with app.store.lock:
            try:
                body = HANDLERS[op_name](app, account, params)
            finally:
                app.store.commit()
        app._log(op_name, account, _loggable(params), 200, body, started, request_id)
        return 200, body
    except SupportError as exc:
        error = {"__type": exc.code, "Message": exc.message}
        app._log(op_name, account, {}, exc.status, error, started, request_id)
        return exc.status, exc.body()


def _loggable(params: dict) -> dict:
    """The call log keeps attachment sizes, not their contents."""
    if "attachments" not in params:
        return params
    sizes = [
        {"fileName": a.get("fileName"), "data": f"<{len(str(a.get('data') or '')) * 3 // 4} bytes>"}
        for a in params["attachments"]
        if isinstance(a, dict)
    ]
    return {**params, "attachments": sizes}


# -- attachment sets -----------------------------------------------------------------------------


def _set(app, account: str, set_id: str) -> dict:
    found = app.store.get(ATTACHMENT_SET, account, set_id)
    if found is None:
        raise SupportError("AttachmentSetIdNotFound", f"Attachment set {set_id} was not found.")
    if found["expires"] < time.time() or found.get("used"):
        raise SupportError("AttachmentSetExpired", f"Attachment set {set_id} has expired.")
    return found


def add_attachments_to_set(app, account: str, params: dict) -> dict:
    if params.get("attachmentSetId"):
        item = _set(app, account, params["attachmentSetId"])
    else:
        set_id = f"as-{secrets.token_hex(16)}"
        item = {"id": set_id, "expires": time.time() + SET_LIFETIME, "attachments": []}
    incoming = params["attachments"]
    if not incoming:
        raise SupportError("ValidationException", "At least one attachment is required.")
    if len(item["attachments"]) + len(incoming) > MAX_ATTACHMENTS_PER_SET:
        raise SupportError(
            "AttachmentLimitExceeded",
            f"An attachment set holds at most {MAX_ATTACHMENTS_PER_SET} attachments.",
        )
    for attachment in incoming:
        try:
            data = base64.b64decode(attachment.get("data") or "", validate=True)
        except (binascii.Error, ValueError):
            raise SupportError("ValidationException", "Attachment data is not base64.") from None
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise SupportError(
                "AttachmentSetSizeLimitExceeded", "Each attachment must be 5 MB or smaller."
            )
        attachment_id = f"att-{secrets.token_hex(16)}"
        app.store.put(
            ATTACHMENT,
            account,
            attachment_id,
            {
                "fileName": attachment.get("fileName") or "attachment",
                "size": len(data),
                "data": attachment.get("data") or "",
            },
        )
        item["attachments"].append(
            {"attachmentId": attachment_id, "fileName": attachment.get("fileName") or "attachment"}
        )
    app.store.put(ATTACHMENT_SET, account, item["id"], item)
    return {"attachmentSetId": item["id"], "expiryTime": _time(item["expires"])}


def attachments_from_set(app, account: str, set_id: str | None) -> list[dict]:
    if not set_id:
        return []
    item = _set(app, account, set_id)
    item["used"] = True
    app.store.touch(ATTACHMENT_SET, account, set_id)
    return list(item["attachments"])


# -- cases ---------------------------------------------------------------------------------------


def _case(app, account: str, case_id: str | None) -> dict:
    found = app.store.get(CASE, account, case_id or "")
    if found is None:
        raise SupportError("CaseIdNotFound", f"Case {case_id} was not found.")
    return found


def communication_add(case: dict, *, body: str, submitted_by: str, attachments: list[dict]) -> dict:
    stamp = time.time()
    # Strictly increasing times, so that "after the last one seen" always finds the next one.
    if case["communications"]:
        stamp = max(stamp, case["communications"][-1]["_stamp"] + 0.001)
    item = {
        "caseId": case["caseId"],
        "body": body,
        "submittedBy": submitted_by,
        "timeCreated": _time(stamp),
        "attachmentSet": attachments,
        "_stamp": stamp,
    }
    case["communications"].append(item)
    return item


def create_case(app, account: str, params: dict) -> dict:
    attachments = attachments_from_set(app, account, params.get("attachmentSetId"))
    year = dt.datetime.now(dt.UTC).year
    case_id = f"case-{account}-muen-{year}-{secrets.token_hex(8)}"
    display_id = str(10_000_000_000 + secrets.randbelow(89_999_999_999))
    stamp = time.time()
    case = {
        "caseId": case_id,
        "displayId": display_id,
        "subject": params["subject"],
        "status": "opened",
        "serviceCode": params.get("serviceCode", ""),
        "categoryCode": params.get("categoryCode", ""),
        "severityCode": params.get("severityCode") or "low",
        "issueType": params.get("issueType") or "technical",
        "submittedBy": f"{account} (Account)",
        "timeCreated": _time(stamp),
        "ccEmailAddresses": list(params.get("ccEmailAddresses") or []),
        "language": params.get("language") or "en",
        "communications": [],
        "_stamp": stamp,
        "_account": account,
    }
    communication_add(
        case,
        body=params["communicationBody"],
        submitted_by=case["submittedBy"],
        attachments=attachments,
    )
    app.store.put(CASE, account, case_id, case)
    return {"caseId": case_id}


def add_communication_to_case(app, account: str, params: dict) -> dict:
    case = _case(app, account, params.get("caseId"))
    attachments = attachments_from_set(app, account, params.get("attachmentSetId"))
    communication_add(
        case,
        body=params["communicationBody"],
        submitted_by=case["submittedBy"],
        attachments=attachments,
    )
    # A customer's answer hands the case back to AWS Support; it reopens a resolved case.
    case["status"] = "reopened" if case["status"] == "resolved" else "customer-action-completed"
    app.store.touch(CASE, account, case["caseId"])
    return {"result": True}


def _public_communication(item: dict) -> dict:
    return {k: v for k, v in item.items() if not k.startswith("_")}


def _page(items: list, params: dict, default: int) -> tuple[list, str | None]:
    start = 0
    if params.get("nextToken"):
        try:
            start = int(base64.b64decode(params["nextToken"]).decode())
        except (binascii.Error, ValueError):
            raise SupportError("ValidationException", "Invalid nextToken.") from None
    size = params.get("maxResults") or default
    chunk = items[start : start + size]
    more = start + size < len(items)
    return chunk, base64.b64encode(str(start + size).encode()).decode() if more else None


def _between(stamp: float, params: dict) -> bool:
    if params.get("afterTime") and stamp < _parse_time(params["afterTime"]):
        return False
    return not (params.get("beforeTime") and stamp > _parse_time(params["beforeTime"]))


def describe_cases(app, account: str, params: dict) -> dict:
    wanted = params.get("caseIdList") or []
    cases = (
        [_case(app, account, case_id) for case_id in wanted]
        if wanted
        else sorted(app.store.items(CASE, account), key=lambda c: c["_stamp"], reverse=True)
    )
    if params.get("displayId"):
        cases = [c for c in cases if c["displayId"] == params["displayId"]]
    if not params.get("includeResolvedCases"):
        cases = [c for c in cases if c["status"] != "resolved"]
    cases = [c for c in cases if _between(c["_stamp"], params)]
    chunk, token = _page(cases, params, 100)
    out = []
    for case in chunk:
        item = {k: v for k, v in case.items() if not k.startswith("_") and k != "communications"}
        item.pop("issueType", None)
        if params.get("includeCommunications", True):
            recent = [_public_communication(c) for c in reversed(case["communications"][-5:])]
            item["recentCommunications"] = {"communications": recent}
        out.append(item)
    return {"cases": out, **({"nextToken": token} if token else {})}


def describe_communications(app, account: str, params: dict) -> dict:
    case = _case(app, account, params["caseId"])
    items = [
        _public_communication(c)
        for c in reversed(case["communications"])
        if _between(c["_stamp"], params)
    ]
    chunk, token = _page(items, params, 100)
    return {"communications": chunk, **({"nextToken": token} if token else {})}


HANDLERS = {
    "AddAttachmentsToSet": add_attachments_to_set,
    "CreateCase": create_case,
    "AddCommunicationToCase": add_communication_to_case,
    "DescribeCases": describe_cases,
    "DescribeCommunications": describe_communications,
}


# -- AWS Support's side (control API) -------------------------------------------------------------

REGISTRATION_FORM_NAME = "US-Short-Code-Registration-Form.txt"
REGISTRATION_FORM = """US short code registration form (sandbox)

Complete every section and attach the completed form to this case.

1. Company information: legal name, address, tax ID, website.
2. Primary contact: name, e-mail, phone.
3. Customer care: URL, e-mail on the company's domain, US phone number.
4. Short code service: AWS Region, random or vanity code.
5. Use case: company overview, service name, message types, frequency, special uses.
6. Message samples: at least one per message type, each starting with the service name.
7. Opt-in: methods, user experience flow, mock-ups, terms and privacy URLs.
8. Keyword responses: confirmation (opt-in), HELP and STOP texts.
"""


def _find_case(app, case_id: str) -> tuple[str, dict]:
    for case in app.store.items(CASE):
        if case["caseId"] == case_id:
            return case["_account"], case
    raise KeyError(f"no support case {case_id}")


def control_cases(app) -> list[dict]:
    with app.store.lock:
        return [
            {
                **{k: v for k, v in c.items() if not k.startswith("_")},
                "communications": [_public_communication(m) for m in c["communications"]],
            }
            for c in app.store.items(CASE)
        ]


def control_reply(app, case_id: str, body: dict) -> dict:
    """AWS Support answers: a communication from AWS, optionally with the short code
    registration form attached; the case then waits for the customer."""
    text = str(body.get("body") or "").strip()
    if not text:
        raise ValueError("body: the reply's text is required")
    with app.store.lock:
        account, case = _find_case(app, case_id)
        attachments = []
        files = list(body.get("attachments") or [])
        if body.get("registration_form"):
            files.append(
                {
                    "fileName": REGISTRATION_FORM_NAME,
                    "data": base64.b64encode(REGISTRATION_FORM.encode()).decode(),
                }
            )
        for item in files:
            attachment_id = f"att-{secrets.token_hex(16)}"
            app.store.put(
                ATTACHMENT,
                account,
                attachment_id,
                {"fileName": item["fileName"], "data": item["data"]},
            )
            attachments.append({"attachmentId": attachment_id, "fileName": item["fileName"]})
        reply = communication_add(
            case, body=text, submitted_by=AWS_SUBMITTER, attachments=attachments
        )
        case["status"] = body.get("status") or "pending-customer-action"
        app.store.touch(CASE, account, case_id)
        app.store.commit()
    return _public_communication(reply)


def control_resolve(app, case_id: str) -> dict:
    with app.store.lock:
        account, case = _find_case(app, case_id)
        case["status"] = "resolved"
        app.store.touch(CASE, account, case_id)
        app.store.commit()
    return {"caseId": case_id, "status": "resolved"}


def control_short_code(app, case_id: str, body: dict) -> dict:
    """The short code is provisioned into the case's account (then listed by
    DescribePhoneNumbers), and AWS Support says so on the case."""
    code = str(body.get("short_code") or "").strip() or str(20000 + secrets.randbelow(79999))
    if not code.isdigit() or not 3 <= len(code) <= 7:
        raise ValueError("short_code: three to seven digits")
    iso = str(body.get("iso_country_code") or "US").upper()
    message_type = str(body.get("message_type") or "TRANSACTIONAL").upper()
    if message_type not in ("TRANSACTIONAL", "PROMOTIONAL"):
        raise ValueError("message_type: TRANSACTIONAL or PROMOTIONAL")
    with app.store.lock:
        account, case = _find_case(app, case_id)
        number = provision_support_short_code(
            app, account, str(body.get("region") or app.settings.region), code, iso, message_type
        )
        communication_add(
            case,
            body=f"Your short code {code} is now active in your account.",
            submitted_by=AWS_SUBMITTER,
            attachments=[],
        )
        case["status"] = "pending-customer-action"
        app.store.touch(CASE, account, case_id)
        app.store.commit()
    return number
