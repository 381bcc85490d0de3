"""Read template.yaml as data: a YAML loader for the CloudFormation short-form tags and a
small evaluator for the intrinsics the local stack needs (Ref, GetAtt, Sub, If, Join...).

The local stack and the infra tests both read the template through this module, so what
runs locally is what gets deployed - never a hand copy of table keys or queue settings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

TEMPLATE = Path(__file__).resolve().parents[1] / "template.yaml"

_TAGS = ("Ref", "Condition")
_FN_TAGS = (
    "GetAtt", "Sub", "Join", "If", "Not", "Equals", "And", "Or", "Select", "Split",
    "FindInMap", "ImportValue", "Base64", "GetAZs", "Cidr", "Transform",
)


class _Loader(yaml.SafeLoader):
    """SafeLoader plus ``!Ref``/``!GetAtt``/... turned into their long JSON forms."""


def _construct(tag: str) -> Callable[[yaml.SafeLoader, yaml.Node], dict[str, Any]]:
    key = tag if tag in _TAGS else f"Fn::{tag}"

    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
        value: Any
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
            if tag == "GetAtt":
                value = str(value).split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
        return {key: value}

    return construct


for _tag in (*_TAGS, *_FN_TAGS):
    _Loader.add_constructor(f"!{_tag}", _construct(_tag))


def load(path: Path = TEMPLATE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.load(fh, Loader=_Loader)
    return data


@cache
def template() -> dict[str, Any]:
    return load()


def resources(tpl: Mapping[str, Any], type_: str | None = None) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = tpl.get("Resources", {})
    return {k: v for k, v in found.items() if type_ is None or v.get("Type") == type_}


def parameter_defaults(tpl: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v.get("Default") for k, v in tpl.get("Parameters", {}).items()}


@dataclass
class Evaluator:
    """Resolves intrinsics against local physical names.

    ``refs``: logical id or parameter → value of ``Ref``; ``attrs``: (logical id, attribute) →
    value of ``GetAtt``. Anything unknown raises ``KeyError`` naming it, so a template change
    the local stack does not understand fails loudly instead of half-working.
    """

    refs: dict[str, Any]
    attrs: dict[tuple[str, str], Any]
    conditions: dict[str, bool]

    def __call__(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (key, arg), = value.items()
            if key == "Ref":
                return self.refs[arg]
            if key == "Fn::GetAtt":
                logical, attr = arg if isinstance(arg, list) else str(arg).split(".", 1)
                return self.attrs[(logical, attr)]
            if key == "Fn::Sub":
                return self._sub(arg)
            if key == "Fn::Join":
                sep, parts = arg
                return sep.join(str(self(p)) for p in self(parts))
            if key == "Fn::If":
                name, yes, no = arg
                return self(yes if self.conditions[name] else no)
            if key == "Fn::Not":
                return not self(arg[0])
            if key == "Fn::Equals":
                return self(arg[0]) == self(arg[1])
            if key == "Fn::Select":
                return self(arg[1])[int(self(arg[0]))]
            if key.startswith("Fn::"):
                raise KeyError(f"intrinsic {key} is not supported locally")
        return {k: self(v) for k, v in value.items()}

    def _sub(self, arg: Any) -> str:
        text, extra = (arg, {}) if isinstance(arg, str) else (arg[0], self(arg[1]))

        def repl(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in extra:
                return str(extra[name])
            if "." in name:
                logical, attr = name.split(".", 1)
                return str(self.attrs[(logical, attr)])
            return str(self.refs[name])

        return re.sub(r"\$\{([^}!]+)\}", repl, text)

    def condition_values(self, tpl: Mapping[str, Any]) -> None:
        for name, expr in tpl.get("Conditions", {}).items():
            self.conditions[name] = bool(self(expr))
