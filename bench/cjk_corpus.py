# ruff: noqa: RUF001  (Chinese, Japanese and Korean clauses with their own punctuation, on purpose)
"""Seeded Chinese, Japanese and Korean news articles for the speed benchmarks (cleaning, signatures).

Sentences are put together from clause banks of our own writing (companies, what they did, figures,
what analysts said), so every article differs while reading like business news. Lengths match the
Latin benchmark's ~600-word articles in content: about 1,000 Han characters in Chinese, 1,300 characters
in Japanese and 1,500 in Korean (with its spaces) say what 600 English words say.
"""

from __future__ import annotations

import random
from collections.abc import Callable

LANGUAGES = ("zh", "ja", "ko")
# Characters per article, whitespace included, for the same content as ~600 English words.
CHARS = {"zh": 1000, "ja": 1300, "ko": 1500}

_BANKS: dict[str, dict[str, list[str]]] = {
    "zh": {
        "who": [
            "阿里巴巴",
            "腾讯",
            "百度",
            "华为",
            "小米",
            "字节跳动",
            "京东",
            "美团",
            "苹果公司",
            "三星电子",
        ],
        "did": [
            "周四公布了最新季度业绩",
            "宣布与多家银行签署合作协议",
            "发布了新一代大模型",
            "下调了云服务的价格",
            "在杭州新建了一座数据中心",
            "表示将继续扩大海外业务",
            "获得了监管部门的批准",
            "推出了面向企业客户的新产品",
        ],
        "figure": [
            "营收同比增长百分之十二",
            "净利润达到三百八十亿元",
            "用户数量突破五亿",
            "研发投入增加了两成",
            "股价当天上涨百分之四",
            "订单量比去年同期翻了一番",
        ],
        "said": [
            "分析人士认为，市场竞争依然激烈",
            "公司管理层表示，人工智能业务是未来的重点",
            "业内人士指出，价格战可能还会持续一段时间",
            "投资者对这一消息反应积极",
            "有专家提醒，监管环境仍存在不确定性",
        ],
        "stop": ["。"],
        "comma": ["，"],
    },
    "ja": {
        "who": [
            "トヨタ自動車",
            "ソニーグループ",
            "任天堂",
            "ソフトバンク",
            "楽天",
            "アップル",
            "日立製作所",
            "東芝",
        ],
        "did": [
            "は木曜日、四半期決算を発表した",
            "は新しい半導体工場の建設を決めた",
            "は生成ＡＩを使った新サービスを始めた",
            "は海外事業の再編を進めると明らかにした",
            "は電池メーカーとの提携を発表した",
            "はスマートフォンの新機種を公開した",
        ],
        "figure": [
            "売上高は前年同期比で一割増えた",
            "営業利益は三千億円を超えた",
            "株価は一時五％上昇した",
            "受注は過去最高を更新した",
            "投資額はおよそ二兆円にのぼる",
        ],
        "said": [
            "アナリストは、円安が業績を押し上げたと指摘している",
            "関係者によると、生産は来月から本格化する見通しだ",
            "同社の幹部は、競争はさらに激しくなると話した",
            "市場では、今後の需要を慎重に見極める声もある",
        ],
        "stop": ["。"],
        "comma": ["、"],
    },
    "ko": {
        "who": ["삼성전자", "SK하이닉스", "LG전자", "네이버", "카카오", "현대자동차", "애플", "쿠팡"],
        "did": [
            "는 목요일 분기 실적을 발표했다",
            "는 새로운 반도체 공장 건설 계획을 공개했다",
            "는 인공지능 서비스를 새로 출시했다",
            "는 해외 사업을 재편하겠다고 밝혔다",
            "는 배터리 업체와 협력하기로 했다",
            "는 새 스마트폰을 선보였다",
        ],
        "figure": [
            "매출은 지난해 같은 기간보다 12% 늘었다",
            "영업이익은 3조 원을 넘어섰다",
            "주가는 장중 한때 5% 올랐다",
            "수주 잔고는 사상 최대를 기록했다",
            "투자 규모는 약 20조 원에 이른다",
        ],
        "said": [
            "증권가에서는 환율이 실적을 끌어올렸다고 분석했다",
            "업계 관계자에 따르면 생산은 다음 달부터 본격화될 전망이다",
            "회사 측은 경쟁이 더 치열해질 것이라고 말했다",
            "시장에서는 수요를 신중하게 지켜봐야 한다는 목소리도 나온다",
        ],
        "stop": [". "],
        "comma": [", "],
    },
}


