"""Request fields: the parameters of a request dataclass, for the CLI and HTTP binders.

`SearchRequest` and `ItemQuery` (in `index.query`) declare their fields once, with help
text, bounds and choices in each field's metadata. `specs()` flattens such a dataclass
(nested dataclasses such as `SearchRequest.filters` included) into `FieldSpec`s; the command
line turns them into options and the HTTP API into query parameters, and both call `build()`
to make the request from the values they received.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields, is_dataclass
from typing import Any

from ingest.errors import InvalidQuery


@dataclass(frozen=True)
class FieldSpec:
    """One parameter: where it goes in the request, its type, default and constraints."""

    name: str  # the field name, unique across the flattened request
    type: type  # int, str, bool (Optional unwrapped)
    default: Any  # MISSING when the parameter is required
    help: str = ""
    choices: tuple[str, ...] = ()
    optional: bool = False  # the choice may be left out
    ge: int | None = None
    le: int | None = None
    min_length: int | None = None
    max_length: int | None = None
    cli: str = ""  # option name on the command line, when not --<name>
    http: str = ""  # query parameter name, when not <name>
    negate: bool = False  # a CLI switch that turns the (true) default off

    @property
    def required(self) -> bool:
        """True for a parameter without a default (the search words)."""
        return self.default is MISSING

    def check(self, value: Any) -> Any:
        """The value if it keeps this field's bounds; InvalidQuery naming the field else."""
        if value is None:
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            if self.ge is not None and value < self.ge:
                raise InvalidQuery(f"{self.name} must be at least {self.ge}, not {value}")
            if self.le is not None and value > self.le:
                raise InvalidQuery(f"{self.name} must be at most {self.le}, not {value}")
        if isinstance(value, str):
            if self.max_length is not None and len(value) > self.max_length:
                raise InvalidQuery(f"{self.name} is longer than {self.max_length} characters")
            if self.choices and value and value not in self.choices:
                raise InvalidQuery(
                    f"{self.name} must be one of {', '.join(self.choices)}, not {value!r}"
                )
        return value


def _plain(annotation: Any) -> type:
    """int | None → int."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _plain(args[0])
    return annotation


def specs(cls: type) -> list[FieldSpec]:
    """The flattened parameters of a request dataclass, in declaration order."""
    hints = typing.get_type_hints(cls)
    out: list[FieldSpec] = []
    for f in fields(cls):
        kind = _plain(hints[f.name])
        if is_dataclass(kind):
            out += specs(kind)
            continue
        meta = dict(f.metadata)
        default = f.default if f.default is not MISSING else MISSING
        if f.default_factory is not MISSING:
            default = f.default_factory()
        out.append(
            FieldSpec(
                name=f.name,
                type=kind,
                default=default,
                help=meta.get("help", ""),
                choices=tuple(meta.get("choices", ())),
                optional=bool(meta.get("optional", False)),
                ge=meta.get("ge"),
                le=meta.get("le"),
                min_length=meta.get("min_length"),
                max_length=meta.get("max_length"),
                cli=meta.get("cli", ""),
                http=meta.get("http", ""),
                negate=bool(meta.get("negate", False)),
            )
        )
    return out


def build(cls: type, values: Mapping[str, Any]) -> Any:
    """The request from flattened values by field name; missing or None keep defaults."""
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for f in fields(cls):
        kind = _plain(hints[f.name])
        if is_dataclass(kind):
            kwargs[f.name] = build(kind, values)
        elif values.get(f.name) is not None:
            kwargs[f.name] = values[f.name]
    return cls(**kwargs)
