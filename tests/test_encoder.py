"""The ONNX Runtime encoder (issue 11): parity with sentence-transformers, a torch-free query path.

Unit tests here load no model: the runtime choice, the model name both runtimes record, and
that the modules `evalkb search` runs import no torch. The integration tests (`-m
integration`) export the bundled model once into a temp folder (torch, ~20 s), compare ONNX
fp32 and int8 embeddings of corpus-like French and English passages with the
sentence-transformers ones, and run `evalkb search --mode hybrid` in a fresh process on a
small store to check that it imports neither torch, transformers nor sentence-transformers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.embeddings import SentenceTransformerEmbedder, default_model_path, model_name
from index.encoders import OnnxEmbedder, make_embedder, onnx_embedder, onnx_installed
from index.onnx_export import MIN_PARITY, read_export
from ingest.errors import EvalkbError

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
HEAVY = ("torch", "transformers", "sentence_transformers")
# prints, at exit, which heavy modules the process imported (after running argv as evalkb)
WRAPPER = """
import json, sys
from api.main import main
try:
    code = main(sys.argv[1:])
finally:
    heavy = sorted({m.split(".")[0] for m in sys.modules} & {"torch", "transformers",
                   "sentence_transformers"})
    print("HEAVY=" + json.dumps(heavy), file=sys.stderr)
sys.exit(code)
"""
# corpus-like passages: long French and English paragraphs, tables, figures, accents
PASSAGES = (
    "Recommandation 4 : Le Ministère de la Justice et des Droits de l'Homme devrait "
    "renforcer les capacités des magistrats et des officiers de police judiciaire en matière "
    "de traite des personnes, en particulier dans les régions de Kayes, Ségou et Mopti, où la "
    "persistance de l'esclavage par ascendance reste préoccupante.",
    "Leçons apprises : l'implication précoce des autorités traditionnelles et religieuses a "
    "facilité l'acceptation du projet par les communautés ; à l'inverse, les retards de "
    "décaissement du premier trimestre ont réduit la durée effective des activités à 14 mois.",
    "Tableau 3 : Budget du plan d'action | Axe stratégique | 2023 | 2024 | Total (FCFA) | "
    "Prévention | 450 000 000 | 520 000 000 | 970 000 000 | Protection des victimes | "
    "610 000 000 | 640 000 000 | 1 250 000 000",
    "Bonne pratique BP.2 — Les cliniques juridiques mobiles ont permis à 1 245 personnes, dont "
    "62 % de femmes, d'obtenir une assistance gratuite ; le modèle est reproductible à faible "
    "coût.",
    "The evaluation found that the project was relevant to the needs of returning migrants, "
    "but the sustainability of the reintegration support depended on continued funding from "
    "the EU Trust Fund after the end of the action in December 2021.",
    "Lesson learned: joint monitoring visits by the Ministry of Labour and IOM field staff "
    "improved data quality; however, the absence of a baseline survey limited the measurement "
    "of outcome-level indicators.",
    "Recommendation 7 (high priority, timeline: 6 months, responsibility: PBF Secretariat): "
    "transfer the second tranche of funds to recipient UN organisations without delay so that "
    "activities in the central regions can resume.",
    "Indicator 1.2 | Baseline (2019) | Target (2021) | Achieved | Number of cases of trafficking "
    "prosecuted | 12 | 40 | 27 | Percentage of victims referred to services | 35 % | 70 % | 58 %",
    "budget total du plan d'action",
    "date of the first transfer of PBF funds",
)


def _shared_passages(limit: int = 12) -> list[str]:
    """Paragraphs of the seed reports (French) and PIAF (French Wikipedia), when present."""
    out: list[str] = []
    for seed in sorted((SHARED / "seeds").glob("*.txt"))[:3]:
        paragraphs = [p.strip() for p in seed.read_text(encoding="utf-8").split("\n\n")]
        out += [p for p in paragraphs if 200 <= len(p) <= 1500][:3]
    piaf = SHARED / "retrieval" / "piaf" / "corpus.jsonl"
    if piaf.exists():
        with piaf.open(encoding="utf-8") as lines:
            out += [json.loads(next(lines))["text"] for _ in range(3)]
    return out[:limit]


def _heavy_imports(code: str, env: dict[str, str] | None = None, *args: str) -> list[str]:
    """The heavy modules a fresh interpreter imported running `code` (JSON on stderr)."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    line = [x for x in done.stderr.splitlines() if x.startswith("HEAVY=")][-1]
    return list(json.loads(line[len("HEAVY=") :]))


# -- unit tests: no model loaded ----------------------------------------------------------


