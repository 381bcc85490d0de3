"""`make sam-build`: `sam build` the zip functions of template.yaml (with their layer).

The image function (InspectFunction) needs a Docker engine, which CI does not have. So the
template is filtered - the image function and the resources that only exist for it removed -
into ``.aws-sam/template-zip.json`` and built once (the shared layer is built a single time,
which halves the time of per-function builds). Exit status is non-zero if the build fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

from infra.template import TEMPLATE, resources, template

ROOT = TEMPLATE.parent
SAM = ROOT / ".sam-venv" / "bin" / "sam"
OUT = ROOT / ".aws-sam"


def _mentions(node: Any, names: set[str]) -> bool:
    if isinstance(node, dict):
        if node.get("Ref") in names:
            return True
        get_att = node.get("Fn::GetAtt")
        if isinstance(get_att, list) and get_att and get_att[0] in names:
            return True
        sub = node.get("Fn::Sub")
        text = sub if isinstance(sub, str) else (sub[0] if isinstance(sub, list) else "")
        if any(f"${{{n}}}" in text or f"${{{n}." in text for n in names):
            return True
        return any(_mentions(v, names) for v in node.values())
    if isinstance(node, list):
        return any(_mentions(v, names) for v in node)
    return False


def zip_only_template(tpl: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """(template without image functions and their dependents, removed image function ids)."""
    functions = resources(tpl, "AWS::Serverless::Function")
    images = sorted(k for k, v in functions.items()
                    if v["Properties"].get("PackageType") == "Image")
    removed = set(images)
    kept = dict(tpl["Resources"])
    changed = True
    while changed:  # drop whatever refers to something dropped (log groups, alarms...)
        changed = False
        for name in list(kept):
            if name not in removed and _mentions(kept[name], removed):
                removed.add(name)
                changed = True
        kept = {k: v for k, v in kept.items() if k not in removed}
    outputs = {k: v for k, v in tpl.get("Outputs", {}).items() if not _mentions(v, removed)}
    return {**tpl, "Resources": kept, "Outputs": outputs}, images


def main() -> int:
    filtered, images = zip_only_template(template())
    OUT.mkdir(exist_ok=True)
    path = OUT / "template-zip.json"
    path.write_text(json.dumps(filtered, indent=1), encoding="utf-8")
    zips = sorted(resources(filtered, "AWS::Serverless::Function"))
    cmd = [str(SAM), "build", "--template-file", str(path), "--base-dir", str(ROOT),
           "--build-dir", str(OUT / "build"), "--cached", "--cache-dir", str(OUT / "cache"),
           "--region", os.environ.get("AWS_DEFAULT_REGION", "ap-northeast-1")]
    started = time.monotonic()
    result = subprocess.run(cmd, cwd=ROOT, env={**os.environ, "SAM_CLI_TELEMETRY": "0"},
                            capture_output=True, text=True, check=False)
    took = time.monotonic() - started
    status = "ok" if result.returncode == 0 else "FAILED"
    print(f"sam build {', '.join(zips)} (+ layer): {status} ({took:.0f} s)")
    for logical in images:
        print(f"sam build {logical}: skipped (container image: needs Docker)")
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
