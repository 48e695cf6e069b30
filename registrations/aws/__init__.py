"""The AWS edge: the only package that talks to AWS End User Messaging SMS and knows its
PascalCase wire names.

- `operations`: one typed function per AWS operation the portal uses; callers use these.
- `types`: the portal's dataclasses that operations take and return.
- `catalog`: AWS's registration definitions normalised into `registrations.schema` types.
- `errors`: the typed errors (`AwsError` and its kinds, `AwsCallInTransaction`).
- `gateway`: `Gateway`, the single call path (no call inside a transaction, the limiter,
  error translation, retries of transient failures, the AWS call log).
- `clients`: a boto3 client per AWS account (the provider's, or a tenant's by AssumeRole).
- `limits`: the rate limiters shared by every worker (Redis or database backend).
"""

from registrations.aws.errors import (
    AwsCallInTransaction,
    AwsError,
    ConflictError,
    NotFoundError,
    PermanentError,
    RetryableError,
    ValidationFailed,
)

__all__ = [
    "AwsCallInTransaction",
    "AwsError",
    "ConflictError",
    "NotFoundError",
    "PermanentError",
    "RetryableError",
    "ValidationFailed",
]