def test_query_modules_import_no_torch() -> None:
    """What `evalkb search` imports up to the first encoding pulls in no heavy module."""
    code = (
        "import json, sys\n"
        "import api.main, api.cli, api.service, index.encoders, index.search_index\n"
        "from api.service import KnowledgeBase, default_embedder\n"
        "from api.settings import Settings\n"
        "default_embedder(Settings(encoder='torch'))\n"  # built lazily: nothing loaded
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & set(json.loads(sys.argv[1])))\n"
        "print('HEAVY=' + json.dumps(heavy), file=sys.stderr)\n"
    )
    assert _heavy_imports(code, None, json.dumps(HEAVY)) == []


def test_runtime_choice_and_model_name(tmp_path: Path) -> None:
    """torch gives the reference; auto gives ONNX for the bundled model; both share a name."""
    reference = make_embedder("", "torch", tmp_path)
    assert isinstance(reference, SentenceTransformerEmbedder)
    with pytest.raises(EvalkbError):
        make_embedder("", "tensorflow", tmp_path)
    if not onnx_installed():
        pytest.skip("onnxruntime or tokenizers not installed")
    auto = make_embedder("", "auto", tmp_path)
    assert isinstance(auto, OnnxEmbedder)
    assert auto.name == reference.name == model_name(default_model_path())
    assert auto.dim == 384
    assert not list(tmp_path.iterdir())  # nothing exported before the first encoding


def test_hub_names_and_odd_folders_stay_on_torch(tmp_path: Path) -> None:
    """A hub name or a folder that is no plain sentence-transformers model has no ONNX form."""
    assert onnx_embedder("sentence-transformers/all-mpnet-base-v2", tmp_path) is None
    (tmp_path / "odd").mkdir()
    (tmp_path / "odd" / "modules.json").write_text("[]")
    assert onnx_embedder(str(tmp_path / "odd"), tmp_path) is None
    fallback = make_embedder(str(tmp_path / "odd"), "auto", tmp_path)
    assert isinstance(fallback, SentenceTransformerEmbedder)
    with pytest.raises(EvalkbError):
        make_embedder(str(tmp_path / "odd"), "onnx", tmp_path)


# -- integration: the real model, exported once into a temp folder -------------------------


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models folder holding the bundled model's ONNX export (made here, with torch)."""
    if not onnx_installed():
        pytest.skip("onnxruntime or tokenizers not installed")
    folder = tmp_path_factory.mktemp("models")
    embedder = onnx_embedder("", folder)
    assert embedder is not None
    info = embedder.export_info()
    assert info["runtime"].startswith("onnx"), info["runtime"]
    return folder


@pytest.mark.integration
def test_onnx_matches_sentence_transformers(models: Path) -> None:
    """Cosine >= 0.99 between ONNX (fp32, and int8 when used) and torch on FR/EN passages."""
    texts = list(PASSAGES) + _shared_passages()
    reference = SentenceTransformerEmbedder()
    expected = reference.encode(texts)
    fp32 = onnx_embedder("", models, quantize=False, micro_batch=False)
    int8 = onnx_embedder("", models, quantize=True, micro_batch=False)
    assert fp32 is not None and int8 is not None
    assert fp32.name == int8.name == reference.name
    assert fp32.dim == int8.dim == reference.dim
    info = int8.export_info()
    assert fp32.export_info()["runtime"] == "onnx-fp32"
    cos32 = np.sum(fp32.encode(texts) * expected, axis=1)
    assert cos32.min() >= MIN_PARITY, cos32
    if info["runtime"] == "onnx-int8":  # int8 is used only when its export check held
        cos8 = np.sum(int8.encode(texts) * expected, axis=1)
        assert cos8.min() >= MIN_PARITY, cos8
    else:
        assert float(info["int8_parity"]) < MIN_PARITY
    # one text alone (the query path, micro-batched) gives the same vector as in a batch
    single = onnx_embedder("", models, quantize=False)
    assert single is not None
    assert float(single.encode([texts[0]])[0] @ expected[0]) >= MIN_PARITY
    folder = Path(info["folder"])
    assert read_export(folder) is not None


@pytest.mark.integration
def test_hybrid_search_imports_no_torch(models: Path, tmp_path: Path) -> None:
    """`evalkb search --mode hybrid` in a fresh process: ONNX only, no torch (issue 11 item 2)."""
    home = tmp_path / "home"
    report = tmp_path / "rapport.md"
    report.write_text(
        "# Rapport d'évaluation finale\n\n## Recommandations\n\n"
        + "\n\n".join(PASSAGES[:8])
        + "\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "EVALKB_HOME": str(home),
        "EVALKB_MODELS_DIR": str(models),
        "EVALKB_ENCODER": "auto",
        "EVALKB_OCR": "false",
        "EVALKB_JOBS": "1",
    }
    assert _heavy_imports(WRAPPER, env, "ingest", str(report)) == []
    for mode in ("hybrid", "dense", "lexical"):
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                WRAPPER,
                "search",
                "magistrats traite des personnes",
                "--mode",
                mode,
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert "HEAVY=[]" in done.stderr, (mode, done.stderr[-2000:])
        assert "rapport" in done.stdout, (mode, done.stdout)
