"""Queue message bodies: the S3 notification inside an SQS message, the decide request.

Only the fields the pipeline reads, so S3's own test event and extra fields never break a
batch. Keys arrive URL-encoded (``+`` for space): ``UploadedObjectRef.decoded_key``.
"""

from __future__ import annotations

from urllib.parse import unquote_plus

from pydantic import BaseModel, ConfigDict, Field


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class S3Bucket(_Loose):
    name: str


class S3Object(_Loose):
    key: str
    size: int | None = None
    version_id: str | None = Field(None, alias="versionId")


class S3Entity(_Loose):
    bucket: S3Bucket
    object: S3Object


class S3Record(_Loose):
    event_name: str = Field(alias="eventName")
    s3: S3Entity

    @property
    def decoded_key(self) -> str:
        return unquote_plus(self.s3.object.key)


class S3Notification(_Loose):
    """Body of an SQS message from an S3 event notification; ``s3:TestEvent`` has no Records."""

    records: list[S3Record] = Field(default_factory=list, alias="Records")
    event: str | None = Field(None, alias="Event")


class DecideRequest(_Loose):
    registration_id: str = Field(pattern=r"^[0-9A-HJKMNP-TV-Z]{26}$")
