-- 004: article versions (a page that changed keeps every version), lineage, and source health.

CREATE TABLE article_versions (
    article_id     VARCHAR NOT NULL,
    version        INTEGER NOT NULL,
    doc_id         VARCHAR NOT NULL,
    title          VARCHAR,
    body           VARCHAR NOT NULL,
    body_hash      VARCHAR NOT NULL,
    word_count     INTEGER NOT NULL,
    change_summary VARCHAR,
    valid_from     TIMESTAMPTZ NOT NULL,
    valid_to       TIMESTAMPTZ,
    run_id         VARCHAR NOT NULL,
    PRIMARY KEY (article_id, version)
);
COMMENT ON TABLE article_versions IS 'Every version of every article (slowly changing dimension): version 1 is the article as first loaded.';
COMMENT ON COLUMN article_versions.valid_to IS 'When a newer version replaced this one; NULL for the current version.';
COMMENT ON COLUMN article_versions.change_summary IS 'What changed from the previous version: title, body length, first changed passage.';

-- Every article loaded before versions existed is its own version 1.
INSERT INTO article_versions
SELECT article_id, 1, doc_id, title, body, body_hash, word_count, NULL, loaded_at, NULL, run_id FROM articles;

CREATE VIEW current_articles AS
-- Each article as it reads now: its latest version's title and body over the article's other fields.
SELECT a.* REPLACE (v.title AS title, v.body AS body, v.body_hash AS body_hash, v.word_count AS word_count),
       v.version, v.valid_from
FROM articles AS a
JOIN article_versions AS v ON v.article_id = a.article_id AND v.valid_to IS NULL;

CREATE VIEW article_changes AS
-- One row per change of an article: when, what changed, and the title and size before and after.
SELECT v.article_id, v.version, v.valid_from AS changed_at, v.change_summary,
       p.title AS title_before, v.title AS title_after,
       p.word_count AS words_before, v.word_count AS words_after, a.canonical_url
FROM article_versions AS v
JOIN article_versions AS p ON p.article_id = v.article_id AND p.version = v.version - 1
JOIN articles AS a ON a.article_id = v.article_id;

ALTER TABLE articles ADD COLUMN cleaning_version VARCHAR;
COMMENT ON COLUMN articles.cleaning_version IS 'Version of the cleaning rules that produced the body (transform.cleaning.RULES_VERSION).';

CREATE VIEW article_lineage AS
-- Where each article came from and what made it: source, fetch, extractor, rule versions, the Prefect run.
SELECT a.article_id, a.title, d.source, d.source_kind, d.fetched_at, d.http_status,
       d.uri AS final_url, d.requested_url, a.extractor, a.cleaning_version,
       s.scheme_id AS dedup_scheme, a.run_id, r.flow_run_id
FROM articles AS a
JOIN raw_documents AS d ON d.doc_id = a.doc_id
LEFT JOIN article_signatures AS s ON s.article_id = a.article_id
LEFT JOIN runs AS r ON r.run_id = a.run_id;

CREATE TABLE source_runs (
    run_id               VARCHAR NOT NULL,
    source               VARCHAR NOT NULL,
    source_kind          VARCHAR NOT NULL,
    finished_at          TIMESTAMPTZ NOT NULL,
    discovered           INTEGER NOT NULL,
    fetched              INTEGER NOT NULL,
    unchanged            INTEGER NOT NULL,
    failed               INTEGER NOT NULL,
    blocked              INTEGER NOT NULL,
    new_articles         INTEGER NOT NULL,
    rejected             INTEGER NOT NULL,
    rejects_by_reason    MAP(VARCHAR, INTEGER) NOT NULL,
    missing_date_share   DOUBLE,
    missing_author_share DOUBLE,
    missing_title_share  DOUBLE,
    median_body_words    DOUBLE,
    seconds              DOUBLE NOT NULL,
    PRIMARY KEY (run_id, source)
);
COMMENT ON TABLE source_runs IS 'Per run and source: what was found, fetched, loaded and rejected, and the quality of what loaded.';
COMMENT ON COLUMN source_runs.blocked IS 'Fetches refused by robots.txt or answered 401/403/429: the source is blocking us, not empty.';
COMMENT ON COLUMN source_runs.missing_date_share IS 'Share of the run''s new articles from this source without a publication date.';

CREATE TABLE source_alerts (
    run_id    VARCHAR NOT NULL,
    source    VARCHAR NOT NULL,
    rule      VARCHAR NOT NULL,
    message   VARCHAR NOT NULL,
    raised_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE source_alerts IS 'Drift alerts: a source that went silent, started failing, or whose extraction broke.';

CREATE VIEW source_health AS
-- Each source's latest run beside its usual figures (median of its earlier runs), and its open alerts.
WITH ranked AS (
    SELECT *, row_number() OVER (PARTITION BY source ORDER BY finished_at DESC) AS recency
    FROM source_runs
),
usual AS (
    SELECT source, count(*) AS earlier_runs, median(new_articles) AS usual_new_articles,
           median(median_body_words) AS usual_body_words
    FROM ranked WHERE recency > 1 GROUP BY source
)
SELECT l.source, l.source_kind, l.finished_at AS last_run, l.discovered, l.fetched, l.unchanged, l.failed,
       l.blocked, l.new_articles, u.usual_new_articles, l.rejected, l.missing_date_share,
       l.median_body_words, u.usual_body_words, coalesce(u.earlier_runs, 0) AS earlier_runs,
       CASE WHEN l.blocked > 0 AND l.fetched = 0 THEN 'blocked'
            WHEN EXISTS (SELECT 1 FROM source_alerts AS a WHERE a.run_id = l.run_id AND a.source = l.source)
                THEN 'alert'
            ELSE 'ok' END AS status,
       (SELECT list(a.rule || ': ' || a.message) FROM source_alerts AS a
        WHERE a.run_id = l.run_id AND a.source = l.source) AS alerts
FROM ranked AS l LEFT JOIN usual AS u ON u.source = l.source
WHERE l.recency = 1;

CREATE OR REPLACE VIEW document_status AS
-- One row per raw document with its outcome: article, version (a new version of a known article),
-- duplicate, off_topic, rejected, or pending (not processed yet).
SELECT
    d.doc_id,
    d.uri,
    d.source,
    d.fetched_at,
    CASE
        WHEN a.article_id IS NOT NULL THEN 'article'
        WHEN v.article_id IS NOT NULL THEN 'version'
        WHEN dup.article_id IS NOT NULL THEN 'duplicate'
        WHEN o.doc_id IS NOT NULL THEN 'off_topic'
        WHEN r.doc_id IS NOT NULL THEN 'rejected'
        ELSE 'pending'
    END AS status,
    coalesce(a.article_id, v.article_id, dup.article_id) AS article_id,
    coalesce(r.reason, o.reason) AS reason
FROM raw_documents AS d
LEFT JOIN articles AS a ON a.doc_id = d.doc_id
LEFT JOIN article_versions AS v ON v.doc_id = d.doc_id AND v.version > 1
LEFT JOIN document_duplicates AS dup ON dup.doc_id = d.doc_id
LEFT JOIN off_topic_documents AS o ON o.doc_id = d.doc_id
LEFT JOIN (SELECT DISTINCT ON (doc_id) doc_id, reason FROM rejects WHERE doc_id IS NOT NULL) AS r
    ON r.doc_id = d.doc_id;
