"""VAPID keys for web push (RFC 8292): an EC P-256 pair, both halves base64url encoded.

Imported by settings (demo keys), so it must not import Django models.
"""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def generate_vapid_keys() -> dict[str, str]:
    """A new key pair: the private key as the raw 32-byte scalar, the public key as the uncompressed point
    (what a browser's `pushManager.subscribe({applicationServerKey})` expects)."""
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return {"public_key": b64url(public), "private_key": b64url(private)}
