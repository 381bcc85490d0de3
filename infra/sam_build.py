"""`make sam-build`: `sam build` every zip function of template.yaml (and its layer).

The image function (InspectFunction) needs a Docker engine, which CI does not have; it is
listed and skipped. Exit status is non-zero if any zip build fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from infra.template import TEMPLATE, resources, template

ROOT = TEMPLATE.parent
SAM = ROOT / ".sam-venv" / "bin" / "sam"


def zip_functions() -> tuple[list[str], list[str]]:
    """(zip function ids, image function ids) of the template."""
    zips: list[str] = []
    images: list[str] = []
    for logical, spec in resources(template(), "AWS::Serverless::Function").items():
        (images if spec["Properties"].get("PackageType") == "Image" else zips).append(logical)
    return sorted(zips), sorted(images)


def main() -> int:
    zips, images = zip_functions()
    env = {**os.environ, "SAM_CLI_TELEMETRY": "0"}
    region = os.environ.get("AWS_DEFAULT_REGION", "ap-northeast-1")
    failed = []
    for logical in zips:
        started = time.monotonic()
        cmd = [str(SAM), "build", logical, "--template-file", str(TEMPLATE),
               # One build dir per function: a single-resource build replaces the whole dir.
               "--build-dir", str(ROOT / ".aws-sam" / f"build-{logical}"), "--region", region,
               "--cached", "--cache-dir", str(ROOT / ".aws-sam" / "cache")]
        result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                                check=False)
        took = time.monotonic() - started
        status = "ok" if result.returncode == 0 else "FAILED"
        print(f"sam build {logical}: {status} ({took:.0f} s)")
        if result.returncode != 0:
            failed.append(logical)
            sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
    for logical in images:
        print(f"sam build {logical}: skipped (container image: needs Docker)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
