-- 005: what analysts query (sentences, entity mentions, numeric facts, daily counts) and the
-- boilerplate lines learned per source.

ALTER TABLE articles ADD COLUMN editors VARCHAR[];
ALTER TABLE articles ADD COLUMN credits VARCHAR[];
COMMENT ON COLUMN articles.authors IS 'Authors from the page metadata and from bylines found in the body ("By NAME", "Author | NAME").';
COMMENT ON COLUMN articles.editors IS 'Editors named in the body ("Editor | NAME"), moved out of it by cleaning.';
COMMENT ON COLUMN articles.credits IS 'Photo and source credit lines moved out of the body ("Photo by NAME", "Source: ...").';

CREATE TABLE article_sentences (
    article_id     VARCHAR NOT NULL,
    sentence_index INTEGER NOT NULL,
    sentence       VARCHAR NOT NULL,
    PRIMARY KEY (article_id, sentence_index)
);
COMMENT ON TABLE article_sentences IS 'The cleaned body of each article, one row per sentence, in order.';

CREATE TABLE entity_mentions (
    article_id     VARCHAR NOT NULL,
    entity         VARCHAR NOT NULL,
    alias          VARCHAR NOT NULL,
    sentence_index INTEGER NOT NULL
);
COMMENT ON TABLE entity_mentions IS 'Each mention of a watched entity (Alibaba, Qwen, Apple, iPhone, ...) with the sentence it is in.';
COMMENT ON COLUMN entity_mentions.alias IS 'The spelling found in the text ("Tongyi Qianwen" for Qwen, "阿里云" for Alibaba Cloud).';

CREATE TABLE numeric_facts (
    article_id     VARCHAR NOT NULL,
    sentence_index INTEGER NOT NULL,
    kind           VARCHAR NOT NULL,
    fact_key       VARCHAR NOT NULL,
    fact_text      VARCHAR NOT NULL,
    value          DOUBLE,
    unit           VARCHAR NOT NULL,
    entity         VARCHAR
);
COMMENT ON TABLE numeric_facts IS 'Percentages, money amounts and dates stated in each sentence, with the watched entity nearest to them.';
COMMENT ON COLUMN numeric_facts.fact_key IS 'Canonical form, equal across spellings: pct:8.48, money:HKD:2.2e+12, date:02-11.';
COMMENT ON COLUMN numeric_facts.value IS 'The number (scaled: 2.2 trillion is 2.2e12); NULL for dates.';
COMMENT ON COLUMN numeric_facts.unit IS '% for percentages, a currency code (HKD, USD, CNY, EUR, GBP), or date.';

CREATE VIEW articles_per_day AS
-- Unique articles per day (publication date, or load date when the source gives none) and source.
SELECT CAST(coalesce(published_at, loaded_at) AS DATE) AS day, source, count(*) AS articles
FROM unique_articles GROUP BY ALL ORDER BY day, source;

CREATE VIEW entity_mentions_per_day AS
-- How many unique articles mention each watched entity, per day.
SELECT CAST(coalesce(u.published_at, u.loaded_at) AS DATE) AS day, m.entity,
       count(DISTINCT m.article_id) AS articles, count(*) AS mentions
FROM entity_mentions AS m JOIN unique_articles AS u ON u.article_id = m.article_id
GROUP BY ALL ORDER BY day, entity;

CREATE VIEW story_timeline AS
-- Every article of every story in time order, with its outlet: how a story unfolded.
SELECT s.story_id, st.title AS story_title, coalesce(a.published_at, a.loaded_at) AS seen_at,
       a.title, a.source, a.canonical_url, s.score
FROM story_articles AS s
JOIN articles AS a ON a.article_id = s.article_id
JOIN stories AS st ON st.story_id = s.story_id
ORDER BY s.story_id, seen_at;

CREATE TABLE source_line_counts (
    source    VARCHAR NOT NULL,
    line      VARCHAR NOT NULL,
    documents INTEGER NOT NULL,
    PRIMARY KEY (source, line)
);
COMMENT ON TABLE source_line_counts IS 'How many of a source''s documents contain each short line (normalised): the evidence for learned boilerplate.';

CREATE TABLE source_documents_counted (
    source    VARCHAR PRIMARY KEY,
    documents INTEGER NOT NULL
);
COMMENT ON TABLE source_documents_counted IS 'How many of a source''s documents were counted into source_line_counts.';

CREATE TABLE learned_boilerplate (
    source     VARCHAR NOT NULL,
    line       VARCHAR NOT NULL,
    documents  INTEGER NOT NULL,
    learned_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, line)
);
COMMENT ON TABLE learned_boilerplate IS 'Lines recurring in many documents of a source (share bars, newsletter prompts), dropped by cleaning from the next run on.';
