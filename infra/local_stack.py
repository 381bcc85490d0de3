"""The local stack (``make run``): moto + the real handlers + the HTTP API + the web pages.

* Starts a moto server on 127.0.0.1 (or uses ``AWS_ENDPOINT_URL``: LocalStack, DynamoDB
  Local, real AWS) and creates the table, buckets, queues (with their DLQs and redrive),
  the S3 → SQS notification and the token secret FROM template.yaml.
* Runs the same handler modules as Lambda (``functions/*/app.py``): one worker thread per
  SQS event source in the template, polling the same queues, honouring
  ``ReportBatchItemFailures`` (failed messages come back after a short delay, then the DLQ).
* Serves the HTTP API through the same Powertools resolver (a stdlib ``ThreadingHTTPServer``
  building API Gateway v2 events), the static ``web/`` folder at ``/``, and two local-only
  routes: ``GET /local/jwks.json`` and ``POST /local/reviewer-login``.

Python API for tests::

    with LocalStack(port=0) as stack:
        token = stack.mint_subscriber_token("keitai-support-plus", date(2025, 4, 1))
        ...
        stack.wait_for_status(registration_id, "APPROVED")
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import dataclasses
import functools
import importlib.util
import itertools
import json
import logging
import mimetypes
import os
import secrets
import sys
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from infra.template import Evaluator, parameter_defaults, resources, template

ROOT = Path(__file__).resolve().parents[1]
_ENV_LOCK = threading.RLock()
_RUNNING: list[LocalStack] = []
ACCOUNT = "123456789012"
REVIEWERS = ("reviewer1", "reviewer2")
log = logging.getLogger("local_stack")

_TERMINAL = ("APPROVED", "NEEDS_RESUBMISSION", "NEEDS_REVIEW", "REJECTED", "FAILED")


# --------------------------------------------------------------------------- handlers
def function_source(logical_id: str, tpl: dict[str, Any] | None = None) -> tuple[Path, str]:
    """(path of the handler file, function name) of a template function, zip or image."""
    spec = resources(tpl or template())[logical_id]
    props = spec.get("Properties", {})
    if props.get("PackageType") == "Image":
        folder = spec["Metadata"]["DockerBuildArgs"]["FUNCTION_DIR"]
        handler = props["ImageConfig"]["Command"][0]
    else:
        folder = props["CodeUri"]
        handler = props["Handler"]
    module, func = handler.rsplit(".", 1)
    return ROOT / folder / f"{module.replace('.', '/')}.py", func


_instances = itertools.count(1)


def load_function(logical_id: str) -> ModuleType:
    """A fresh instance of a function's handler module: one "container".

    Handler modules keep per-container state (the Powertools resolver's current event, the
    batch processor, cached clients), exactly like Lambda, so concurrent invocations must
    not share an instance: the stack keeps a pool per function, as Lambda does.
    """
    path, _ = function_source(logical_id)
    spec = importlib.util.spec_from_file_location(
        f"lambda_{logical_id}_{next(_instances)}", path
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _ContainerPool:
    """Warm handler instances of one function; a busy pool starts another (a cold start).

    ``cold_start(logical_id)`` returns a ready module: imported, prepared and with its
    ``deps()`` built - under the owning stack's environment, so that two stacks in one
    process (integration and browser tests) never hand each other's table names to a
    container.
    """

    def __init__(self, logical_id: str, cold_start: Callable[[str], ModuleType]) -> None:
        self.logical_id = logical_id
        self._cold_start = cold_start
        self._free: list[ModuleType] = []
        self._lock = threading.Lock()
        _, self.func = function_source(logical_id)

    def warm(self) -> None:
        """Start one container up front: its imports happen once, on one thread (concurrent
        first imports of the same libraries can deadlock or half-load)."""
        module = self._cold_start(self.logical_id)
        with self._lock:
            self._free.append(module)

    def invoke(self, event: dict[str, Any]) -> Any:
        with self._lock:
            module = self._free.pop() if self._free else None
        if module is None:
            module = self._cold_start(self.logical_id)
        try:
            return getattr(module, self.func)(event, LambdaContext(function_name=self.logical_id))
        finally:
            with self._lock:
                self._free.append(module)


@dataclasses.dataclass
class LambdaContext:
    function_name: str
    memory_limit_in_mb: int = 512
    timeout_ms: int = 30_000
    aws_request_id: str = dataclasses.field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    log_group_name: str = "/aws/lambda/local"
    log_stream_name: str = "local"
    _started: float = dataclasses.field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        region = os.environ.get("AWS_DEFAULT_REGION", "ap-northeast-1")
        return f"arn:aws:lambda:{region}:{ACCOUNT}:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, self.timeout_ms - int((time.monotonic() - self._started) * 1000))


# --------------------------------------------------------------------------- the stack
@dataclasses.dataclass
class _EventSource:
    function: str
    queue_logical: str
    batch_size: int


class LocalStack:
    """Context manager running the whole pipeline locally (see module docstring).

    ``inspector``: tests only - replaces the OCR engine of the inspect function with a double
    (same signature as ``app.ports.Inspector``); everything else is the real code.
    ``retry_delay``: seconds before a failed message is visible again (Lambda would wait for
    the queue's visibility timeout; locally that would make retries minutes long).
    """

    def __init__(
        self,
        port: int = 0,
        *,
        host: str = "127.0.0.1",
        moto_port: int = 0,
        web_dir: Path | None = None,
        workers: bool = True,
        inspector: Callable[..., Any] | None = None,
        retry_delay: float = 1.0,
        parameters: dict[str, Any] | None = None,
        env: dict[str, str] | None = None,
        log_level: str = "WARNING",
        stack_name: str | None = None,
    ) -> None:
        self._log_level = log_level
        self.host = host
        self._port = port
        self._moto_port = moto_port
        self.web_dir = web_dir or _default_web_dir()
        self._workers_enabled = workers
        self._inspector = inspector
        self.retry_delay = retry_delay
        self._parameters = parameters or {}
        self._extra_env = env or {}
        self.stack_name = stack_name or f"device-intake-{uuid.uuid4().hex[:8]}"
        self.reviewer_password = secrets.token_urlsafe(9)
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._kid = uuid.uuid4().hex[:16]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._moto: Any = None
        self._http: ThreadingHTTPServer | None = None
        self._saved_env: dict[str, str | None] = {}
        self._env: dict[str, str] = {}
        self.moto_url = ""
        self.api_url = ""
        self.web_url = ""
        self.names: dict[str, Any] = {}
        self.function_env: dict[str, str] = {}
        self._event_sources: list[_EventSource] = []
        self.worker_errors: list[str] = []
        self._pools: dict[str, _ContainerPool] = {}
        self._subscriber_secret: str | None = None

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> LocalStack:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def region(self) -> str:
        return self._env.get("AWS_DEFAULT_REGION", "ap-northeast-1")

    def start(self) -> None:
        endpoint = os.environ.get("AWS_ENDPOINT_URL")
        if endpoint and _RUNNING:
            # An endpoint set by another stack of this process is not a user's choice.
            endpoint = None if endpoint in {s.moto_url for s in _RUNNING} else endpoint
        self._set_env(
            {
                "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "ap-northeast-1"),
                "POWERTOOLS_TRACE_DISABLED": "true",
                "POWERTOOLS_METRICS_DISABLED": "true",
                "POWERTOOLS_LOG_LEVEL": self._log_level,
            }
        )
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request lines
        # Every handler flushes metrics; locally there is nowhere to send them.
        warnings.filterwarnings("ignore", message="No application metrics to publish")
        if endpoint:
            self.moto_url = endpoint
        else:
            from moto.server import ThreadedMotoServer

            # moto accepts any credentials; fake ones keep boto3 from looking for real ones.
            self._set_env(
                {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                 "AWS_SESSION_TOKEN": "testing"}
            )
            self._moto = ThreadedMotoServer(ip_address=self.host, port=self._moto_port,
                                            verbose=False)
            self._moto.start()
            moto_port = self._moto._server.server_address[1]
            self.moto_url = f"http://{self.host}:{moto_port}"
            self._set_env({"AWS_ENDPOINT_URL": self.moto_url})
        _RUNNING.append(self)
        self._start_http()
        self._create_resources()
        self._configure_functions()
        if self._workers_enabled:
            for source in self._event_sources:
                thread = threading.Thread(target=self._worker, args=(source,),
                                          name=f"worker-{source.function}", daemon=True)
                thread.start()
                self._threads.append(thread)

    def stop(self) -> None:
        if self in _RUNNING:
            _RUNNING.remove(self)
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=10)
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
        if self._moto is not None:
            self._moto.stop()
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value

    def _set_env(self, values: dict[str, str]) -> None:
        """Set for the process (so ad-hoc boto3 code reaches the most recent stack) and
        remember as this stack's own environment (see ``bound_env``)."""
        for key, value in values.items():
            self._saved_env.setdefault(key, os.environ.get(key))
            os.environ[key] = value
            self._env[key] = value

    # ------------------------------------------------------------------ resources
    def _clients(self) -> tuple[Any, Any, Any, Any]:
        return (self.client("s3"), self.client("sqs"), self.client("dynamodb"),
                self.client("secretsmanager"))

    def _create_resources(self) -> None:
        tpl = template()
        region = self.region
        refs: dict[str, Any] = {
            **parameter_defaults(tpl),
            **self._parameters,
            "AWS::StackName": self.stack_name,
            "AWS::AccountId": ACCOUNT,
            "AWS::Region": region,
            "AWS::Partition": "aws",
            "AWS::NoValue": None,
        }
        attrs: dict[tuple[str, str], Any] = {}
        # Resources that exist only in AWS (Cognito, API Gateway, CloudFront, layers...) get
        # stand-in names so expressions that mention them still evaluate.
        for logical in resources(tpl):
            refs.setdefault(logical, f"local-{logical}")
        attrs[("WebDistribution", "DomainName")] = urlsplit(self.web_url).netloc
        ev = Evaluator(refs=refs, attrs=attrs, conditions={})
        ev.condition_values(tpl)
        s3, sqs, ddb, sm = self._clients()

        for logical, spec in resources(tpl, "AWS::SQS::Queue").items():
            if "RedrivePolicy" not in spec.get("Properties", {}):
                self._create_queue(sqs, logical, spec, ev, refs, attrs)
        for logical, spec in resources(tpl, "AWS::SQS::Queue").items():
            if "RedrivePolicy" in spec.get("Properties", {}):
                self._create_queue(sqs, logical, spec, ev, refs, attrs)

        for logical, spec in resources(tpl, "AWS::DynamoDB::Table").items():
            props = ev(spec["Properties"])
            name = f"{self.stack_name}-{logical}"
            kwargs = {k: props[k] for k in ("AttributeDefinitions", "KeySchema",
                                            "GlobalSecondaryIndexes", "BillingMode",
                                            "StreamSpecification") if k in props}
            if "SSESpecification" in props:
                kwargs["SSESpecification"] = {"Enabled": bool(props["SSESpecification"]
                                                              .get("SSEEnabled"))}
            ddb.create_table(TableName=name, **kwargs)
            ddb.get_waiter("table_exists").wait(TableName=name)
            if props.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled"):
                ddb.update_continuous_backups(
                    TableName=name,
                    PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
                )
            refs[logical] = name
            attrs[(logical, "Arn")] = f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/{name}"

        for logical in resources(tpl, "AWS::SecretsManager::Secret"):
            # Referenced by name (Secrets Manager accepts a name where an ARN goes): the
            # ARN's random suffix would make env.json unusable for `sam local`.
            name = f"{self.stack_name}/{logical}"
            sm.create_secret(Name=name, SecretString=secrets.token_urlsafe(48))
            refs[logical] = name

        for logical, spec in resources(tpl, "AWS::S3::Bucket").items():
            props = spec.get("Properties", {})
            name = ev(props["BucketName"]) if "BucketName" in props else (
                f"{self.stack_name}-{logical.lower()}")
            self._create_bucket(s3, name, region)
            refs[logical] = name
            attrs[(logical, "Arn")] = f"arn:aws:s3:::{name}"
            if props.get("VersioningConfiguration", {}).get("Status") == "Enabled":
                s3.put_bucket_versioning(Bucket=name,
                                         VersioningConfiguration={"Status": "Enabled"})
            if "PublicAccessBlockConfiguration" in props:
                s3.put_public_access_block(
                    Bucket=name,
                    PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"],
                )
            if "BucketEncryption" in props:
                s3.put_bucket_encryption(
                    Bucket=name,
                    ServerSideEncryptionConfiguration={"Rules": [
                        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                    ]},
                )
            if "CorsConfiguration" in props:
                rules = []
                for rule in props["CorsConfiguration"]["CorsRules"]:
                    # The template names the CloudFront origin; locally the pages come from
                    # this stack's own web server.
                    rules.append({"AllowedMethods": rule["AllowedMethods"],
                                  "AllowedOrigins": [self.web_url.rstrip("/")],
                                  "AllowedHeaders": rule.get("AllowedHeaders", ["*"]),
                                  "MaxAgeSeconds": rule.get("MaxAge", 3000)})
                s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": rules})
            notifications = ev(props.get("NotificationConfiguration", {}))
            queue_configs = []
            for conf in notifications.get("QueueConfigurations", []):
                filter_rules = conf.get("Filter", {}).get("S3Key", {}).get("Rules", [])
                entry: dict[str, Any] = {"QueueArn": conf["Queue"], "Events": [conf["Event"]]}
                if filter_rules:
                    entry["Filter"] = {"Key": {"FilterRules": filter_rules}}
                queue_configs.append(entry)
            if queue_configs:
                s3.put_bucket_notification_configuration(
                    Bucket=name, NotificationConfiguration={"QueueConfigurations": queue_configs}
                )
        self._evaluator = ev
        self.names = {k: v for k, v in refs.items() if not str(v).startswith("local-")}

    def _create_queue(self, sqs: Any, logical: str, spec: dict[str, Any], ev: Evaluator,
                      refs: dict[str, Any], attrs: dict[tuple[str, str], Any]) -> None:
        props = ev(spec.get("Properties", {}))
        name = f"{self.stack_name}-{logical}"
        attributes = {}
        for key in ("VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds"):
            if key in props:
                attributes[key] = str(props[key])
        if "RedrivePolicy" in props:
            attributes["RedrivePolicy"] = json.dumps(props["RedrivePolicy"])
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        refs[logical] = url
        attrs[(logical, "Arn")] = arn
        attrs[(logical, "QueueName")] = name

    @staticmethod
    def _create_bucket(s3: Any, name: str, region: str) -> None:
        if region == "us-east-1":
            s3.create_bucket(Bucket=name)
        else:
            s3.create_bucket(Bucket=name,
                             CreateBucketConfiguration={"LocationConstraint": region})

    # ------------------------------------------------------------------ functions
    def _configure_functions(self) -> None:
        tpl = template()
        ev = self._evaluator
        env: dict[str, str] = {}
        global_env = tpl.get("Globals", {}).get("Function", {}).get("Environment", {})
        # None = AWS::NoValue (e.g. AWS_ENDPOINT_URL outside sam local): not set at all.
        env.update({k: str(v) for k, v in ev(global_env.get("Variables", {})).items()
                    if v is not None})
        functions = resources(tpl, "AWS::Serverless::Function")
        for logical, spec in functions.items():
            variables = spec["Properties"].get("Environment", {}).get("Variables", {})
            for key, value in ev(variables).items():
                if value is not None and key not in ("POWERTOOLS_SERVICE_NAME",
                                                     "POWERTOOLS_LOG_LEVEL"):
                    env[key] = str(value)
            for event in spec["Properties"].get("Events", {}).values():
                if event["Type"] == "SQS":
                    queue = event["Properties"]["Queue"]["Fn::GetAtt"][0]
                    self._event_sources.append(
                        _EventSource(logical, queue, int(event["Properties"].get("BatchSize", 10)))
                    )
        # Local identity: tokens signed by this stack, JWKS served by it.
        env["REVIEWER_JWKS_URL"] = f"{self.api_url}/local/jwks.json"
        env["REVIEWER_ISSUER"] = self.reviewer_issuer
        env["POWERTOOLS_LOG_LEVEL"] = self._log_level
        env.update(self._extra_env)
        self.function_env = env
        self._set_env(env)
        self._pools = {logical: _ContainerPool(logical, self._cold_start) for logical in functions}
        for pool in self._pools.values():
            pool.warm()

    def _cold_start(self, logical_id: str) -> ModuleType:
        """A new container of a function: module, settings and clients bound to THIS stack."""
        with self.bound_env():
            module = load_function(logical_id)
            if self._inspector is not None and hasattr(module, "InspectDeps"):
                # Tests only: swap the OCR engine of an inspect container for the double.
                real = getattr(module, "deps")  # noqa: B009 - a dynamically loaded module
                override = self._inspector

                @functools.cache
                def deps_with_double() -> Any:
                    return dataclasses.replace(real(), inspector=override)

                setattr(module, "deps", deps_with_double)  # noqa: B010
            deps = getattr(module, "deps", None)
            if callable(deps):
                deps()
        return module

    @contextlib.contextmanager
    def bound_env(self) -> Iterator[None]:
        """os.environ as this stack's functions see it, for the duration of the block."""
        with _ENV_LOCK:
            saved = {key: os.environ.get(key) for key in self._env}
            os.environ.update(self._env)
            try:
                yield
            finally:
                for key, value in saved.items():
                    if value is None:
                        os.environ.pop(key, None)
                    else:
                        os.environ[key] = value

    def client(self, service: str) -> Any:
        """A boto3 client for THIS stack's endpoint (independent of os.environ)."""
        import boto3

        creds: dict[str, Any] = {}
        if self._moto is not None:
            creds = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing",
                     "aws_session_token": "testing"}
        session = boto3.session.Session(region_name=self.region, **creds)
        # An external endpoint is left to boto3 (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_DYNAMODB...)
        # so that per-service endpoints keep working; our own moto is named explicitly.
        endpoint = self.moto_url if self._moto is not None else None
        return session.client(service, endpoint_url=endpoint)  # type: ignore[call-overload]

    def invoke(self, logical_id: str, event: dict[str, Any]) -> Any:
        """Invoke a template function with an event, as Lambda would (own container)."""
        return self._pools[logical_id].invoke(event)

    def _worker(self, source: _EventSource) -> None:
        sqs = self.client("sqs")
        url = self.names[source.queue_logical]
        arn = self._evaluator.attrs[(source.queue_logical, "Arn")]
        region = self.region
        while not self._stop.is_set():
            try:
                got = sqs.receive_message(
                    QueueUrl=url, MaxNumberOfMessages=min(source.batch_size, 10),
                    WaitTimeSeconds=1, AttributeNames=["All"],
                    MessageSystemAttributeNames=["All"],
                )
            except Exception as exc:
                if self._stop.is_set():
                    return
                log.warning("receive failed: %s", type(exc).__name__)
                time.sleep(0.5)
                continue
            messages = got.get("Messages", [])
            if not messages:
                continue
            event = {"Records": [_sqs_record(m, arn, region) for m in messages]}
            try:
                response = self.invoke(source.function, event) or {}
                failed = {f["itemIdentifier"] for f in response.get("batchItemFailures", [])}
            except Exception as exc:
                # Powertools raises when every record failed; Lambda retries them all.
                self.worker_errors.append(f"{source.function}: {type(exc).__name__}")
                failed = {m["MessageId"] for m in messages}
            for message in messages:
                if message["MessageId"] in failed:
                    sqs.change_message_visibility(
                        QueueUrl=url, ReceiptHandle=message["ReceiptHandle"],
                        VisibilityTimeout=int(self.retry_delay),
                    )
                else:
                    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    # ------------------------------------------------------------------ identity
    @property
    def reviewer_issuer(self) -> str:
        return f"{self.api_url}/local"

    def jwks(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key()))
        public.update({"kid": self._kid, "use": "sig", "alg": "RS256"})
        return {"keys": [public]}

    def subscriber_secret(self) -> str:
        """The HS256 key the API verifies with (read back from the stack's secret once)."""
        if self._subscriber_secret is None:
            if "SUBSCRIBER_JWT_SECRET" in self.function_env:
                self._subscriber_secret = self.function_env["SUBSCRIBER_JWT_SECRET"]
            else:
                arn = self.function_env["SUBSCRIBER_JWT_SECRET_ARN"]
                self._subscriber_secret = self.client("secretsmanager").get_secret_value(
                    SecretId=arn)["SecretString"]
        return self._subscriber_secret

    def mint_subscriber_token(
        self,
        plan: str,
        enrolled_on: date | str,
        subscriber_id: str | None = None,
        phone: str | None = "09012345678",
        *,
        ttl: timedelta = timedelta(hours=12),
    ) -> str:
        """What the operator's My page issues: an HS256 JWT with plan and enrollment date."""
        claims = {
            "sub": subscriber_id or f"sub-{uuid.uuid4().hex[:10]}",
            "plan": plan,
            "enrolled_on": str(enrolled_on),
            "exp": int((datetime.now(UTC) + ttl).timestamp()),
        }
        if phone:
            claims["phone"] = phone
        return jwt.encode(claims, self.subscriber_secret(), algorithm="HS256")

    def reviewer_token(self, username: str, *, groups: Iterable[str] = ("reviewers",)) -> str:
        """A Cognito-like access token for a demo reviewer, signed by this stack's key."""
        now = datetime.now(UTC)
        claims = {
            "sub": str(uuid.uuid5(uuid.NAMESPACE_URL, username)),
            "cognito:username": username,
            "cognito:groups": list(groups),
            "token_use": "access",
            "iss": self.reviewer_issuer,
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(hours=8)).timestamp()),
        }
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self._kid})

    # ------------------------------------------------------------------ test helpers
    def repository(self) -> Any:
        """The DynamoDB repository of this stack's table (what the handlers use)."""
        import boto3
        from device_intake.adapters.dynamodb import DynamoRegistrationRepository

        creds: dict[str, Any] = {}
        if self._moto is not None:
            creds = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing",
                     "aws_session_token": "testing"}
        resource = boto3.session.Session(region_name=self.region, **creds).resource(
            "dynamodb", endpoint_url=self.moto_url if self._moto is not None else None)
        return DynamoRegistrationRepository(resource.Table(self.names["IntakeTable"]))

    def wait_for_status(
        self,
        registration_id: str,
        status: str | Iterable[str] = _TERMINAL,
        *,
        timeout: float = 60.0,
    ) -> Any:
        """Poll DynamoDB until the registration reaches one of ``status``; returns it."""
        wanted = {status} if isinstance(status, str) else set(status)
        repo = self.repository()
        deadline = time.monotonic() + timeout
        current = None
        while time.monotonic() < deadline:
            current = repo.get(registration_id)
            if current is not None and current.status in wanted:
                return current
            time.sleep(0.2)
        seen = current.status if current is not None else "missing"
        raise TimeoutError(f"{registration_id} is {seen}, not {sorted(wanted)}")

    # ------------------------------------------------------------------ HTTP
    def _start_http(self) -> None:
        stack = self

        class Handler(_RequestHandler):
            owner = stack

        self._http = ThreadingHTTPServer((self.host, self._port), Handler)
        self._http.daemon_threads = True
        port = self._http.server_address[1]
        self.api_url = f"http://{self.host}:{port}"
        self.web_url = f"{self.api_url}/"
        thread = threading.Thread(target=self._http.serve_forever, name="http", daemon=True)
        thread.start()


