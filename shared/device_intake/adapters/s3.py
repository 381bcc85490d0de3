"""The uploads bucket: presigned POST tickets, reads, the GPS-stripped copies."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from device_intake.app.ports import PresignedUpload, StoredObject


class S3DocumentStore:
    """``DocumentStore`` over the uploads bucket of template.yaml."""

    def __init__(self, client: Any, bucket: str) -> None:
        self._s3 = client
        self.bucket = bucket

    def presigned_upload(
        self, key: str, *, content_type: str, max_bytes: int, expires_in: int
    ) -> PresignedUpload:
        # The policy pins the key and bounds the size; the inspect step checks both again
        # (and the real format) because a policy is only as good as the service enforcing it.
        signed = self._s3.generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[
                {"Content-Type": content_type},
                ["content-length-range", 1, max_bytes],
            ],
            ExpiresIn=expires_in,
        )
        return PresignedUpload(url=signed["url"], fields=dict(signed["fields"]))

    def head(self, key: str, version_id: str | None) -> StoredObject | None:
        kwargs: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if version_id:
            kwargs["VersionId"] = version_id
        try:
            head = self._s3.head_object(**kwargs)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return StoredObject(
            size=int(head["ContentLength"]),
            content_type=head.get("ContentType"),
            version_id=head.get("VersionId"),
        )

    def read(self, key: str, version_id: str | None) -> bytes:
        kwargs: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if version_id:
            kwargs["VersionId"] = version_id
        body: bytes = self._s3.get_object(**kwargs)["Body"].read()
        return body

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self._s3.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)

    def mark_abandoned(self, key: str, version_id: str | None) -> None:
        # Matches the "expire-abandoned-uploads" lifecycle rule of template.yaml.
        kwargs: dict[str, Any] = {
            "Bucket": self.bucket,
            "Key": key,
            "Tagging": {"TagSet": [{"Key": "intake-abandoned", "Value": "true"}]},
        }
        if version_id:
            kwargs["VersionId"] = version_id
        self._s3.put_object_tagging(**kwargs)

    def presigned_view(self, key: str, expires_in: int) -> str:
        url: str = self._s3.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=expires_in
        )
        return url
