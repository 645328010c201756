"""Settings: nested groups read from the environment, and the README lists every one."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.settings import Settings, settings_rows

README = Path(__file__).resolve().parents[1] / "README.md"


def test_nested_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVALKB_SEARCH__LEXICAL_WEIGHT", "0.6")
    monkeypatch.setenv("EVALKB_CHUNKING__MAX_WORDS", "200")
    settings = Settings()
    assert settings.search.lexical_weight == 0.6 and settings.chunking.max_words == 200
    assert settings.search.depth == 100  # untouched knobs keep their defaults


def test_bad_nested_value_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVALKB_SEARCH__LEXICAL_WEIGHT", "3")
    with pytest.raises(ValueError, match="lexical_weight"):
        Settings()


def test_readme_lists_every_setting() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [var for var, _, _ in settings_rows() if f"`{var}`" not in text]
    assert not missing, f"README's settings table lacks {missing} (python -m api.settings)"
