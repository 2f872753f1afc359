# ruff: noqa: RUF001, RUF002, RUF003  (Chinese, Japanese and Korean punctuation is matched on purpose)
"""Bylines and credits: move "By NAME", "Author | NAME Editor | NAME", "Photo by NAME" out of the body,
and their Chinese, Japanese and Korean forms ("记者 张三", "编辑：李四", "【来源】新华社",
"責任編集：山田太郎", "김민준 기자").

A name is 1-4 capitalised words ("Liu Baodan", "J. R. Smith", "Jean-Luc O'Neill"), so "By the end of
the trading day, ..." stays a sentence. Only whole lines are moved, except the "Author | NAME" form at
the very start of an article flattened onto one line, where the name runs straight into the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from transform.lexicon import SENTENCE_STARTERS
from transform.steps import StepResult

_WORD = r"[A-Z][^\W\d_]*(?:['\u2019-][^\W\d_]+)*\.?"
_NAME = rf"{_WORD}(?:\s+{_WORD}){{0,3}}"
_NAMES = rf"{_NAME}(?:\s*(?:,|&|\band\b)\s*{_NAME})*"
_ROLE_WORDS = r"(?i:authors?|editors?|reporters?|writers?)"
_ROLE = rf"(?P<role>{_ROLE_WORDS})"
_BY_LINE = re.compile(rf"(?P<role>(?i:(?:written|reported|edited)\s+)?)(?:by|BY|By)\s+(?P<names>{_NAMES})")
_ROLE_LINE = re.compile(rf"(?:{_ROLE_WORDS}\s*[|:\uff1a]\s*{_NAMES}\s*)+")
_ROLE_PAIR = re.compile(rf"{_ROLE}\s*[|:\uff1a]\s*(?P<names>.+?)(?=\s+{_ROLE_WORDS}\s*[|:\uff1a]|$)")
_CREDIT_LINE = re.compile(
    r"\(?(?:(?:photo|photos|image|images|picture|video)(?:\s+(?:credit|source|courtesy))?\s*(?:by\b|:)"
    r"|(?:credits?|source|courtesy)\s*:)\s*[^\n]{2,80}",
    re.IGNORECASE,
)
_INLINE_ROLE = re.compile(r"^(?i:author|editor|reporter|writer)\s*[|:\uff1a]\s*")
_SPLIT_NAMES = re.compile(r"\s*(?:,|&|\band\b)\s*")
_CAPITALISED = re.compile(rf"{_WORD}$")
_NAMES_LINE = re.compile(_NAMES)


@dataclass(frozen=True, slots=True)
class Bylines:
    """People and credits found in the body."""

    authors: tuple[str, ...] = ()
    editors: tuple[str, ...] = ()
    credits: tuple[str, ...] = ()


def move_bylines(text: str) -> StepResult:
    """Drop byline and credit lines from the text; report each as a field ("author", "editor", "credit")."""
    fields: list[tuple[str, str]] = []
    text = _move_inline_roles(text, fields)
    kept: list[str] = []
    for line in text.split("\n"):
        line = _cjk_lead_credits(line, fields)
        found = _line_fields(line.strip())
        if found:
            fields.extend(found)
        else:
            kept.append(line)
    details = tuple(f"{field}: {value}" for field, value in fields)
    return StepResult("\n".join(kept), len(fields), details, tuple(fields))


def bylines_from_fields(fields: tuple[tuple[str, str], ...]) -> Bylines:
    """Collect the ("author"|"editor"|"credit", value) pairs of `move_bylines` into a `Bylines`."""

    def values(kind: str) -> tuple[str, ...]:
        return merge_names((), [value for field, value in fields if field == kind])

    return Bylines(values("author"), values("editor"), values("credit"))


def merge_names(first: tuple[str, ...], more: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """`first` then `more`, without repeats (compared case-insensitively), in order."""
    merged: dict[str, str] = {}
    for name in (*first, *more):
        merged.setdefault(" ".join(name.casefold().split()), name)
    return tuple(merged.values())


def _line_fields(line: str) -> list[tuple[str, str]]:
    if not line or len(line) > 160:
        return []
    if match := _BY_LINE.fullmatch(line):
        field = _field(match.group("role") or "author")
        return [(field, name) for name in _names(match.group("names"))]
    if _ROLE_LINE.fullmatch(line):
        return [
            (_field(pair.group("role")), name)
            for pair in _ROLE_PAIR.finditer(line)
            for name in _names(pair.group("names"))
        ]
    if _CREDIT_LINE.fullmatch(line):
        return [("credit", line.strip("()"))]
    return _cjk_line_fields(line)


def _field(role: str) -> str:
    return "editor" if role.lower().startswith("edit") else "author"


def _names(names: str) -> list[str]:
    return [" ".join(name.split()) for name in _SPLIT_NAMES.split(names) if name.strip()]


def _move_inline_roles(text: str, fields: list[tuple[str, str]]) -> str:
    """Take "Author | NAME Editor | NAME" off the start of a one-line article that runs on into text."""
    first, newline, rest = text.partition("\n")
    stripped = first.lstrip()
    found: list[tuple[str, str]] = []
    while role := _INLINE_ROLE.match(stripped):
        words = stripped[role.end() :].split(" ")
        taken = _inline_name_length(words)
        if taken == 0:
            break
        found.append((_field(role.group().split()[0].rstrip("|:\uff1a")), " ".join(words[:taken])))
        stripped = " ".join(words[taken:]).lstrip()
    if not found or not stripped:
        return text
    fields.extend(found)
    return stripped + newline + rest


def _inline_name_length(words: list[str]) -> int:
    """How many of `words` are the name, when the article's first sentence follows with no break.

    The capitalised run is cut before another role ("Editor |") or before a word that opens
    sentences ("Two days ago"); failing both, a run of three or more keeps two words (the usual length
    of the Chinese and Western names in these credits) and a run of two keeps one.
    """
    run = 0
    while run < min(len(words), 5) and _CAPITALISED.match(words[run]):
        if run and (_INLINE_ROLE.match(" ".join(words[run : run + 2])) or words[run] in SENTENCE_STARTERS):
            return min(run, 4)
        run += 1
    if _INLINE_ROLE.match(" ".join(words[run : run + 2])):
        return min(run, 4)
    if run == len(words):
        return run if run <= 4 else 0
    if run >= 3:
        return 2
    return 1 if run == 2 else 0


# Chinese, Japanese and Korean credits. Roles open a line ("记者 张三", "编辑：李四", "【来源】新华社",
# "責任編集：山田太郎"), several may share it ("文｜王五 编辑｜李四"); Korean names come before their role
# ("김민준 기자"). A person's value must be names (2-4 Han characters, a Japanese or Korean name, or a
# Latin one) and a credit's a short phrase without a sentence stop, so "记者会上，张三表示……" and
# "编辑部今天宣布……" stay sentences.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_KANA = "\u3041-\u3096\u30a1-\u30fa\u30fc"
_HANGUL = "\uac00-\ud7a3"
_CJK_CHAR = re.compile(f"[{_HAN}{_KANA}{_HANGUL}]")
_AUTHOR_ROLES = """
    记者 本报记者 新华社记者 中新社记者 本台记者 特约记者 实习记者 首席记者 见习记者 通讯员 作者 撰文 撰稿
    文字 文 記者 本報記者 筆者 執筆
