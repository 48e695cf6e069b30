"""The botocore service model, loaded once, and the registry of emulated operations."""

from __future__ import annotations

import functools
from collections.abc import Callable

import botocore.session
from botocore.model import OperationModel, ServiceModel

SERVICE = "pinpoint-sms-voice-v2"
TARGET_PREFIX = "PinpointSMSVoiceV2."

# operation name -> handler(ctx, params) -> dict
HANDLERS: dict[str, Callable] = {}


def op(name: str):
    """Register a handler for an operation of the service model."""

    def wrap(func):
        if name not in service_model().operation_names:
            raise ValueError(f"{name} is not an operation of {SERVICE}")
        HANDLERS[name] = func
        return func

    return wrap


@functools.cache
def service_model() -> ServiceModel:
    return botocore.session.get_session().get_service_model(SERVICE)


@functools.cache
def operation(name: str) -> OperationModel | None:
    model = service_model()
    if name not in model.operation_names:
        return None
    return model.operation_model(name)


@functools.cache
def idempotent_members(name: str) -> tuple[str, ...]:
    model = operation(name)
    if model is None or model.input_shape is None:
        return ()
    return tuple(
        member
        for member, shape in model.input_shape.members.items()
        if shape.metadata.get("idempotencyToken")
    )


def enum_values(shape_name: str) -> list[str]:
    return list(service_model().shape_for(shape_name).enum)
