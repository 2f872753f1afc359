"""Glued sentences: "with confidenceShortly after" -> "with confidence. Shortly after", while names such as
iPhone, DeepSeek or McDonald survive.

Copying text out of a page often drops the space and stop between two sentences. Each place where a
lowercase letter meets a capital is judged on how the left part can end a sentence and how strongly the
right part opens one, with evidence from the rest of the document (see `split_glued_sentences`).
"""

from __future__ import annotations

import re
from collections import Counter

from transform.lexicon import (
    CALENDAR_WORDS,
    CLOSED_OPENERS,
    CODE_PREFIXES,
    CODE_SUFFIXES,
    COMMON_WORDS,
    FUNCTION_WORDS,
    NAME_PREFIXES,
    NEWS_OPENERS,
    NON_FINAL_WORDS,
    PRONOUN_OPENERS,
    PROTECTED_NAMES,
    SENTENCE_STARTERS,
    WORD_ONSETS,
)
from transform.steps import Edit, StepResult, apply_edits

# A word with letters only (apostrophes and hyphens inside), not part of a URL, handle, path, number or
# code: no "@#/\.`$=<" just before it, no "(", "[", "=", "`", "<", "@", "/" or ".x" just after.
_TOKEN = re.compile(r"(?<![\w@#/\\.\u2019'`$=<-])[A-Za-z](?:[A-Za-z\u2019'-]*[A-Za-z])?(?![\w@/(\[=`<]|\.\w)")
_CAMEL = re.compile(r"[a-z][A-Z]")
# ASCII letters folded to their case ("a" or "A"), every other character to one byte: a lower-upper pair
# is then a plain substring search at the same offsets, many times faster than a regex over an article.
_LETTER_CASE = bytes.maketrans(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", b"a" * 26 + b"A" * 26)
_WHITESPACE_BEFORE = re.compile(r"\s(?=\S*$)")
_WHITESPACE = re.compile(r"\s")
_RIGHT_WORD = re.compile(r"([A-Z][a-z]+)(['\u2019]s)?")
_POSSESSIVE = re.compile(r"['\u2019]s$")
_LEFT_WORD = re.compile(r"[A-Z]?[a-z]{2,}")
_ACRONYM_PLURAL = re.compile(r"[A-Z]{2,}s")
_DIGIT = re.compile(r"\d")
# What stands before a word that opens a sentence: the text's start, a line break or a stop, then spaces,
# quotes or brackets.
_OPENS_SENTENCE = re.compile(r"(?:^|[.!?\n])[\s\"'\u201c\u2018\u201d\u2019()\[\]]*\Z")
# A word opening a sentence: after the text's start, a line break or a stop, and spaces, quotes or brackets.
_SENTENCE_START = re.compile(
    r"(?:^|[.!?][\"'\u201d\u2019)\]]*[ \t]+|\n[\s\"'\u201c\u2018(\[]*)"
    r"([A-Z][a-z]+)(?:['\u2019]s)?(?![\w'\u2019-])"
)
# A capitalised word inside a sentence (a word character and a space before it) that is not followed by
# another one, as "Kimi" in "around Kimi." or "Intelligence" in "Apple Intelligence," but not "United"
# in "United States": such a word can end a sentence as it is. The capital comes first so that the
# search skips to capitals; the lookbehind then checks what stands before it.
_NAME_USE = re.compile(r"([A-Z](?<=[^\s.!?] [A-Z])[A-Za-z]*[a-z])(?:['\u2019]s)?(?![\w'\u2019-])(?! [A-Z])")
_LOWERCASE_WORD = re.compile(r"[a-z](?<![\w-][a-z])[a-z]*(?![\w-])")
_EVIDENCE = {"opens": _SENTENCE_START, "name": _NAME_USE, "lower": _LOWERCASE_WORD}
# How far before a word the stop, quotes and spaces of a sentence start are looked for.
_OPENER_REACH = 64
_WORDS_BEFORE_PASS = 24
# A sentence's end: a stop before a space or the end of the text ("4.2" is no end), or a line break.
_CLAUSE_END = re.compile(r"[.!?](?=\s|$)|\n")

# How strongly the right part of a glued token reads as the first word of a sentence.
_UNKNOWN, _WORD, _OPENER, _CLOSED = range(4)
# Words before and after a glue that make both halves look like sentences, for the weakest evidence.
_MIN_WORDS_BEFORE, _MIN_WORDS_AFTER = 4, 2


def split_glued_sentences(text: str, protected: frozenset[str] = PROTECTED_NAMES) -> StepResult:
    """Split "confidenceShortly" into "confidence. Shortly" where a stop and a space were lost.

    Only with evidence that the left part ends a sentence and the right part opens one, weighed by the
    left part's shape:
    - a lowercase word (not a function word) or an acronym's plural ("GPUs"): an opener after it, or
      any capitalised word that starts like an English word if the text before and after reads as two
      sentences; after a word that starts code names ("useState") or before one that ends them
      ("userName"), only a pronoun or an article;
    - a protected name ("iPhoneThis"), or a word the text uses as a name elsewhere ("around Kimi."): an
      opener, or a word the text also uses in lowercase; a day or month: any common word;
    - another capitalised word: a closed-class opener ("ChinaThe"); if it is no common English word
      ("Shenzhen", "Inc"), also a subject-like opener ("Investors", or a word opening a sentence
      elsewhere). "Deep", "Soft", "Face" start names ("DeepSeek", "FaceTime"), not sentences' ends.
    Openers are `CLOSED_OPENERS` (the strongest), `SENTENCE_STARTERS`, `NEWS_OPENERS`, words that open
    a sentence elsewhere in the text and names it uses. Never split: a protected name (`protected`, or
    any token with a digit), a token that opens a sentence, or a token repeated in the text unless an
    opener follows the glue.
    """
    glued = [
        (m.start(), m.end(), m.group())
        for start, end in _camel_chunks(text)
        for m in _TOKEN.finditer(text, start, end)
        if _CAMEL.search(m.group())
    ]
    if not glued:
        return StepResult(text, 0)
    bases = [_strip_suffix(token) for _, _, token in glued]
    tokens = Counter(bases)
    evidence = _Evidence(text)
    names = (protected, "\n".join(protected))  # the names, and all of them in one string to search
    edits: list[Edit] = []
    details: list[str] = []
    for (start, end, token), base in zip(glued, bases, strict=True):
        if _is_protected(token, protected, base) or _OPENS_SENTENCE.search(text, max(0, start - 8), start):
            continue
        glue = _Glue(text, start, end, names, evidence, repeated=tokens[base] > 1)
        split = _glue_point(token, glue)
        if split is None:
            continue
        repaired = f"{token[:split]}. {token[split:]}"
        edits.append((start, end, repaired))
        details.append(f"{token} -> {repaired}")
    return apply_edits(text, edits, details)


def _camel_chunks(text: str) -> list[tuple[int, int]]:
    """The whitespace-delimited spans of `text` that hold a lowercase letter followed by a capital.

    Tokens never span whitespace and `_TOKEN` looks at most one character around a match, which is
    whitespace at a span's edge either way: so `_TOKEN` finds the same tokens in the spans as in the text.
    """
    folded = text.encode("ascii", "replace").translate(_LETTER_CASE)  # one byte per character
    positions = []
    found = folded.find(b"aA")
    while found != -1:
        positions.append(found)
        found = folded.find(b"aA", found + 2)
    spans: list[tuple[int, int]] = []
    for position in positions:
        lower = spans[-1][1] if spans else 0  # the previous span ends at whitespace (or this is the start)
        if position < lower:
            continue
        # Words are short: look a little way back first, all the way back only for a long chunk.
        before = _WHITESPACE_BEFORE.search(
            text, max(lower, position - 64), position
        ) or _WHITESPACE_BEFORE.search(text, lower, position)
        after = _WHITESPACE.search(text, position)
        spans.append((before.end() if before else lower, after.start() if after else len(text)))
    return spans


class _Evidence:
    """What the rest of the text says about words: which open a sentence, stand as a name, are lowercase.

    A question about a word looks at the word's occurrences only (a substring search, then the kind's
    regex at each), which is fast for the few words a text asks about. After `_WORDS_BEFORE_PASS`
    words of one kind the whole text is read once for that kind instead, which keeps a text with very
    many glued-looking tokens linear. Both ways give the same answers.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._asked: dict[str, dict[str, bool]] = {"opens": {}, "name": {}, "lower": {}}
        self._found: dict[str, frozenset[str]] = {}

    def opens_sentence(self, word: str) -> bool:
        """`word` opens a sentence somewhere in the text."""
        return self._ask("opens", word)

    def is_name(self, word: str) -> bool:
        """`word` stands alone inside a sentence somewhere, capitalised and not followed by a capital."""
        return self._ask("name", word)

    def has_lowercase(self, word: str) -> bool:
        """`word` (lowercase) is a word of the text."""
        return self._ask("lower", word)

    def _ask(self, kind: str, word: str) -> bool:
        found = self._found.get(kind)
        if found is not None:
            return word in found
        asked = self._asked[kind]
        answer = asked.get(word)
        if answer is None:
            if len(asked) >= _WORDS_BEFORE_PASS:
                self._found[kind] = frozenset(_EVIDENCE[kind].findall(self._text))
                return word in self._found[kind]
            answer = asked[word] = self._occurs_as(kind, word)
        return answer

    def _occurs_as(self, kind: str, word: str) -> bool:
        pattern, text = _EVIDENCE[kind], self._text
        start = text.find(word)
        while start != -1:
            end = start + len(word)
            if kind == "opens":
                # The match starts before the word (at a stop or a line break): search a little before.
                hits = pattern.finditer(text, max(0, start - _OPENER_REACH), end + 3)
                if any(hit.start(1) == start and hit.group(1) == word for hit in hits):
                    return True
            else:
                # Anchored at the word; the lookbehinds see the text before it, the lookaheads need 4 after.
                hit = pattern.match(text, start, end + 4)
                if hit is not None and hit.group(1 if kind == "name" else 0) == word:
                    return True
            start = text.find(word, start + 1)
        return False


_Names = tuple[frozenset[str], str]


class _Glue:
    """One glued-looking token in its text: the context its candidate glue points are judged in."""

    def __init__(
        self, text: str, start: int, end: int, names: _Names, evidence: _Evidence, repeated: bool
    ) -> None:
        self.text, self.start, self.end = text, start, end
        self.protected, self.protected_text = names
        self.evidence, self.repeated = evidence, repeated

    def reads_as_two_sentences(self) -> bool:
        """Enough words before the token (back to the last stop) and after it (up to the next one)."""
        before = self.text[max(0, self.start - 300) : self.start]
        stop = max(before.rfind(end) for end in (". ", "! ", "? ", "\n"))
        after = self.text[self.end : self.end + 300]
        end = _CLAUSE_END.search(after)
        return (
            len(before[stop + 1 :].split()) >= _MIN_WORDS_BEFORE - 1
            and len(after[: end.start() if end else None].split()) >= _MIN_WORDS_AFTER - 1
        )

    def word_seen_and_two_sentences(self, word: str) -> bool:
        """`word` is also used in lowercase in the text, and the token reads as the end of one sentence
        and the start of another: "KimiInvestment budgets" where "investment" is a word of the text."""
        return self.evidence.has_lowercase(word.lower()) and self.reads_as_two_sentences()

    def followed_by_lowercase_word(self) -> bool:
        after = self.text[self.end : self.end + 2]
        return len(after) == 2 and after[0] == " " and after[1].islower()


def _strip_suffix(token: str) -> str:
    return _POSSESSIVE.sub("", token) if token[-1] == "s" else token


def _glue_point(token: str, glue: _Glue) -> int | None:
    """Where to put the stop in `token`, or None when there is no good evidence of a lost one.

    The glue can be in any part between hyphens ("open-sourceShares", "growthOpen-source"): the parts
    are tried right to left, and in each the lower-upper pairs right to left.
    """
    end = len(token)
    while end > 0:
        part_start = token.rfind("-", 0, end) + 1
        part = token[part_start:end]
        for i in range(len(part) - 1, 0, -1):
            if part[i - 1].islower() and part[i].isupper() and _is_glue(part[:i], part[i:], glue):
                return part_start + i
        end = part_start - 1
    return None


def _is_glue(left: str, right: str, glue: _Glue) -> bool:
    right_word = _strip_suffix(right)
    plain_left = left.islower() or _ACRONYM_PLURAL.fullmatch(left) is not None  # "growth", "GPUs"
    # The cheap checks of the left part first: the rest of the text is only read when they pass.
    protected_left = left in glue.protected or left.removesuffix("s") in glue.protected
    if plain_left:
        if len(left) < 2 or left in NON_FINAL_WORDS:
            return False
    elif not protected_left and (not _LEFT_WORD.fullmatch(left) or left.lower() in FUNCTION_WORDS):
        return False
    if right_word == "A":  # "investigationA spokesperson": only after a lowercase word, before another
        return (
            left.islower()
            and _lowercase_can_end(left, right_word)
            and not glue.repeated
            and glue.followed_by_lowercase_word()
            and glue.reads_as_two_sentences()
        )
    opener = _Opener(right, right_word, glue)
    if not opener.possible or _inside_protected(left + right, len(left), glue):
        return False
    if not opener.plain:
        # A name after a lowercase word opens a sentence ("weekDeepSeek"); after a name, two names make
        # a name ("DeepSeekMoE") unless the second one opens sentences elsewhere.
        if plain_left:
            return left not in CODE_PREFIXES
        return glue.evidence.opens_sentence(right_word) and (protected_left or glue.evidence.is_name(left))
    if glue.repeated and not opener.at_least(_OPENER):
        return False
    if protected_left:
        return opener.at_least(_OPENER) or (
            opener.at_least(_WORD) and glue.word_seen_and_two_sentences(right_word)
        )
    if plain_left:
        if not _lowercase_can_end(left, right_word):
            return right_word in PRONOUN_OPENERS
        if opener.at_least(_OPENER):
            return True
        if not opener.at_least(_WORD) and not _can_start_word(right_word):
            return False  # "bioRxiv", "medRxiv": no English word starts "Rx"
        return len(left) >= 3 and glue.reads_as_two_sentences()
    return _capitalised_can_end(left, right_word, opener, glue)


def _lowercase_can_end(left: str, right_word: str) -> bool:
    """A lowercase word that can end a sentence before `right_word`, rather than start a code name."""
    return (
        len(left) >= 2
        and left not in NON_FINAL_WORDS
        and left not in CODE_PREFIXES
        and right_word not in CODE_SUFFIXES
    )


def _can_start_word(word: str) -> bool:
    """`word` starts as English (or pinyin) words do: a vowel first or second, or a pair like "Sh", "Tr"."""
    return word[0] in "AEIOUY" or word[1] in "aeiouy" or word[:2].lower() in WORD_ONSETS


def _capitalised_can_end(left: str, right_word: str, opener: _Opener, glue: _Glue) -> bool:
    if len(right_word) <= 2:
        # "In", "On", "As" end names ("LinkedIn", "AddOn", "SaveAs"); "It", "He", "We" only after a name.
        return right_word in {"It", "He", "We"} and (left in CALENDAR_WORDS or glue.evidence.is_name(left))
    if left in NAME_PREFIXES:
        return opener.at_least(_CLOSED)
    if opener.at_least(_CLOSED):
        return True
    if left in CALENDAR_WORDS:
        return opener.at_least(_WORD)
    if glue.evidence.is_name(left):
        return opener.at_least(_OPENER) or (
            opener.at_least(_WORD) and glue.word_seen_and_two_sentences(right_word)
        )
    return left.lower() not in COMMON_WORDS and opener.at_least(_OPENER)


class _Opener:
    """How strongly the right part of a glue reads as a sentence's first word, worked out as far as asked.

    `_CLOSED`: a closed-class opener ("The", "However"); `_OPENER`: a subject-like opener, or a word
    that opens a sentence or is used as a name elsewhere in the text; `_WORD`: a common word, or one
    the text uses in lowercase. `possible` is False for what cannot open a sentence ("Id", "GPT").
    """

    def __init__(self, right: str, right_word: str, glue: _Glue) -> None:
        self.word, self.glue = right_word, glue
        self.plain = _RIGHT_WORD.fullmatch(right) is not None
        if not self.plain:
            # A camelCase name can open a sentence too ("weekDeepSeek"), if known as one.
            self.possible = right_word.isalpha() and (
                right_word in glue.protected
                or (right_word[-1].islower() and glue.evidence.is_name(right_word))
            )
        else:
            self.possible = len(right_word) > 2 or right_word in CLOSED_OPENERS

    def at_least(self, level: int) -> bool:
        word, evidence = self.word, self.glue.evidence
        if not self.plain:
            return level <= _OPENER
        if word in CLOSED_OPENERS or level == _UNKNOWN:
            return True
        if level == _CLOSED:
            return False
        if (
            word in SENTENCE_STARTERS
            or word in NEWS_OPENERS
            or evidence.opens_sentence(word)
            or evidence.is_name(word)
        ):
            return True
        return level == _WORD and (word.lower() in COMMON_WORDS or evidence.has_lowercase(word.lower()))


def _is_protected(token: str, protected: frozenset[str], base: str) -> bool:
    return base in protected or base.removesuffix("s") in protected or _DIGIT.search(token) is not None


def _inside_protected(segment: str, i: int, glue: _Glue) -> bool:
    if segment[i - 1 : i + 1] not in glue.protected_text:  # no name holds this lower-upper pair
        return False
    for name in glue.protected:
        start = segment.find(name)
        while start != -1:
            if start < i < start + len(name):
                return True
            start = segment.find(name, start + 1)
    return False
