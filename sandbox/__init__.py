"""Local emulator of AWS End User Messaging SMS v2 (``pinpoint-sms-voice-v2``).

A stand-alone process (no Django) that speaks awsJson 1.0 like AWS, validated against botocore's
own service model. Start it with ``python -m sandbox serve``; see ``sandbox/README.md``.
"""

__all__ = ["__version__"]
__version__ = "1.0"
