"""Settings from environment variables with the `EVALKB_` prefix, built lazily."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from index.knobs import ChunkKnobs, SearchKnobs
from ingest.readers import Limits


class Settings(BaseSettings):
    """Every knob of evalkb; each reads `EVALKB_<NAME>` (e.g. `EVALKB_HOME`); nested groups
    read `EVALKB_<GROUP>__<NAME>` (e.g. `EVALKB_SEARCH__LEXICAL_WEIGHT`)."""

    model_config = SettingsConfigDict(
        env_prefix="EVALKB_", env_nested_delimiter="__", extra="ignore"
    )

    home: Path = Field(Path("data"), description="data directory: store, index, original files")
    model: str = Field(
        "", description="embedding model name or path; '' = bundled all-MiniLM-L6-v2"
    )
    max_tokens: int = Field(
        0, ge=0, le=8192, description="truncate embedded texts to N tokens (0 = model default)"
    )
    jobs: int = Field(2, ge=1, le=64, description="parser worker processes")
    ocr: bool = Field(
        True, description="OCR pages without a text layer when Tesseract is installed"
    )
    max_file_mb: float = Field(200, gt=0, description="largest file accepted")
    max_pages: int = Field(2000, gt=0, description="most pages accepted in one PDF")
    parse_timeout: float = Field(300, gt=0, description="seconds one file may take to parse")
    worker_memory_mb: int = Field(
        3072, ge=0, description="address-space limit of a parser (0 = none)"
    )
    upload_max_mb: float = Field(50, gt=0, description="largest upload accepted by the API")
    api_keys: str = Field("", description="comma-separated keys for uploads and deletes")
    cors_origins: str = Field("", description="comma-separated origins allowed by CORS")
    host: str = Field("127.0.0.1", description="interface `evalkb serve` listens on")
    port: int = Field(8000, ge=0, le=65535, description="port `evalkb serve` listens on")
    search: SearchKnobs = Field(default_factory=SearchKnobs, description="search ranking")
    chunking: ChunkKnobs = Field(default_factory=ChunkKnobs, description="search units")

    @property
    def limits(self) -> Limits:
        """Per-file parsing limits."""
        return Limits(
            max_bytes=int(self.max_file_mb * 2**20),
            max_pages=self.max_pages,
            seconds=self.parse_timeout,
            memory_bytes=self.worker_memory_mb * 2**20,
        )

    @property
    def keys(self) -> set[str]:
        """Configured API keys (empty: writes only from loopback)."""
        return {k.strip() for k in self.api_keys.split(",") if k.strip()}


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings()


def settings_rows(
    model: type[BaseModel] = Settings, prefix: str = "EVALKB_"
) -> Iterator[tuple[str, str, str]]:
    """(variable, default, meaning) for every setting, nested groups flattened."""
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from settings_rows(annotation, f"{prefix}{name.upper()}__")
            continue
        default = field.get_default(call_default_factory=True)
        shown = "(none)" if default in ("", None) else str(default)
        yield f"{prefix}{name.upper()}", shown, field.description or ""


def settings_table() -> str:
    """The README's settings table (`python -m api.settings` prints it)."""
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    lines += [f"| `{var}` | {default} | {meaning} |" for var, default, meaning in settings_rows()]
    return "\n".join(lines)


if __name__ == "__main__":
    print(settings_table())
