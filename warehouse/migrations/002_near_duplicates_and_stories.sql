-- 002: near-duplicate groups (MinHash + LSH bands kept in the database) and stories across outlets.

CREATE TABLE dedup_schemes (
    scheme_id     VARCHAR PRIMARY KEY,
    num_perm      INTEGER NOT NULL,
    bands         INTEGER NOT NULL,
    shingle_words INTEGER NOT NULL,
    seed          BIGINT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE dedup_schemes IS 'How signatures were made; signatures of different schemes are never compared.';

CREATE TABLE article_signatures (
    article_id    VARCHAR PRIMARY KEY,
    scheme_id     VARCHAR NOT NULL,
    signature     UINTEGER[] NOT NULL,
    shingle_count INTEGER NOT NULL,
    group_id      VARCHAR NOT NULL
);
COMMENT ON TABLE article_signatures IS 'MinHash signature of each article''s cleaned body, and the duplicate group it belongs to.';
COMMENT ON COLUMN article_signatures.shingle_count IS 'Distinct word 5-grams in the body; used to estimate containment.';
COMMENT ON COLUMN article_signatures.group_id IS 'The first article of its near-duplicate group (its own id when it has no copy).';

CREATE TABLE lsh_bands (
    scheme_id  VARCHAR NOT NULL,
    band_key   BIGINT NOT NULL,
    article_id VARCHAR NOT NULL
);
COMMENT ON TABLE lsh_bands IS 'LSH band keys of every signature: a new article''s candidates are the articles sharing a key.';

CREATE TABLE near_duplicates (
    article_id         VARCHAR PRIMARY KEY,
    group_id           VARCHAR NOT NULL,
    matched_article_id VARCHAR NOT NULL,
    similarity         DOUBLE NOT NULL,
    containment        DOUBLE NOT NULL,
    scheme_id          VARCHAR NOT NULL,
    detected_at        TIMESTAMPTZ NOT NULL,
    run_id             VARCHAR NOT NULL
);
COMMENT ON TABLE near_duplicates IS 'Articles that are near-copies (other boilerplate, lost periods, cut short) of an earlier one.';
COMMENT ON COLUMN near_duplicates.similarity IS 'Estimated Jaccard similarity of the two bodies'' word 5-grams.';
COMMENT ON COLUMN near_duplicates.containment IS 'Estimated share of the shorter body found in the longer (1.0 for a truncated copy).';

CREATE TABLE story_features (
    article_id VARCHAR PRIMARY KEY,
    event_time TIMESTAMPTZ,
    entities   VARCHAR[] NOT NULL,
    facts      VARCHAR[] NOT NULL,
    terms      MAP(VARCHAR, DOUBLE) NOT NULL
);
COMMENT ON TABLE story_features IS 'The evidence stories are judged on: watched entities, numeric facts, top terms.';
COMMENT ON COLUMN story_features.event_time IS 'Publication time; NULL when the source gives none (then any time matches).';

CREATE TABLE story_articles (
    article_id         VARCHAR PRIMARY KEY,
    story_id           VARCHAR NOT NULL,
    score              DOUBLE NOT NULL,
    matched_article_id VARCHAR,
    joined_at          TIMESTAMPTZ NOT NULL,
    run_id             VARCHAR NOT NULL
);
COMMENT ON TABLE story_articles IS 'Which story each article belongs to; a story id is the id of its first article.';
COMMENT ON COLUMN story_articles.score IS 'Evidence score against the matched article (1.0 for the article that started the story).';

CREATE VIEW document_dedup AS
-- One row per ingested document (rejects excluded): its article, duplicate group, how it matched, its story.
WITH article_groups AS (
    SELECT a.article_id, a.doc_id, a.uri,
           coalesce(nd.group_id, a.article_id) AS duplicate_group,
           nd.similarity, nd.article_id IS NOT NULL AS is_near
    FROM articles AS a LEFT JOIN near_duplicates AS nd ON nd.article_id = a.article_id
)
SELECT g.doc_id, g.uri, g.article_id, g.duplicate_group,
       CASE WHEN g.is_near THEN 'near' ELSE 'original' END AS duplicate_kind,
       g.similarity, s.story_id
FROM article_groups AS g LEFT JOIN story_articles AS s ON s.article_id = g.article_id
UNION ALL
SELECT d.doc_id, d.uri, d.article_id, g.duplicate_group, 'exact' AS duplicate_kind, 1.0 AS similarity, s.story_id
FROM document_duplicates AS d
JOIN article_groups AS g ON g.article_id = d.article_id
LEFT JOIN story_articles AS s ON s.article_id = d.article_id;

CREATE VIEW unique_articles AS
-- One article per duplicate group: the most complete copy (most words), then the cleanest, then the first.
SELECT a.*, dd.duplicate_group, dd.story_id
FROM articles AS a
JOIN document_dedup AS dd ON dd.doc_id = a.doc_id
LEFT JOIN (SELECT article_id, sum(changes) AS changes FROM cleaning_changes GROUP BY article_id) AS c
    ON c.article_id = a.article_id
QUALIFY row_number() OVER (
    PARTITION BY dd.duplicate_group ORDER BY a.word_count DESC, coalesce(c.changes, 0), a.loaded_at, a.article_id
) = 1;

CREATE VIEW stories AS
-- One row per story: its title (from its earliest article), time span, size and outlets.
WITH members AS (
    SELECT s.story_id, a.article_id, a.title,
           coalesce(a.published_at, a.loaded_at) AS seen_at,
           CASE WHEN a.canonical_url LIKE 'http%' THEN regexp_extract(a.canonical_url, '^https?://([^/]+)', 1)
                ELSE a.source END AS outlet
    FROM story_articles AS s
    JOIN articles AS a ON a.article_id = s.article_id
)
SELECT story_id,
       arg_min(title, seen_at) AS title,
       min(seen_at) AS first_seen,
       max(seen_at) AS last_seen,
       count(*) AS article_count,
       count(DISTINCT outlet) AS outlet_count,
       list(DISTINCT outlet ORDER BY outlet) AS outlets
FROM members
GROUP BY story_id;

ALTER TABLE runs ADD COLUMN near_duplicates INTEGER;
ALTER TABLE runs ADD COLUMN new_stories INTEGER;
COMMENT ON COLUMN runs.near_duplicates IS 'New articles the run found to be near-copies of another (see near_duplicates).';
COMMENT ON COLUMN runs.new_stories IS 'Stories the run started.';
