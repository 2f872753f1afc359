-- 013: counts and near-duplicate shingles that mean something in Chinese, Japanese and Korean.
--
-- word_count now counts segmented words (transform/segmentation.py: jieba for Chinese, MeCab for
-- Japanese, spaced words elsewhere), and char_count beside it counts the characters that are not
-- whitespace, a length that means the same in every script. Articles loaded before keep their word_count
-- until `newsetl reprocess` recounts them; their char_count is filled here.
--
-- Near-duplicate signatures gain a tokens rule: "cjk-chars" shingles Han, kana and Hangul by characters.
-- For a body without any of those characters the new scheme's signature is the old one's bit for bit, so
-- those signatures are relabelled to the new scheme and stay comparable; the others (bodies with Chinese,
-- Japanese or Korean text, whose old shingles were whole clauses) keep the old scheme, which new
-- articles are never compared with, until `newsetl reprocess` rebuilds them.

ALTER TABLE articles ADD COLUMN char_count INTEGER;
UPDATE articles SET char_count = length(regexp_replace(body, '[\s\p{Z}]', '', 'g'));
COMMENT ON COLUMN articles.char_count IS 'Characters in the cleaned body, whitespace not counted: a length comparable across scripts (a Chinese article has ~1.5 characters a word, an English one ~6).';
COMMENT ON COLUMN articles.word_count IS 'Words in the cleaned body: runs of letters and digits; Chinese segmented by jieba and Japanese by MeCab into dictionary words, Korean by spaces (articles loaded before newsetl 013 counted a run of Chinese characters as one word until reprocessed).';

ALTER TABLE dedup_schemes ADD COLUMN tokens VARCHAR DEFAULT 'words';
COMMENT ON COLUMN dedup_schemes.tokens IS 'What a shingle is made of: words (runs of letters and digits) or cjk-chars (the same, but every Han, kana or Hangul character a token of its own).';
COMMENT ON COLUMN dedup_schemes.shingle_words IS 'Tokens per shingle (n-gram) hashed into the signature: words, or characters in Chinese, Japanese and Korean under cjk-chars.';
COMMENT ON COLUMN article_signatures.shingle_count IS 'Distinct shingles (token 5-grams) in the body; used to estimate containment.';

-- Each words scheme gets its cjk-chars twin (same parameters; the id carries the tokens rule).
INSERT INTO dedup_schemes (scheme_id, num_perm, bands, shingle_words, seed, created_at, tokens)
SELECT scheme_id || '-cjk-chars', num_perm, bands, shingle_words, seed, now(), 'cjk-chars'
FROM dedup_schemes
WHERE tokens = 'words'
ON CONFLICT DO NOTHING;

-- A superset of what is or becomes (under NFKC) Han, kana or Hangul: those bodies keep the old scheme.
UPDATE article_signatures
SET scheme_id = scheme_id || '-cjk-chars'
WHERE scheme_id IN (SELECT scheme_id FROM dedup_schemes WHERE tokens = 'words')
  AND article_id NOT IN (
      SELECT article_id FROM articles
      WHERE regexp_matches(body, '[\x{1100}-\x{11FF}\x{2E80}-\x{D7FF}\x{F900}-\x{FAFF}\x{FE30}-\x{FE4F}\x{FF00}-\x{FFEF}\x{1F200}-\x{1F2FF}\x{20000}-\x{3FFFF}]')
      UNION ALL
      SELECT article_id FROM article_versions
      WHERE regexp_matches(body, '[\x{1100}-\x{11FF}\x{2E80}-\x{D7FF}\x{F900}-\x{FAFF}\x{FE30}-\x{FE4F}\x{FF00}-\x{FFEF}\x{1F200}-\x{1F2FF}\x{20000}-\x{3FFFF}]')
  );

UPDATE lsh_bands AS b
SET scheme_id = b.scheme_id || '-cjk-chars'
WHERE b.scheme_id IN (SELECT scheme_id FROM dedup_schemes WHERE tokens = 'words')
  AND EXISTS (
      SELECT 1 FROM article_signatures AS s
      WHERE s.article_id = b.article_id AND s.scheme_id = b.scheme_id || '-cjk-chars'
  );

-- current_articles reads the latest version's body, so its char_count is counted from that body.
-- CREATE OR REPLACE VIEW drops the view's comments: all of them again, with the columns added since 004.
CREATE OR REPLACE VIEW current_articles AS
-- Each article as it reads now: its latest version's title and body over the article's other fields.
SELECT a.* REPLACE (
           v.title AS title, v.body AS body, v.body_hash AS body_hash, v.word_count AS word_count,
           length(regexp_replace(v.body, '[\s\p{Z}]', '', 'g')) AS char_count
       ),
       v.version, v.valid_from
