"""Small word lists the text repairs rely on. Data, not logic: extend them here, in one place."""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# CamelCase product and company names that look like two glued words but are one name.
PROTECTED_NAMES: frozenset[str] = frozenset(
    {
        "iPhone", "iPad", "iOS", "iCloud", "iMac", "macOS", "watchOS", "eBay",
        "DeepSeek", "ByteDance", "OpenAI", "MoE", "LiveBench", "LiveCodeBench", "YouTube", "WeChat",
        "TikTok", "PayPal", "MacBook", "HarmonyOS", "AliExpress", "JavaScript", "GitHub", "LinkedIn",
        "PowerPoint", "McDonald", "WhatsApp", "SoftBank", "BlackRock", "FedEx", "PlayStation",
        "HuggingFace", "MiniMax", "DingTalk", "AliPay", "TaoBao", "JingDong", "SenseTime", "OnePlus",
    }
)  # fmt: skip

# Capitalised words that commonly open a sentence in news prose: the evidence that "xxxYyy" lost a stop.
SENTENCE_STARTERS: frozenset[str] = _words(
    """
    A About According Additionally After Afterwards Again Against All Also Although Amid Among An
    Analysts And Another Any Anyway As At Because Before Besides Both But By Consequently Currently
    Despite During Each Earlier Either Even Eventually Every Experts Finally First Following For
    Furthermore Given He Hence Her Here His Historically However If In Indeed Initially Insiders
    Instead Interestingly Investors It Its Just Last Later Like Looking Many Meanwhile Moreover Most
    Much Nevertheless Next No Nonetheless Not Notably Now On Once One Only Or Other Others Our
    Overall Perhaps Previously Recently Reports Second Separately Shares She Shortly Similarly Since
    So Some Soon Sources Still Subsequently Such That The Their Then There Therefore These They
    Third This Those Though Thus To Today Two Ultimately Under Unlike Until We What When Where
    Whether Which While Who Why With Within Without Yet You
    """
)

# Words a sentence does not end with: a glue right after them is a lost space, not a lost stop.
NON_FINAL_WORDS: frozenset[str] = _words(
    """
    a about above after among an and are as at be been before being between but by can could did do
    does for from had has have her his if in into is its may might must my not of on onto or our
    over per should than that the their these this those to under until upon very via was were what
    when where which while who whose will with would your
    """
)

# Frequent English function words: enough of them in a text marks it as English.
ENGLISH_STOPWORDS: frozenset[str] = _words(
    """
    a about after all also an and are as at be been but by can for from had has have he her his i
    in into is it its more not of on one or our she so than that the their them there they this to
    was we were which who will with would you
    """
)
