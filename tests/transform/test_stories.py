from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from transform.stories import (
    LEAD_SENTENCES,
    KeyCounts,
    StoryFeatures,
    StoryRules,
    assign_stories,
    counted,
    joined_on,
    shared_names,
    similarity,
    story_features,
    weights_for,
)
from transform.story_evidence import names

T0 = datetime(2025, 2, 12, 9, 0, tzinfo=UTC)

DEAL_A = (
    "Apple has chosen Alibaba as its artificial intelligence partner for iPhones sold in China, people "
    "familiar with the talks said on February 11. Alibaba shares jumped 8.48% in Hong Kong after the report."
)
DEAL_B = (
    "Alibaba stock climbed 8.48% on Wednesday after reports that Apple picked the Hangzhou company to supply "
    "AI features for the iPhone in mainland China. The deal was first reported on February 11."
)
DEAL_C = (
    "Alibaba chairman Joe Tsai confirmed on February 13 that the company is working with Apple on AI for "
    "iPhone users in China, after Apple had also tested models from Baidu and DeepSeek. The shares, up "
    "8.48% on the first report, rose again."
)
CONFERENCE = (
    "At its cloud conference on September 24, Alibaba promised to spend 380 billion yuan on computing "
    "infrastructure and released new Qwen models for developers."
)


def test_reports_of_one_event_share_a_story_and_another_event_does_not() -> None:
    features = [
        story_features(name, body, T0)
        for name, body in [("a", DEAL_A), ("b", DEAL_B), ("c", DEAL_C), ("conf", CONFERENCE)]
    ]
    stories = {s.article_id: s.story_id for s in assign_stories(features, [])}
    assert stories == {"a": "a", "b": "a", "c": "a", "conf": "conf"}


def test_articles_outside_the_time_window_start_a_new_story() -> None:
    old = story_features("old", DEAL_A, T0)
    late = story_features("late", DEAL_B, T0 + timedelta(days=30))
    [assignment] = assign_stories([late], [(old, "old")], StoryRules(window=timedelta(days=7)))
    assert assignment.story_id == "late"


def test_new_articles_join_stored_stories_and_copies_follow_what_they_copy() -> None:
    stored = [(story_features("a", DEAL_A, T0), "story-1")]
    new = [story_features("b", DEAL_B, T0), story_features("copy", CONFERENCE, T0)]
    assignments = assign_stories(new, stored, copies={"copy": ("x", 0.9)}, stored_story_of={"x": "story-9"})
    assert [(s.article_id, s.story_id, s.matched_article_id) for s in assignments] == [
        ("b", "story-1", "a"),
        ("copy", "story-9", "x"),
    ]


def test_similarity_is_symmetric() -> None:
    a, b = story_features("a", DEAL_A, T0), story_features("b", DEAL_C, T0)
    weights = weights_for([a, b])
    assert similarity(a, b, weights) == similarity(b, a, weights)


LAUNCH_A = (
    "Vexa Robotics unveiled the Korvo 9 warehouse robot in Turin on Tuesday, priced at €48,000. "
    "Chief executive Ilaria Benedetti said 1,250 units were already on order."
)
LAUNCH_B = (
    "The Korvo 9, a warehouse robot from Vexa Robotics, will cost 48,000 euros, the Turin company said. "
    "Benedetti told reporters that 1,250 robots had been ordered."
)
CLOUD_SPENDING = (
    "Alibaba Cloud will spend heavily on AI infrastructure over the next three years, chief executive "
    "Eddie Wu told investors, calling the build-out the largest in the company's history."
)
CLOUD_REVENUE = (
    "Alibaba Cloud's revenue grew 13% in the December quarter as demand for AI services rose, and "
    "Eddie Wu said the unit's margins improved; the group's shares rose in Hong Kong."
)


def test_rarity_is_counted_over_the_stored_history_not_over_the_articles_compared() -> None:
    # Two events of one company: its cloud unit and its chief executive are all they share.
    spending, revenue = story_features("s", CLOUD_SPENDING, T0), story_features("r", CLOUD_REVENUE, T0)
    alone = similarity(spending, revenue, weights_for([spending, revenue]))
    # A history of 1,000 reports in which the company and its chief executive are common: they say little.
    shared = {"alibaba", "cloud", "eddie"}
    common = KeyCounts(dict.fromkeys(shared, 150), dict.fromkeys(spending.entities, 300), {}, 1_000)
    in_history = similarity(spending, revenue, weights_for([revenue], common + counted([spending])))
    assert in_history < alone / 2
    # A history in which they are as rare as can be (only these two hold them) gives them more weight.
    rare = KeyCounts({}, {}, {}, 1_000) + counted([spending])
    assert similarity(spending, revenue, weights_for([revenue], rare)) > alone


