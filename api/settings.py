"""Settings from environment variables with the `EVALKB_` prefix, built lazily."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Literal

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
    database_url: str = Field(
        "",
        description="postgresql://… to keep the store in PostgreSQL (full text + pgvector) "
        "instead of SQLite under home; '' = SQLite",
    )
    read_database_url: str = Field(
        "",
        description="PostgreSQL: a read replica for the API's reads ('' = database_url); "
        "writes, and reads that follow a write in the same request, use database_url",
    )
    files_dir: str = Field(
        "",
        description="folder of the kept original files ('' = files/ in the data directory); "
        "with PostgreSQL, a folder every server and ingest worker mounts at the same path",
    )
    uploads_dir: str = Field(
        "",
        description="folder where HTTP uploads are staged until read ('' = uploads/ in the "
        "data directory); with PostgreSQL, a folder every server and ingest worker mounts "
        "at the same path",
    )
    model: str = Field(
        "", description="embedding model name or path; '' = bundled all-MiniLM-L6-v2"
    )
    max_tokens: int = Field(
        0, ge=0, le=8192, description="truncate embedded texts to N tokens (0 = model default)"
    )
    encoder: Literal["auto", "onnx", "torch"] = Field(
        "auto",
        description="embedding runtime: auto = ONNX Runtime for a local sentence-transformers "
        "model (exported once into the models folder), else sentence-transformers (torch); "
        "the same model name is recorded either way, so a store built by one serves the other",
    )
    quantize: bool = Field(
        False,
        description="use the int8 ONNX encoder (1.5x faster to embed; nDCG 0.006 below torch on "
        "the dev set, so off by default) when its cosine to torch held >= 0.99 at export",
    )
    encoder_threads: int = Field(
        1, ge=0, le=64, description="ONNX Runtime threads per embedding call (0 = one per core)"
    )
    models_dir: str = Field(
        "", description="folder of exported ONNX encoders ('' = models/ in the data directory)"
    )
    query_batching: bool = Field(
        True, description="concurrent queries share one ONNX encoder run (the API under load)"
    )
    search_slots: int = Field(
        0,
        ge=0,
        le=256,
        description="searches the API runs at once (0 = one per core); the rest wait, so cheap "
        "reads are not starved of CPU under load",
    )
    jobs: int = Field(2, ge=1, le=64, description="parser worker processes")
    ocr: bool = Field(
        True, description="OCR pages without a text layer when Tesseract is installed"
    )
    max_file_mb: float = Field(200, gt=0, description="largest file accepted")
    max_pages: int = Field(2000, gt=0, description="most pages accepted in one PDF")
    parse_timeout: float = Field(
        300, gt=0, description="seconds one file may take to parse, before its pages are counted"
    )
    parse_seconds_per_page: float = Field(
        4.0,
        ge=0,
        description="seconds added to a file's parse time limit per page (an OCRed page takes "
        "2-5 s); past 80% of the limit the pages read so far are stored, flagged incomplete",
    )
    worker_memory_mb: int = Field(
        3072, ge=0, description="address-space limit of a parser (0 = none)"
    )
    upload_max_mb: float = Field(50, gt=0, description="largest upload accepted by the API")
    api_keys: str = Field(
        "", description="comma-separated keys for writes: uploads, deletes, follow-up, review"
    )
    read_keys: str = Field(
        "",
        description="comma-separated keys of clients that may read but never write (a write "
        "with one answers 403, not 401); reads need no key",
    )
    cors_origins: str = Field("", description="comma-separated origins allowed by CORS")
    allowed_hosts: str = Field(
        "",
        description="host names served besides loopback ones on a keyless server "
        "(e.g. a reverse proxy's name); others are refused (DNS rebinding)",
    )
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
            seconds_per_page=self.parse_seconds_per_page,
            memory_bytes=self.worker_memory_mb * 2**20,
        )

    @property
    def allowed_host_names(self) -> set[str]:
        """Configured extra host names, lower-cased."""
        return {h.strip().lower() for h in self.allowed_hosts.split(",") if h.strip()}

    @property
    def keys(self) -> set[str]:
        """Configured API keys (empty: writes only from loopback)."""
        return {k.strip() for k in self.api_keys.split(",") if k.strip()}

    @property
    def reader_keys(self) -> set[str]:
        """Keys known to be read-only (their writes are forbidden, not unauthenticated)."""
        return {k.strip() for k in self.read_keys.split(",") if k.strip()}


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
