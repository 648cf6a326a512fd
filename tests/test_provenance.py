"""No sentence of the source documents is copied into the project.

Every run of eight consecutive words of a source document is looked up in the
project's text files (code, data, docs).  Citations (``KEY § Section``) and the
bibliographic entries of ``seeds/sources.toml`` are exempt: titles and section
headings are references, not borrowed prose; so are official names of treaties
and runs made only of state names.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

N = 8
ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "seeds"
OFFICIAL_NAMES = ["Shanghai Convention on combating terrorism, separatism and extremism"]
_CITE = re.compile(r"[A-Za-z0-9_]+ § [^\"\]\n;]+")


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _project_files() -> list[Path]:
    files = []
    for path in ROOT.rglob("*"):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in {".venv", ".git", "results", "tests", "build", "dist"} or not path.is_file():
            continue
        if path.suffix in {".toml", ".md", ".py", ".txt", ".cfg"} and rel != Path("seeds/sources.toml"):
            files.append(path)
    return files


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/seeds is not beside this checkout")
def test_no_source_sentence_in_project(evidence) -> None:
    grams: set[tuple[str, ...]] = set()
    for f in SHARED.glob("*.txt"):
        w = _words(f.read_text(encoding="utf-8"))
        grams.update(tuple(w[i : i + N]) for i in range(len(w) - N + 1))
    names = {w for m in evidence.members.values() for w in _words(m.name + " " + m.id.replace("_", " "))}
    exempt = [_words(n) for n in OFFICIAL_NAMES]
    hits = []
    for path in _project_files():
        text = _CITE.sub(" ", path.read_text(encoding="utf-8"))
        w = _words(text)
        for i in range(len(w) - N + 1):
            gram = tuple(w[i : i + N])
            if gram in grams and not set(gram) <= names and not any(_inside(gram, e) for e in exempt):
                hits.append(f"{path.relative_to(ROOT)}: {' '.join(gram)}")
    assert not hits, "text copied from the sources:\n" + "\n".join(hits)


def _inside(gram: tuple[str, ...], name: list[str]) -> bool:
    return any(tuple(name[i : i + len(gram)]) == gram for i in range(len(name) - len(gram) + 1))