def _sqs_record(message: Any, arn: str, region: str) -> dict[str, Any]:
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": message.get("MessageAttributes", {}),
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": arn,
        "awsRegion": region,
    }


def _default_web_dir() -> Path:
    for candidate in (ROOT / "web", ROOT / "shared" / "device_intake" / "web"):
        if candidate.is_dir():
            return candidate
    return ROOT / "web"


class _RequestHandler(BaseHTTPRequestHandler):
    owner: LocalStack
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._route()

    def do_POST(self) -> None:
        self._route()

    def do_PUT(self) -> None:
        self._route()

    def do_DELETE(self) -> None:
        self._route()

    def do_PATCH(self) -> None:
        self._route()

    def do_OPTIONS(self) -> None:
        self._route()

    def do_HEAD(self) -> None:
        self._route()

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, payload: Any) -> None:
        self._send(status, json.dumps(payload).encode(), {"Content-Type": "application/json"})

    def _route(self) -> None:
        parts = urlsplit(self.path)
        path = parts.path
        body = self._body()
        if path == "/local/jwks.json" and self.command == "GET":
            self._json(200, self.owner.jwks())
        elif path == "/local/reviewer-login" and self.command == "POST":
            self._login(body)
        elif path == "/local/subscriber-token" and self.command == "POST":
            self._subscriber_token(body)
        elif path.startswith("/api/") or path == "/api":
            self._api(parts.path, parts.query, body)
        elif self.command in ("GET", "HEAD"):
            self._static(path)
        else:
            self._json(405, {"error": {"code": "METHOD_NOT_ALLOWED", "message": "static only"}})

    def _login(self, body: bytes) -> None:
        try:
            data = json.loads(body or b"{}")
        except json.JSONDecodeError:
            data = {}
        username, password = data.get("username"), data.get("password")
        if username in REVIEWERS and password == self.owner.reviewer_password:
            self._json(200, {"token": self.owner.reviewer_token(str(username))})
        else:
            self._json(401, {"error": {"code": "UNAUTHORIZED", "message": "wrong credentials"}})

    def _subscriber_token(self, body: bytes) -> None:
        """Local only: what the operator's My page does (used by `device-intake process`)."""
        try:
            data = json.loads(body or b"{}")
            enrolled = date.fromisoformat(str(data["enrolled_on"])).isoformat()
            plan = str(data["plan"])
        except (json.JSONDecodeError, KeyError, ValueError):
            self._json(422, {"error": {"code": "VALIDATION_ERROR",
                                       "message": "plan and enrolled_on (YYYY-MM-DD) required"}})
            return
        token = self.owner.mint_subscriber_token(
            plan, enrolled, data.get("subscriber_id"), data.get("phone") or "09012345678")
        self._json(200, {"token": token})

    def _api(self, path: str, query: str, body: bytes) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        params = {k: ",".join(v) for k, v in parse_qs(query, keep_blank_values=True).items()}
        now = datetime.now(UTC)
        try:
            text: str | None = body.decode("utf-8") if body else None
            b64 = False
        except UnicodeDecodeError:
            text, b64 = base64.b64encode(body).decode(), True
        event: dict[str, Any] = {
            "version": "2.0",
            "routeKey": "$default",
            "rawPath": path,
            "rawQueryString": query,
            "cookies": [],
            "headers": headers,
            "queryStringParameters": params or None,
            "requestContext": {
                "accountId": ACCOUNT,
                "apiId": "local",
                "domainName": headers.get("host", "127.0.0.1"),
                "domainPrefix": "local",
                "http": {
                    "method": self.command,
                    "path": path,
                    "protocol": "HTTP/1.1",
                    "sourceIp": self.client_address[0],
                    "userAgent": headers.get("user-agent", ""),
                },
                "requestId": str(uuid.uuid4()),
                "routeKey": "$default",
                "stage": "$default",
                "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
                "timeEpoch": int(now.timestamp() * 1000),
            },
            "body": text,
            "isBase64Encoded": b64,
        }
        try:
            result = self.owner.invoke("ApiFunction", event)
        except Exception:
            log.exception("api handler crashed")
            self._json(500, {"error": {"code": "INTERNAL", "message": "internal error"}})
            return
        out = result.get("body") or ""
        raw = base64.b64decode(out) if result.get("isBase64Encoded") else out.encode("utf-8")
        headers_out = {k: str(v) for k, v in (result.get("headers") or {}).items()}
        for name, values in (result.get("multiValueHeaders") or {}).items():
            headers_out[name] = ", ".join(values)
        self._send(int(result.get("statusCode", 200)), raw, headers_out)

    def _static(self, path: str) -> None:
        root = self.owner.web_dir.resolve()
        target = (root / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_relative_to(root) or not target.is_file():
            self._send(404, b"not found", {"Content-Type": "text/plain"})
            return
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("application/javascript", "application/json"):
            ctype += "; charset=utf-8"
        self._send(200, target.read_bytes(), {"Content-Type": ctype, "Cache-Control": "no-store"})


# --------------------------------------------------------------------------- make run
def _banner(stack: LocalStack) -> str:
    from device_intake.domain.plans import list_plans

    lines = [
        "",
        "device-intake local stack",
        f"  web + API : {stack.web_url}",
        f"  OpenAPI   : {stack.api_url}/api/openapi.json",
        f"  reviewer  : {stack.web_url}review/  (users {', '.join(REVIEWERS)}, "
        f"password {stack.reviewer_password})",
        f"  AWS       : {stack.moto_url}  (table {stack.names.get('IntakeTable')}, "
        f"bucket {stack.names.get('UploadsBucket')})",
        "  demo subscribers (one per plan):",
    ]
    enrolled = date.today() - timedelta(days=30)
    for plan in list_plans():
        token = stack.mint_subscriber_token(plan.id, enrolled, f"demo-{plan.id}",
                                            ttl=timedelta(days=7))
        lines.append(f"    {plan.id:<22} {stack.web_url}?token={token}")
    lines.append("Ctrl-C to stop.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.local_stack", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--moto-port", type=int, default=0)
    parser.add_argument("--web-dir", type=Path)
    parser.add_argument("--stack-name", default="device-intake-local",
                        help="prefix of every resource name (env.json assumes the default)")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(stream=sys.stderr,
                        level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s %(message)s")
    stack = LocalStack(args.port, host=args.host, moto_port=args.moto_port, web_dir=args.web_dir,
                       log_level="DEBUG" if args.verbose else "WARNING",
                       stack_name=args.stack_name)
    with stack:
        print(_banner(stack), flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("stopping", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
