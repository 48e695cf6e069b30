"""The portal's own types for what the AWS operations take and return (snake_case, typed), so
that no caller reads AWS's PascalCase answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RegistrationCreated:
    id: str
    arn: str
    version: int
    status: str


@dataclass(frozen=True)
class RegistrationState:
    """A registration as DescribeRegistrations reports it."""

    id: str
    status: str
    current_version: int
    approved_version: int | None = None
    denied_version: int | None = None


@dataclass(frozen=True)
class DeniedReason:
    reason: str = ""
    short: str = ""
    long: str = ""
    doc_title: str = ""
    doc_link: str = ""


@dataclass(frozen=True)
class VersionState:
    number: int
    status: str
    denied_reasons: tuple[DeniedReason, ...] = ()
    feedback: str = ""


@dataclass(frozen=True)
class VersionSubmitted:
    version: int
    status: str


@dataclass(frozen=True)
class RemoteValue:
    """A field's value as AWS holds it, with AWS's review notes on it."""

    text: str | None = None
    choices: list[str] | None = None
    attachment: str | None = None
    denied_reason: str = ""
    feedback: str = ""


@dataclass(frozen=True)
class Association:
    resource_id: str
    resource_type: str
    phone_number: str = ""
    country: str = ""


@dataclass(frozen=True)
class Attachment:
    id: str
    status: str


@dataclass(frozen=True)
class PhoneNumber:
    id: str
    number: str
    status: str
    arn: str = ""
    country: str = ""


@dataclass(frozen=True)
class SenderId:
    """A sender ID in the account (RequestSenderId, DescribeSenderIds)."""

    sender_id: str
    country: str
    arn: str
    registered: bool
    message_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class OptedOutNumber:
    number: str
    at: datetime | None  # when it was opted out
    end_user: bool  # True: the recipient replied with a keyword; False: added by a call


@dataclass(frozen=True)
class ConfigurationSet:
    name: str
    event_destinations: tuple[str, ...] = ()


@dataclass(frozen=True)
class OriginationSettings:
    """What a pool and the phone numbers joining it must share (AssociateOriginationIdentity
    refuses a number whose settings differ from the pool's)."""

    opt_out_list: str = "Default"
    two_way: bool = False
    two_way_channel: str = ""
    self_managed_opt_outs: bool = False
    pool_id: str = ""  # for a phone number: the pool it belongs to, if any


@dataclass(frozen=True)
class Keyword:
    keyword: str
    message: str
    action: str  # AUTOMATIC_RESPONSE, OPT_OUT or OPT_IN


@dataclass(frozen=True)
class SupportFile:
    """A file attached to an AWS Support case (at most 5 MB; three per attachment set)."""

    name: str
    data: bytes


@dataclass(frozen=True)
class SupportCaseState:
    case_id: str
    display_id: str
    subject: str
    status: str  # AWS's: opened, pending-customer-action, customer-action-completed, resolved …
    time_created: str


@dataclass(frozen=True)
class SupportMessage:
    """One communication on a case; `from_aws` when AWS Support wrote it."""

    case_id: str
    body: str
    submitted_by: str
    time_created: str  # AWS's ISO 8601 text, kept as given (it orders and filters the poll)
    attachments: tuple[str, ...] = ()  # file names
    from_aws: bool = False


# --- The account (readiness) -------------------------------------------------------------------


@dataclass(frozen=True)
class AccountAttributes:
    tier: str  # SANDBOX or PRODUCTION
    default_protect_configuration_id: str = ""


@dataclass(frozen=True)
class SpendLimit:
    name: str  # e.g. TEXT_MESSAGE_MONTHLY_SPEND_LIMIT
    enforced: int  # US dollars a month, what AWS enforces now
    maximum: int  # the most an override may set (what AWS Support granted)
    overridden: bool


@dataclass(frozen=True)
class AccountLimit:
    name: str  # PHONE_NUMBERS, POOLS, CONFIGURATION_SETS, OPT_OUT_LISTS, …
    used: int
    maximum: int


@dataclass(frozen=True)
class VerifiedNumber:
    id: str
    number: str
    status: str  # PENDING, VERIFIED
    created_at: datetime | None = None
