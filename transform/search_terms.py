"""The terms of the full-text index: one tokenizer for the articles indexed and for the queries.

Text is normalised (NFKC, then casefolded: full-width letters and digits become plain ones, "ß" becomes
"ss"), then cut into runs by script:

- **Chinese and Japanese** (Han, hiragana, katakana): overlapping character bigrams, since neither
  script puts spaces between words; a run of one character is that character. "阿里巴巴集团" gives
  阿里, 里巴, 巴巴, 巴集, 集团, so the query 阿里巴巴 (阿里, 里巴, 巴巴) matches wherever the name is written.
  Bigrams need no dictionary, never miss a word a segmenter does not know (names, new products), and
  cost nothing to compute; BM25 ranks documents holding every bigram of a query first. Segmented words
  (`transform.segmentation`) were measured and not taken: a query has no context to tell Chinese from
  Japanese (半導体 alone reads as either) nor to cut a word the way the article's sentence was cut, so
  they found 60% of the articles holding a probe word where bigrams found all, and indexed 5 to 9 times
  slower (`python -m bench.cjk_corpus`, docs/cjk.md).
- **Korean** (Hangul): words by spaces, plus their syllable bigrams when longer than two syllables,
  because Korean attaches particles to words (애플은 = 애플 + 은): 애플은 gives 애플은, 애플, 플은.
- **Everything else** (Latin, Cyrillic, Greek, digits...): words, accents on Latin letters folded
  (café = cafe), English stop words dropped, stemmed by the Snowball English stemmer (PyStemmer), so
  "models" finds "model". Words of other scripts pass through the stemmer unchanged.

`search_terms` lists a text's terms in order, repeats included; `query_terms` the distinct terms of a
query; `search_document` an article's term frequencies and length, as the warehouse stores them.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

# Han (with radicals, 々〆〇 and the extensions), hiragana, katakana (without the middle dot ・).
_CJK = (
    "\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3031-\u3035\u3040-\u309f\u30a0-\u30fa\u30fc-\u30ff"
    "\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
)
_HANGUL = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff"
_TOKEN = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<hangul>[{_HANGUL}]+)|(?P<word>[^\W_{_CJK}{_HANGUL}]+)")

# The Snowball project's English stop words, without the apostrophe forms (the tokenizer splits "don't"
# into "don" and "t") but with the pieces they leave. "us" is kept: casefolded, it is also "US".
_STOP_WORDS = """
    a about above after again against all am an and any are as at be because been before being below
    between both but by cannot could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself me more most
    my myself no nor not of off on once only or other ought our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom why with would
    you your yours yourself yourselves
    s t d ll m re ve don doesn didn isn aren wasn weren hasn haven hadn won wouldn shan shouldn couldn
    mustn
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())

_local = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    # A Snowball stemmer keeps state while it works: one per thread (Prefect may run tasks in threads).
    stemmer: Stemmer.Stemmer | None = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("english")
    return stemmer


def _fold_accents(word: str) -> str:
    """Drop the accents of Latin letters (café -> cafe); marks on other letters (Cyrillic й) stay."""
    kept: list[str] = []
    for char in unicodedata.normalize("NFKD", word):
        if unicodedata.combining(char) and kept and kept[-1].isascii():
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


@lru_cache(maxsize=200_000)
def _word_term(word: str) -> str | None:
    """The index term of one casefolded word, or None for a stop word. Cached: news repeats its words,
    and stemming is most of the tokenizer's cost."""
    if not word.isascii():
        word = _fold_accents(word)
    if word in STOP_WORDS:
        return None
    stem: str = _stemmer().stemWord(word)
    return stem


def _bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


_CJK_OR_HANGUL = re.compile(f"[{_CJK}{_HANGUL}]")
_WORD = re.compile(r"[^\W_]+")  # `_TOKEN`'s words, in a text without CJK or Hangul letters


def search_terms(text: str) -> list[str]:
    """The index terms of `text`, in order, repeats included (see the module docstring)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    if not _CJK_OR_HANGUL.search(folded):  # words only: found at once (half the cost of the loop below)
        return [term for term in map(_word_term, _WORD.findall(folded)) if term is not None]
    terms: list[str] = []
    for match in _TOKEN.finditer(folded):
        token = match.group()
        if match.lastgroup == "word":
            term = _word_term(token)
            if term is not None:
                terms.append(term)
        elif match.lastgroup == "cjk":
            terms.extend(_bigrams(token))
        else:  # Hangul: the word, and its bigrams when they are not the word itself
            terms.append(token)
            if len(token) > 2:
                terms.extend(_bigrams(token))
    return terms


def query_terms(query: str) -> list[str]:
    """The distinct terms of a search query, in the order they first appear."""
    return list(dict.fromkeys(search_terms(query)))


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """One article as the full-text index holds it: its terms with their counts, and its length."""

    article_id: str
    # Number of terms of title and body together, repeats included (BM25's document length).
    length: int
    # (term, count in title and body), sorted by term.
    terms: tuple[tuple[str, int], ...]


def search_document(article_id: str, title: str | None, body: str) -> SearchDocument:
    """The index entry of an article: the terms of its title and body (BM25 over both, as one text)."""
    terms = search_terms(title or "") + search_terms(body)
    return SearchDocument(article_id, len(terms), tuple(sorted(Counter(terms).items())))
