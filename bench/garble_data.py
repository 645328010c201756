"""Regenerate the garbled-text detector's data files in `ingest/pdf/data/`.

- `common_words.txt`: French and English function words (spaCy's stop-word lists), folded to
  ASCII, two letters or more: running text in either language is 25-60 % these words.
- `letter_pairs.txt`: how many dictionary words contain each pair of letters (`^` and `$`
  mark a word's start and end), counted over Tesseract's French and English word lists
  (`combine_tessdata -e` + `dawg2wordlist`), folded to ASCII. Text whose letters were swapped
  by a font without a Unicode map is full of pairs that words almost never contain.

Run: .venv/bin/python bench/garble_data.py   (needs tesseract-ocr-fra/-eng and spaCy)
"""

from __future__ import annotations

import collections
import subprocess
import tempfile
from pathlib import Path

from spacy.lang.en.stop_words import STOP_WORDS as EN
from spacy.lang.fr.stop_words import STOP_WORDS as FR

from ingest.vocab import ascii_fold

OUT = Path(__file__).resolve().parents[1] / "ingest" / "pdf" / "data"
TESSDATA = Path("/usr/share/tesseract-ocr/5/tessdata")


def dictionary(lang: str, work: Path) -> list[str]:
    """Tesseract's word list for `lang`."""
    data = TESSDATA / f"{lang}.traineddata"
    dawg, chars = work / f"{lang}.lstm-word-dawg", work / f"{lang}.lstm-unicharset"
    subprocess.run(
        ["combine_tessdata", "-e", str(data), str(dawg), str(chars)],
        check=True,
        capture_output=True,
    )
    out = work / f"{lang}.txt"
    subprocess.run(
        ["dawg2wordlist", str(chars), str(dawg), str(out)], check=True, capture_output=True
    )
    return out.read_text(encoding="utf-8").split()


def main() -> None:
    words = sorted({w for w in map(ascii_fold, FR | EN) if len(w) >= 2 and w.isalpha()})
    (OUT / "common_words.txt").write_text(
        "# French and English function words (spaCy stop words), ASCII-folded; "
        "bench/garble_data.py\n" + "\n".join(words) + "\n",
        encoding="utf-8",
    )
    pairs: collections.Counter[str] = collections.Counter()
    with tempfile.TemporaryDirectory() as tmp:
        for lang in ("fra", "eng"):
            for word in set(map(ascii_fold, dictionary(lang, Path(tmp)))):
                if word.isascii() and word.isalpha() and word.islower():
                    marked = f"^{word}$"
                    pairs.update(a + b for a, b in zip(marked, marked[1:], strict=False))
    lines = [f"{pair} {count}" for pair, count in sorted(pairs.items())]
    (OUT / "letter_pairs.txt").write_text(
        "# letter pair, number of French+English dictionary words containing it "
        "(Tesseract fra/eng word lists, ASCII-folded; ^ start, $ end); bench/garble_data.py\n"
        + "\n".join(lines)
        + "\n",
        encoding="utf-8",
    )
    print(f"{len(words)} words, {len(pairs)} letter pairs -> {OUT}")


if __name__ == "__main__":
    main()
