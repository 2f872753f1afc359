from transform.dedup import MatchKind, deduplicate_exact
from transform.fingerprints import body_hash
from transform.records import Article


def article(doc_id: str, url: str, body: str) -> Article:
    return Article(
        article_id=doc_id,
        doc_id=doc_id,
        uri=url,
        canonical_url=url,
        source="test",
        title=None,
        authors=(),
        published_at=None,
        language=None,
        body=body,
        body_hash=body_hash(body),
        word_count=len(body.split()),
    )


def test_first_copy_in_a_batch_wins_and_later_copies_point_at_it() -> None:
    a = article("a", "https://x.com/1", "Qwen comes to iPhone.")
    b = article("b", "https://y.com/2", "qwen comes to  iPhone")
    c = article("c", "https://x.com/1", "A corrected text under the same URL.")
    result = deduplicate_exact([a, b, c], {}, {})
    assert [x.article_id for x in result.new_articles] == ["a"]
    assert [(d.doc_id, d.article_id, d.match) for d in result.duplicates] == [("b", "a", MatchKind.BODY)]
    # A corrected text under the same URL is the article's second version, not a copy.
    assert [(v.doc_id, v.article_id, v.version) for v in result.versions] == [("c", "a", 2)]


def test_stored_articles_are_matched_by_url_then_body() -> None:
    a = article("a", "https://x.com/1", "Alibaba Cloud raises its AI budget.")
    b = article("b", "https://z.com/9", "Something new entirely.")
    result = deduplicate_exact([a, b], {"https://x.com/1": "old-1"}, {body_hash(b.body): "old-2"})
    assert result.new_articles == ()
    assert {(d.doc_id, d.article_id, d.match) for d in result.duplicates} == {
        ("a", "old-1", MatchKind.URL),
        ("b", "old-2", MatchKind.BODY),
    }


def test_distinct_articles_are_all_new() -> None:
    batch = [article(str(i), f"https://x.com/{i}", f"story number {i}") for i in range(5)]
    result = deduplicate_exact(batch, {}, {})
    assert len(result.new_articles) == 5
    assert result.duplicates == ()


def test_same_url_with_another_body_is_a_new_version_not_a_copy() -> None:
    from transform.dedup import first_version

    old = article("a", "https://x.com/1", "Apple picks Qwen for iPhones in China.")
    corrected = article("b", "https://x.com/1", "Apple picks Qwen for iPhones in China, Alibaba confirmed.")
    same_again = article("c", "https://x.com/1", "Apple picks Qwen for iPhones in China, Alibaba confirmed.")
    result = deduplicate_exact(
        [corrected, same_again], {"https://x.com/1": "a"}, {old.body_hash: "a"}, {"a": first_version(old)}
    )
    assert result.new_articles == ()
    [version] = result.versions
    assert (version.article_id, version.version, version.doc_id) == ("a", 2, "b")
    assert version.change_summary == "body +2 words; 1 passage(s) changed, first: replace " + repr(
        corrected.body
    )
    assert [(d.doc_id, d.article_id, d.match) for d in result.duplicates] == [("c", "a", MatchKind.URL)]