"""
_EDITOR_ROLES = """
    责任编辑 责编 编辑 主编 值班编辑 校对 审核 审校 终审 监制 统筹 策划 編輯 責任編輯 責編 編集 責任編集
    編集担当 校閲
"""
_CREDIT_ROLES = """
    本文来源 稿件来源 文章来源 来源 图片来源 图源 图片 图 摄影 摄 视频 制图 出品 來源 圖片來源 写真 撮影
    画像 出典 提供 図 攝影 攝 圖 圖片 稿源
"""
_CJK_ROLES: dict[str, str] = {
    role: field
    for field, roles in (("author", _AUTHOR_ROLES), ("editor", _EDITOR_ROLES), ("credit", _CREDIT_ROLES))
    for role in roles.split()
}
# A one-character role ("文", "图", "摄", "図") needs a mark after it, so a sentence opening with 文 is safe.
_ROLE_MARK = r"\s*[:：|｜/／丨]"
_CJK_ROLE_HEAD = re.compile(
    r"(?:^|(?<=[\s，,;；、|｜丨]))[【\[〔]?(?P<role>"
    + "|".join(
        re.escape(role) + ("" if len(role) > 1 else f"(?={_ROLE_MARK}|[】\\]〕])")
        for role in sorted(_CJK_ROLES, key=len, reverse=True)
    )
    + r")(?:[】\]〕]|(?=\s|[:：|｜/／丨])|(?=["
    + _HAN
    + r"]))\s*[:：|｜/／丨]?\s*"
)
_CJK_NAME = re.compile(
    rf"[{_HAN}]{{2,4}}|[{_HAN}]{{1,3}}[·・][{_HAN}]{{1,4}}|[{_HAN}{_KANA}]{{2,8}}|[{_HANGUL}]{{2,4}}"
)
_CJK_NAME_SPLIT = re.compile(r"\s*(?:[、，,/／&]|\s|和|及|与)\s*")
# What trails a reporter's name: "北京报道", "发自上海", "综合报道".
_REPORT_TAIL = re.compile(rf"(?:\s+(?:发自)?[{_HAN}]{{0,4}})?(?:报道|電|电)$|\s+发自[{_HAN}]{{2,6}}$")
# An editor's desk code after the name ("责任编辑：王小明 SN225").
_EDITOR_CODE = re.compile(r"\s+[A-Z]{0,4}\d{2,6}$")
# The commonest Chinese and Japanese surnames (first characters): a name after its role with no mark
# between ("本报记者张三", "编辑 李四") must start with one, so "记者招待会" and "编辑 推荐" stay.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施"
    "文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷"
    "盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷"
    "晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝張劉陳楊黃趙吳"
    "佐鈴渡斎斉橋長後遠坂藤菅菊桜飯岩久市野小中大山川井木村森松竹内原平福西北宮浅"
)
_ROLE_MARKS = frozenset(":：|｜/／丨】]〕")
_SURNAME_START = re.compile(f"[{_SURNAMES}][{_HAN}]{{1,3}}(?:$|\\s)")
_HAN_START = re.compile(f"[{_HAN}]")
_SENTENCE_MARK = re.compile(r"[。！？!?；;]|\.\s|\.$")
_BRACKETS = {"（": "）", "(": ")", "【": "】", "[": "]", "〔": "〕"}
# Korean: names before the role ("김민준 기자", "김민준·이서연 기자 kim@...") or "기자 김민준"; credits
# as "사진=연합뉴스" or "출처: ...".
_KO_BYLINE = re.compile(
    rf"(?P<names>[{_HANGUL}]{{2,4}}(?:\s*[,·ㆍ]\s*[{_HANGUL}]{{2,4}})*)\s*(?:선임|수석|객원)?(?:기자|특파원)"
    r"(?:\s+[\w.+-]+@[\w.-]+)?"
)
_KO_ROLE_FIRST = re.compile(rf"(?P<role>기자|글|편집)\s*[:=]?\s*(?P<names>[{_HANGUL}]{{2,4}})")
_KO_CREDIT = re.compile(r"(?:사진|자료|출처|그래픽|영상)\s*[=:：]\s*[^\n.]{1,40}")
_JA_AGENCY = re.compile(
    r"[（(](?:共同|時事|ロイター|AP|AFP|ブルームバーグ|新华社|新華社|中新社|연합뉴스|뉴시스)[）)]"
)
_PHOTO_BY = re.compile(rf"(?P<names>[{_HAN}]{{2,4}}(?:\s+[{_HAN}]{{2,4}})*)\s*[/／]?\s*摄(?:影)?")


_STOPS = ("\u3002", "\uff01", "\uff1f", ".", "!", "?")


def _cjk_line_fields(line: str) -> list[tuple[str, str]]:
    """The credits of one Chinese, Japanese or Korean byline line, or [] when it is not one."""
    # A credit line is short and never a sentence: most lines of CJK text end with a stop and leave here.
    if len(line) > 80 or line.endswith(_STOPS) or not _CJK_CHAR.search(line):
        return []
    if _JA_AGENCY.fullmatch(line):
        return [("credit", line.strip("()（）"))]
    if match := _JA_LEAD.fullmatch(line):  # "【ニューヨーク=共同】" on a line of its own
        name = match.group("name").strip()
        return [("credit" if name in _JA_AGENCIES else "author", name)]
    if line[0] in _BRACKETS and line.endswith(_BRACKETS[line[0]]) and line[0] not in "【[":
        line = line[1:-1].strip()
    if match := _KO_BYLINE.fullmatch(line):
        return [("author", name) for name in re.split(r"\s*[,·ㆍ]\s*", match.group("names"))]
    if match := _KO_ROLE_FIRST.fullmatch(line):
        return [("editor" if match.group("role") == "편집" else "author", match.group("names"))]
    if _KO_CREDIT.fullmatch(line) or _PHOTO_BY.fullmatch(line):
        return [("credit", line)]
    heads = list(_CJK_ROLE_HEAD.finditer(line))
    if not heads or heads[0].start() != 0:
        return []
    fields: list[tuple[str, str]] = []
    for head, following in zip(heads, [*heads[1:], None], strict=True):
        end = following.start() if following else len(line)
        value = line[head.end() : end].strip(" ，,;；、|｜丨")
        field = _CJK_ROLES[head.group("role")]
        unmarked = not _ROLE_MARKS.intersection(head.group())
        if field == "credit" and head.group().endswith(head.group("role")):
            return []  # "视频新闻", "摄影比赛": a credit's role needs a mark or a space after it
        if (
            unmarked
            and field != "credit"
            and _HAN_START.match(value)
            and not _SURNAME_START.match(_REPORT_TAIL.sub("", value))
        ):
            return []  # "记者招待会" is a press conference, "编辑 推荐" a heading
        found = _cjk_values(field, value, line[head.start() : end].strip(" ，,;；、|｜丨"))
        if not found:
            return []
        fields.extend(found)
    return fields


def _cjk_values(field: str, value: str, segment: str) -> list[tuple[str, str]]:
    if not value or _SENTENCE_MARK.search(value):
        return []
    if field == "credit":
        return [("credit", segment)] if len(value) <= 30 else []
    value = _EDITOR_CODE.sub("", _REPORT_TAIL.sub("", value))
    names = [name for name in _CJK_NAME_SPLIT.split(value) if name]
    if not names or len(names) > 6:
        return []
    if all(_CJK_NAME.fullmatch(name) for name in names):
        return [(field, name) for name in names]
    if _NAMES_LINE.fullmatch(value):
        return [(field, name) for name in _names(value)]
    return []


# Credits that open a paragraph and run into its text: a Chinese dateline's reporters
# ("新华社北京12月1日电（记者张三 李四）……"), a Korean agency lead ("(서울=한빛뉴스) 김민준 기자 = ……") and a
# Japanese one ("【北京=山田太郎】……").
_ZH_DATELINE = re.compile(
    rf"(?P<dateline>[{_HAN}]{{2,14}}\d{{1,2}}月\d{{1,2}}日(?:电|讯|電))\s*[（(](?:本报|新华社|特约)?记者\s*"
    rf"(?P<names>[{_HAN}]{{2,4}}(?:[\s、，,]+[{_HAN}]{{2,4}}){{0,5}})[）)]\s*"
)
_KO_LEAD = re.compile(
    rf"[(\[](?P<place>[{_HANGUL}]{{1,8}})\s*=\s*(?P<agency>[^)\]]{{1,16}})[)\]]\s*"
    rf"(?P<names>[{_HANGUL}]{{2,4}}(?:\s*[,·ㆍ]\s*[{_HANGUL}]{{2,4}})*)\s*(?:기자|특파원)\s*=\s*"
)
_JA_LEAD = re.compile(r"【(?P<place>[^】=＝\n]{1,10})[=＝](?P<name>[^】\n]{2,12})】\s*")
_JA_AGENCIES = frozenset({"共同", "時事", "ロイター", "AP", "AFP", "ブルームバーグ", "新華社"})


def _cjk_lead_credits(line: str, fields: list[tuple[str, str]]) -> str:
    """Take the credits off the start of a CJK paragraph; the dateline of a Chinese one stays."""
    head = line[:40]
    if not (head.startswith(("(", "[", "【")) or "记者" in head) or not _CJK_CHAR.search(head):
        return line
    if match := _ZH_DATELINE.match(line):
        fields.extend(("author", name) for name in re.split(r"[\s、，,]+", match.group("names")))
        return match.group("dateline") + line[match.end() :]
    if match := _KO_LEAD.match(line):
        fields.extend(("author", name) for name in re.split(r"\s*[,·ㆍ]\s*", match.group("names")))
        fields.append(("credit", match.group("agency").strip()))
        return line[match.end() :]
    if (match := _JA_LEAD.match(line)) and line[match.end() :].strip():
        name = match.group("name").strip()
        fields.append(("credit" if name in _JA_AGENCIES else "author", name))
        return line[match.end() :]
    return line