def test_a_history_that_counts_exactly_the_stored_articles_decides_as_they_do() -> None:
    stored = [(story_features("a", DEAL_A, T0), "story-1"), (story_features("conf", CONFERENCE, T0), "conf")]
    new = [story_features("b", DEAL_B, T0), story_features("c", DEAL_C, T0)]
    history = counted(f for f, _ in stored)
    assert assign_stories(new, stored, history=history) == assign_stories(new, stored)


def test_an_undated_article_joins_a_story_of_the_window_on_strong_evidence_and_says_so() -> None:
    dated = story_features("dated", LAUNCH_A, T0)
    undated = story_features("undated", LAUNCH_B, None)
    [assignment] = assign_stories([undated], [(dated, "story-1")])
    assert (assignment.story_id, assignment.undated) == ("story-1", True)
    [dated_pair] = assign_stories([story_features("b", LAUNCH_B, T0)], [(dated, "story-1")])
    assert (dated_pair.story_id, dated_pair.undated) == ("story-1", False)
    # A near-copy of an undated article follows it, as any copy does: not a join on content alone.
    [copy] = assign_stories(
        [story_features("copy", LAUNCH_B, None)], [(undated, "story-1")], copies={"copy": ("undated", 0.95)}
    )
    assert (copy.story_id, copy.matched_article_id, copy.undated) == ("story-1", "undated", False)


def test_stories_outside_the_window_do_not_take_the_places_of_the_candidates_within_it() -> None:
    # A batch spanning months (a backfill): 24 stories of two months ago share as much with a new report
    # as a story of the same morning, and win the ties on their ids. Taken before the window was looked
    # at, they filled every candidate place and the morning's story was never scored.
    def report(article_id: str, when: datetime) -> StoryFeatures:
        figures = frozenset(f"num:{n}" for n in (31200, 412000, 870, 5600))
        return StoryFeatures(
            article_id, when, frozenset(), figures, names=frozenset(f"lanxi{i}" for i in range(20))
        )

    old = [(report(f"old{i}", T0 - timedelta(days=60)), f"story-old-{i:02}") for i in range(24)]
    morning = (report("morning", T0 - timedelta(hours=2)), "story-a")
    [assignment] = assign_stories([report("new", T0)], [*old, morning])
    assert (assignment.story_id, assignment.matched_article_id) == ("story-a", "morning")


def test_an_undated_article_meets_only_the_window_of_the_newest_date_the_run_knows() -> None:
    old = story_features("old", LAUNCH_A, T0 - timedelta(days=400))
    today = story_features("today", DEAL_A, T0)
    undated = story_features("undated", LAUNCH_B, None)
    stories = {s.article_id: s.story_id for s in assign_stories([today, undated], [(old, "story-1")])}
    assert stories == {"today": "today", "undated": "undated"}


def test_undated_articles_need_more_evidence_than_dated_ones() -> None:
    # Two reports about one company and its chief, of two different events: weak evidence.
    features = [story_features(n, text, None) for n, text in [("s", CLOUD_SPENDING), ("r", CLOUD_REVENUE)]]
    spending, revenue = features
    weights = weights_for(features)
    undated = similarity(spending, revenue, weights)
    dated = similarity(replace(spending, event_time=T0), replace(revenue, event_time=T0), weights)
    assert undated < dated
    rules = StoryRules(threshold=(undated + dated) / 2)  # a threshold the dated pair would pass
    stories = {s.article_id: s.story_id for s in assign_stories(features, [], rules)}
    assert stories == {"s": "s", "r": "r"}
    assert similarity(spending, revenue, weights, StoryRules(undated_evidence=1.0)) == dated


def test_one_sum_in_yen_agrees_whether_written_as_yen_or_with_the_yuan_sign() -> None:
    yen = story_features("yen", "Hoshino Motors will book a charge of 380 billion yen, Kenji Arai said.", T0)
    sign = story_features("sign", "Kenji Arai said Hoshino Motors expects a ¥380 billion charge.", T0)
    other = story_features("other", "Kenji Arai said Hoshino Motors expects a ¥410 billion charge.", T0)
    weights = weights_for([yen, sign, other])
    assert similarity(yen, sign, weights) > similarity(yen, other, weights)