FROM articles AS a
JOIN article_versions AS v ON v.article_id = a.article_id AND v.valid_to IS NULL;
COMMENT ON VIEW current_articles IS 'Each article as it reads now: its latest version''s title and body over the article''s other fields.';
COMMENT ON COLUMN current_articles.article_id IS 'The article.';
COMMENT ON COLUMN current_articles.doc_id IS 'The raw document that introduced it.';
COMMENT ON COLUMN current_articles.uri IS 'Where that document was read or fetched.';
COMMENT ON COLUMN current_articles.canonical_url IS 'Canonical URL.';
COMMENT ON COLUMN current_articles.source IS 'Name of the source.';
COMMENT ON COLUMN current_articles.title IS 'Title of the latest version.';
COMMENT ON COLUMN current_articles.authors IS 'Authors.';
COMMENT ON COLUMN current_articles.published_at IS 'Publication time in UTC; NULL when unknown.';
COMMENT ON COLUMN current_articles.language IS 'Language code; NULL when unknown.';
COMMENT ON COLUMN current_articles.body IS 'Body of the latest version.';
COMMENT ON COLUMN current_articles.body_hash IS 'Normalised body hash of the latest version.';
COMMENT ON COLUMN current_articles.word_count IS 'Words in the latest version''s body (segmented words in Chinese and Japanese).';
COMMENT ON COLUMN current_articles.extractor IS 'What extracted the text.';
COMMENT ON COLUMN current_articles.loaded_at IS 'When the article was first loaded.';
COMMENT ON COLUMN current_articles.run_id IS 'The run that first loaded it.';
COMMENT ON COLUMN current_articles.cleaning_version IS 'Version of the cleaning rules that produced the first body.';
COMMENT ON COLUMN current_articles.editors IS 'Editors named in the body, moved out of it.';
COMMENT ON COLUMN current_articles.credits IS 'Photo and source credit lines moved out of the body.';
COMMENT ON COLUMN current_articles.char_count IS 'Characters in the latest version''s body, whitespace not counted.';
COMMENT ON COLUMN current_articles.version IS 'The latest version''s number.';
COMMENT ON COLUMN current_articles.valid_from IS 'When the latest version was loaded.';

-- unique_articles again (its 002 definition), so the catalog and data_dictionary list char_count with it.
CREATE OR REPLACE VIEW unique_articles AS
-- One article per duplicate group: the most complete copy (most words), then the cleanest, then the first.
SELECT a.*, dd.duplicate_group, dd.story_id
FROM articles AS a
JOIN document_dedup AS dd ON dd.doc_id = a.doc_id
LEFT JOIN (SELECT article_id, sum(changes) AS changes FROM cleaning_changes GROUP BY article_id) AS c
    ON c.article_id = a.article_id
QUALIFY row_number() OVER (
    PARTITION BY dd.duplicate_group ORDER BY a.word_count DESC, coalesce(c.changes, 0), a.loaded_at, a.article_id
) = 1;
COMMENT ON VIEW unique_articles IS 'One article per duplicate group: the most complete copy (most words), then the cleanest (fewest cleaning changes), then the first loaded. What analysts count.';
COMMENT ON COLUMN unique_articles.article_id IS 'The article (see articles).';
COMMENT ON COLUMN unique_articles.doc_id IS 'The raw document it was made from.';
COMMENT ON COLUMN unique_articles.uri IS 'Where that document was read or fetched.';
COMMENT ON COLUMN unique_articles.canonical_url IS 'Canonical URL: the exact-dedup key.';
COMMENT ON COLUMN unique_articles.source IS 'Name of the source.';
COMMENT ON COLUMN unique_articles.title IS 'The cleaned title; NULL when the document had none.';
COMMENT ON COLUMN unique_articles.authors IS 'Authors from the page metadata and bylines.';
COMMENT ON COLUMN unique_articles.published_at IS 'Publication time in UTC; NULL when unknown.';
COMMENT ON COLUMN unique_articles.language IS 'Language code (zh, en, ...); NULL when unknown.';
COMMENT ON COLUMN unique_articles.body IS 'The cleaned body text.';
COMMENT ON COLUMN unique_articles.body_hash IS 'sha256 of the body normalised for matching.';
COMMENT ON COLUMN unique_articles.word_count IS 'Words in the cleaned body (segmented words in Chinese and Japanese).';
COMMENT ON COLUMN unique_articles.extractor IS 'What extracted the text.';
COMMENT ON COLUMN unique_articles.loaded_at IS 'When the article was loaded.';
COMMENT ON COLUMN unique_articles.run_id IS 'The run that loaded it.';
COMMENT ON COLUMN unique_articles.cleaning_version IS 'Version of the cleaning rules that produced the body.';
COMMENT ON COLUMN unique_articles.editors IS 'Editors named in the body, moved out of it.';
COMMENT ON COLUMN unique_articles.credits IS 'Photo and source credit lines moved out of the body.';
COMMENT ON COLUMN unique_articles.duplicate_group IS 'The duplicate group it stands for.';
COMMENT ON COLUMN unique_articles.story_id IS 'Its story.';
COMMENT ON COLUMN unique_articles.char_count IS 'Characters in the cleaned body, whitespace not counted.';
