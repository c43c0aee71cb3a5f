"""Anonymous pulses: the key an anonymous answer is stored under instead of its delivery."""

from __future__ import annotations

import hashlib
import hmac

from bot.core.services import Services
from storage.responses import AnswerKey


def answer_key(services: Services, *, delivery_id: int, anonymous: bool) -> AnswerKey:
    """The delivery itself, or for an anonymous pulse a keyed hash of it.

    The key is derived from the signing secret, which never enters the database, so nobody who
    can query the tables can tell whose answer a row is; the hash is erased when the wave closes.
    """
    if not anonymous:
        return AnswerKey(delivery_id=delivery_id)
    secret = services.settings.require_signing_secret()
    digest = hmac.new(
        secret.encode(), f"anonymous-answer:{delivery_id}".encode(), hashlib.sha256
    )
    return AnswerKey(anonymous_key=digest.hexdigest())