def test_one_company_on_one_day_is_not_a_story_when_only_its_names_are_shared() -> None:
    # The same company, its city and its people's titles, and nothing of either event in common.
    succession = story_features(
        "ceo",
        "Brightwater Pharma said on Saturday that Lena Kovac will succeed Tomas Berg as chief executive in "
        "July. The announcement came hours before the company's trial data were due in Chicago.",
        T0,
        title="Brightwater names Lena Kovac chief executive",
    )
    trial = story_features(
        "trial",
        "Patients who received Brightwater Pharma's velotamab lived a median 4.7 months longer, according "
        "to results presented in Chicago on Saturday. The trial enrolled 1,126 patients.",
        T0 + timedelta(hours=6),
        title="Brightwater's velotamab extends lung cancer survival",
    )
    weights = weights_for([succession, trial])
    assert similarity(succession, trial, weights) < StoryRules().threshold
    assert similarity(succession, trial, weights, StoryRules(names_alone=1.0)) > similarity(
        succession, trial, weights
    )


def test_a_word_common_in_the_language_weighs_less_than_a_name_the_same_reports_hold() -> None:
    # Both reports write the court, the city and the suburb: in the window each word is as rare as the
    # others. In English "court" and "criminal" are everyday words, "Tallaght" is one place.
    first = story_features(
        "first",
        "A jury at the Central Criminal Court found a man guilty of the Tallaght stabbing on Tuesday. The "
        "victim's family said outside that they had waited two years for the verdict and thanked the gardaí.",
        T0,
    )
    second = story_features(
        "second",
        "The Central Criminal Court heard on Thursday how the Tallaght stabbing began with an argument "
        "outside a shop. The accused denies the charge, and the trial is expected to last two weeks.",
        T0,
    )
    rarity = weights_for([first, second]).terms
    assert rarity["court"] < rarity["criminal"] < rarity["tallaght"]
    # A word rare in the language keeps the weight its rarity in the window gives.
    assert rarity["tallaght"] == rarity["stabbing"]


def test_an_english_report_that_writes_a_few_chinese_names_in_their_own_script_is_english() -> None:
    # Read as Chinese (any Han character was enough once), it was judged across scripts with other English
    # reports, on less evidence: two shipped samples of different events joined that way.
    when = datetime(2026, 3, 4, tzinfo=UTC)
    mixed = story_features(
        "mixed",
        "Alibaba will fold its 夸克 (Quark) browser into the chatbot its users at home know as 通义千问,"
        " executives said, and the app will book train tickets through Fliggy from next month. Rivals such"
        " as ByteDance and Tencent have tied their assistants to their own apps in the same way.",
        when,
        title="Alibaba ties its chatbot to the Quark browser",
    )
    english = story_features(
        "english",
        "ByteDance said its assistant now books train tickets inside Douyin, a month after Alibaba linked"
        " its chatbot with the Quark browser and Tencent placed its own inside WeChat.",
        when,
        title="ByteDance's assistant books train tickets",
    )
    assert (mixed.script, english.script) == ("latin", "latin")
    weights = weights_for([mixed, english])
    as_written = similarity(mixed, english, weights)
    assert similarity(replace(mixed, script=""), english, weights) == as_written  # read back from its terms
    assert similarity(replace(mixed, script="cjk"), english, weights) > as_written  # what less evidence gave


def test_evidence_read_back_without_its_script_is_judged_as_written() -> None:
    # Stored evidence is read back without its script (kept only since migration 013's era): the script
    # is then read from the terms, and a Chinese report is still judged across scripts with an English one.
    when = datetime(2026, 3, 4, tzinfo=UTC)
    zh = story_features(
        "zh",
        "阿里巴巴周三表示，Qwen 模型将在 3 月 18 日接入 Apple 在中国销售的 iPhone，首批覆盖 4200 万台设备。",  # noqa: RUF001
        when,
        title="阿里巴巴：Qwen 将接入中国 iPhone",  # noqa: RUF001
    )
    en = story_features(
        "en",
        "Alibaba said on Wednesday that its Qwen model will reach iPhones Apple sells in China on March 18,"
        " starting with 42 million devices.",
        when,
        title="Alibaba says Qwen will power iPhones in China",
    )
    weights = weights_for([zh, en])
    assert (zh.script, en.script) == ("cjk", "latin")
    as_written = similarity(zh, en, weights)
    assert similarity(replace(zh, script=""), en, weights) == as_written
    assert similarity(replace(zh, script="latin"), en, weights) != as_written  # the script counts here


