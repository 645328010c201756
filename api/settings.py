"""Settings from environment variables with the `EVALKB_` prefix, built lazily."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from ingest.readers import Limits


class Settings(BaseSettings):
    """Every knob of evalkb; each reads `EVALKB_<NAME>` (e.g. `EVALKB_HOME`)."""

    model_config = SettingsConfigDict(env_prefix="EVALKB_", extra="ignore")

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
    host: str = "127.0.0.1"
    port: int = 8000

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