def _sentence(rng: random.Random, language: str) -> str:
    bank = _BANKS[language]
    kind = rng.random()
    if kind < 0.4:
        body = rng.choice(bank["who"]) + rng.choice(bank["did"])
    elif kind < 0.7:
        body = (
            rng.choice(bank["who"]) + rng.choice(bank["did"]) + bank["comma"][0] + rng.choice(bank["figure"])
        )
    else:
        body = rng.choice(bank["said"])
    return body + bank["stop"][0]


def article(rng: random.Random, language: str, chars: int | None = None) -> str:
    """One article of about `chars` characters (the language's default), paragraphs of 2-4 sentences."""
    target = chars or CHARS[language]
    paragraphs: list[str] = []
    length = 0
    while length < target:
        paragraph = "".join(_sentence(rng, language) for _ in range(rng.randint(2, 4))).strip()
        paragraphs.append(paragraph)
        length += len(paragraph) + 2
    return "\n\n".join(paragraphs)


def generate(documents: int, language: str, seed: int = 5) -> list[str]:
    """`documents` seeded articles in `language` ("zh", "ja" or "ko")."""
    rng = random.Random(f"{seed}-{language}")
    return [article(rng, language) for _ in range(documents)]


# Words of the clause banks a reader would search for (one per company or subject, in each language).
PROBES = {
    "zh": [
        "阿里巴巴",
        "腾讯",
        "字节跳动",
        "数据中心",
        "大模型",
        "人工智能",
        "营收",
        "净利润",
        "研发投入",
        "云服务",
    ],
    "ja": [
        "トヨタ",
        "任天堂",
        "半導体",
        "株価",
        "決算",
        "スマートフォン",
        "電池",
        "円安",
        "営業利益",
        "工場",
    ],
}


def search_probe_recall(documents: int = 300) -> dict[str, float]:
    """How many of the articles holding each probe word an index finds (all the query's terms present),
    with the search index's character bigrams and with segmented words (the query's language unknown, as
    in `newsetl search`, and known), and each way's indexing docs/s."""
    import time

    from transform.search_terms import search_terms
    from transform.segmentation import words

    texts = {language: generate(documents, language, seed=9) for language in PROBES}

    def bigrams(text: str, language: str) -> list[str]:
        return search_terms(text)

    def words_language_unknown(text: str, language: str) -> list[str]:
        return [w.casefold() for w in words(text)]

    def words_language_known(text: str, language: str) -> list[str]:
        return [w.casefold() for w in words(text, language)]

    ways: dict[str, Callable[[str, str], list[str]]] = {
        "bigrams": bigrams,
        "words_language_unknown": words_language_unknown,
        "words_language_known": words_language_known,
    }
    figures: dict[str, float] = {}
    for name, terms_of in ways.items():
        found = total = indexed = 0
        seconds = 0.0
        for language, batch in texts.items():
            start = time.perf_counter()
            index = [set(terms_of(text, language)) for text in batch]
            seconds += time.perf_counter() - start
            indexed += len(batch)
            for probe in PROBES[language]:
                query = set(terms_of(probe, language))
                truth = {i for i, text in enumerate(batch) if probe in text}
                found += len({i for i in truth if query <= index[i]})
                total += len(truth)
        figures[f"{name}_probe_recall"] = round(found / total, 3)
        figures[f"{name}_index_docs_per_s"] = round(indexed / seconds)
    return figures


if __name__ == "__main__":
    for key, value in search_probe_recall().items():
        print(f"{key:40} {value}")
