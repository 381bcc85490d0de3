"""Verifying the two kinds of bearer token (docs/api.md "Identity").

* Subscriber: HS256 JWT issued by the operator's My page (claims sub, plan, enrolled_on,
  phone, exp). The key is a literal locally and a Secrets Manager secret in AWS.
* Reviewer: RS256 JWT with ``cognito:groups`` containing ``reviewers``. In AWS the HTTP API's
  JWT authorizer checks it first; this code checks it again, the same way locally (where the
  local stack signs tokens and serves the JWKS) and in AWS (Cognito's JWKS).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import jwt

from device_intake.app.errors import Forbidden, Unauthorized
from device_intake.app.registrations import Subscriber

REVIEWER_GROUP = "reviewers"


def bearer(headers: dict[str, str]) -> str:
    value = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("missing bearer token")
    return token.strip()


class SubscriberTokenVerifier:
    def __init__(self, secret: str) -> None:
        self._secret = secret

    def verify(self, token: str) -> Subscriber:
        try:
            claims = jwt.decode(
                token, self._secret, algorithms=["HS256"],
                options={"require": ["sub", "plan", "enrolled_on", "exp"]},
            )
            return Subscriber(
                subscriber_id=str(claims["sub"]),
                plan=str(claims["plan"]),
                enrolled_on=date.fromisoformat(str(claims["enrolled_on"])),
                phone=claims.get("phone"),
            )
        except (jwt.PyJWTError, ValueError) as exc:
            raise Unauthorized("invalid subscriber token") from exc


def mint_subscriber_token(secret: str, claims: dict[str, Any]) -> str:
    """Local stack and tests only: what the operator's My page does in production."""
    return jwt.encode(claims, secret, algorithm="HS256")


@dataclass(frozen=True, slots=True)
class Reviewer:
    username: str
    groups: tuple[str, ...]


class ReviewerTokenVerifier:
    def __init__(self, jwks_url: str, issuer: str) -> None:
        self._jwks = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=3600)
        self._issuer = issuer

    def verify(self, token: str) -> Reviewer:
        try:
            key = self._jwks.get_signing_key_from_jwt(token)
            # Cognito access tokens carry client_id, not aud: the authorizer checks the
            # audience in AWS; here issuer + signature + expiry + group are what matter.
            claims = jwt.decode(
                token, key.key, algorithms=["RS256"], issuer=self._issuer,
                options={"verify_aud": False, "require": ["exp", "iss"]},
            )
        except jwt.PyJWTError as exc:
            raise Unauthorized("invalid reviewer token") from exc
        groups = tuple(claims.get("cognito:groups") or ())
        if REVIEWER_GROUP not in groups:
            raise Forbidden("reviewers only")
        username = claims.get("cognito:username") or claims.get("username") or claims["sub"]
        return Reviewer(username=str(username), groups=groups)
