"""Command-line options from request fields (see `api.fields`): one option per field."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from ingest.errors import InvalidQuery

from ..fields import FieldSpec, build, specs


def _checked(spec: FieldSpec) -> Callable[[str], Any]:
    """An argparse `type` that converts and checks bounds, so errors name the option."""

    def convert(text: str) -> Any:
        value: Any = int(text) if spec.type is int else text
        try:
            return spec.check(value)
        except InvalidQuery as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = spec.type.__name__  # argparse names the type in its error
    return convert


def add_request_options(parser: argparse.ArgumentParser, cls: type) -> None:
    """Add an option (or the positional argument) for every field of a request dataclass."""
    for spec in specs(cls):
        if spec.required:
            parser.add_argument(spec.name, help=spec.help, type=_checked(spec))
            continue
        flag = spec.cli or "--" + spec.name.replace("_", "-")
        if spec.type is bool:
            action = "store_true" if spec.negate or not spec.default else "store_false"
            parser.add_argument(flag, dest=spec.name, action=action, help=spec.help)
            continue
        parser.add_argument(
            flag,
            dest=spec.name,
            type=_checked(spec),
            choices=list(spec.choices) or None,
            default=None,
            help=spec.help
            + (f" (default {spec.default})" if spec.default not in ("", None) else ""),
        )


def request_from(args: argparse.Namespace, cls: type) -> Any:
    """The request a parsed command line asks for (options left out keep their defaults)."""
    return build(cls, vars(args))
