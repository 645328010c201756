"""Blocks being read: the mutable drafts the reader fills before they become records."""

from __future__ import annotations

from dataclasses import dataclass, field

from .actions import parse_action


@dataclass
class DraftAction:
    """One action being read: its raw text and the fields its columns or labels gave."""

    raw: str = ""
    deadline: str = ""
    responsible: str = ""
    status: str = ""
    comments: str = ""
    pages: set[int] = field(default_factory=set)
    inline: bool = True  # fields not given by columns are read from the text

    def extend(self, text: str) -> None:
        """Add a continuation line to the action's text."""
        self.raw = f"{self.raw} {text}".strip()

    def set(self, role: str, value: str) -> bool:
        """Fill one field if it is still empty; True when it was."""
        if not value or getattr(self, role, True):
            return False
        setattr(self, role, value)
        return True

    def parts(self) -> dict[str, str]:
        """The action's fields: explicit ones first, the rest read from its text."""
        found = parse_action(self.raw) if self.inline else None
        text = found.text if found else " ".join(self.raw.split())
        out = {"text": text}
        for name in ("deadline", "responsible", "status", "comments"):
            value = getattr(self, name) or (getattr(found, name) if found else "")
            out[name] = " ".join(value.split())
        return out


@dataclass
class Draft:
    """One recommendation block being read."""

    number: str = ""
    rec: list[str] = field(default_factory=list)
    addressee: list[str] = field(default_factory=list)
    priority: str = ""
    response: list[str] = field(default_factory=list)
    actions: list[DraftAction] = field(default_factory=list)
    pending: dict[str, str] = field(default_factory=dict)  # action fields given before actions
    pages: set[int] = field(default_factory=set)
    evidence: str = "form"

    def has_content(self) -> bool:
        """True once the block holds a recommendation, a response or an action."""
        return bool(self.rec or self.response or self.actions)

    def has_response(self) -> bool:
        """True when the block says anything on behalf of management."""
        return bool(self.response or self.actions)

    def add_action(self, raw: str, pages: tuple[int, ...], **fields: str) -> DraftAction:
        """Append an action (explicit fields switch off reading them from the text)."""
        action = DraftAction(raw=raw, pages=set(pages), inline=not fields)
        for name, value in fields.items():
            action.set(name, value)
        self.actions.append(action)
        return action

    def add_unique(self, name: str, value: str) -> None:
        """Append a value to a list field unless it repeats the last one (merged cells)."""
        values: list[str] = getattr(self, name)
        if value and (not values or values[-1] != value):
            values.append(value)