def test_joined_on_lists_what_two_articles_share_as_a_reader_writes_it() -> None:
    a = StoryFeatures(
        "a",
        T0,
        frozenset({"Alibaba", "Apple"}),
        frozenset({"money:HKD:2.2e+12", "tally:4-3", "num:1200"}),
        names=frozenset({"qwen", "atlas"}),
        headline=frozenset({"qwen", "deal", "alibaba"}),
    )
    b = StoryFeatures(
        "b",
        T0,
        frozenset({"Alibaba"}),
        frozenset({"money:HKD:2.2e+12", "tally:4-3", "num:1200", "pct:3"}),
        names=frozenset({"qwen"}),
        headline=frozenset({"qwen", "deal", "signed", "alibaba"}),
    )
    # Entities, names, figures as a reader would write them, then headline words not shown already
    # ("alibaba" is the entity's).
    assert joined_on(a, b) == ("Alibaba", "qwen", "HKD 2.2e+12", "1200", "4-3", "deal")
    assert joined_on(a, b, most=2) == ("Alibaba", "qwen", "...")
    assert (
        joined_on(
            a,
            replace(b, entities=frozenset(), facts=frozenset(), names=frozenset(), headline=frozenset()),
        )
        == ()
    )


def test_initials_made_from_a_name_meet_written_initials_and_not_the_same_name_twice() -> None:
    quoted = "Marcus Lee of Orbis Insight said on Tuesday that the Vadstena plant would close."
    also_quoted = "The Vadstena plant will close, Marcus Lee of Orbis Insight told reporters."
    full, other_full = names(quoted), names(also_quoted)
    # Two reports quoting one person share the words of the name, not its initials on top of them.
    assert shared_names(full, other_full) == {"marcus", "lee", "orbis", "insight", "vadstena"}
    written = names("The Vadstena plant will close, MLOI said.")
    assert shared_names(full, written) == shared_names(written, full) == {"mloi", "vadstena"}
    # The pair's score: as if neither had made the initials.
    unmade = frozenset(name for name in full if not name.startswith("~"))
    a = StoryFeatures("a", T0, frozenset(), frozenset(), names=full)
    b = StoryFeatures("b", T0, frozenset(), frozenset(), names=other_full)
    weights = weights_for([a, b])
    assert similarity(a, b, weights) == similarity(replace(a, names=unmade), b, weights)
    assert "mloi" not in joined_on(a, b) and "~mloi" not in joined_on(a, b)


# One price cut as two outlets tell it, each with its figure up front; and as a report of another event
# tells it, four sentences down.
CUT_FIRST = (
    "Lanxi Cloud cut the prices of its Tessera models by up to 60% on Tuesday, its second cut this year.",
    "Lanxi Cloud said on Tuesday it would lower the prices of its Tessera models by up to 60%, effective at "
    "once. The company cited rising demand from developers.",
)
CUT_CITED = (
    "Harbor Compute opened a data centre in Penang on Wednesday, its third in the region. The site holds "
    "40,000 servers. Local officials attended the opening. Harbor said demand for computing keeps rising. "
    "Rivals are cutting prices: Lanxi Cloud lowered the prices of its Tessera models by up to 60% a day "
    "earlier."
)


def test_a_figure_both_reports_write_in_their_leads_counts_again() -> None:
    first, again = (story_features(f"c{i}", text, T0) for i, text in enumerate(CUT_FIRST))
    cited = story_features("h", CUT_CITED, T0)
    assert "pct:60" in first.lead_figures and "pct:60" in again.lead_figures
    # The lead is the first LEAD_SENTENCES sentences: the citing report writes the cut in its fifth.
    assert LEAD_SENTENCES == 3 and "pct:60" in cited.facts and "pct:60" not in cited.lead_figures
    assert cited.lead_figures == {"num:4e+04"}  # its own figure, the servers
    weights = weights_for([first, again, cited])
    both = similarity(first, again, weights)
    without = similarity(replace(first, lead_figures=frozenset()), again, weights)
    assert both > without  # the same pair, the lead's figure not counted again
    off = StoryRules(lead_figure_weight=0.0)
    assert similarity(first, again, weights, off) == without
    # The report that cites the cut shares its figure, but not in its lead: nothing counts again.
    assert similarity(first, cited, weights) == similarity(first, cited, weights, off)
