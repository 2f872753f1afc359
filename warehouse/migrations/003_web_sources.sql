-- 003: web sources. How each page answered (lineage, conditional requests), raw web pages stored
-- compressed, and documents kept raw but left out of the articles because they are off the topic.

ALTER TABLE raw_documents ADD COLUMN http_status INTEGER;
ALTER TABLE raw_documents ADD COLUMN requested_url VARCHAR;
ALTER TABLE raw_documents ADD COLUMN etag VARCHAR;
ALTER TABLE raw_documents ADD COLUMN last_modified VARCHAR;
ALTER TABLE raw_documents ADD COLUMN content_encoding VARCHAR;
COMMENT ON COLUMN raw_documents.http_status IS 'HTTP status of the final response (web documents only).';
COMMENT ON COLUMN raw_documents.requested_url IS 'The URL asked for; uri is where redirects ended.';
COMMENT ON COLUMN raw_documents.content_encoding IS 'gzip when content is stored compressed (web pages), NULL when stored as read.';

CREATE TABLE http_cache (
    url           VARCHAR PRIMARY KEY,
    etag          VARCHAR,
    last_modified VARCHAR,
    status        INTEGER,
    fetched_at    TIMESTAMPTZ NOT NULL,
    run_id        VARCHAR NOT NULL,
    role          VARCHAR NOT NULL
);
COMMENT ON COLUMN http_cache.role IS 'index (feed, sitemap, listing page: fetched every run, conditionally) or article.';
COMMENT ON TABLE http_cache IS 'Validators of every feed, sitemap, listing and article URL fetched, for conditional GETs.';

CREATE TABLE off_topic_documents (
    doc_id     VARCHAR PRIMARY KEY,
    uri        VARCHAR NOT NULL,
    source     VARCHAR NOT NULL,
    reason     VARCHAR NOT NULL,
    decided_at TIMESTAMPTZ NOT NULL,
    run_id     VARCHAR NOT NULL
);
COMMENT ON TABLE off_topic_documents IS 'Documents kept raw but not loaded as articles: the source''s topic rule did not match.';

CREATE OR REPLACE VIEW document_status AS
-- One row per raw document with its outcome: article, duplicate, off_topic, rejected, or pending.
SELECT
    d.doc_id,
    d.uri,
    d.source,
    d.fetched_at,
    CASE
        WHEN a.article_id IS NOT NULL THEN 'article'
        WHEN dup.article_id IS NOT NULL THEN 'duplicate'
        WHEN o.doc_id IS NOT NULL THEN 'off_topic'
        WHEN r.doc_id IS NOT NULL THEN 'rejected'
        ELSE 'pending'
    END AS status,
    coalesce(a.article_id, dup.article_id) AS article_id,
    coalesce(r.reason, o.reason) AS reason
FROM raw_documents AS d
LEFT JOIN articles AS a ON a.doc_id = d.doc_id
LEFT JOIN document_duplicates AS dup ON dup.doc_id = d.doc_id
LEFT JOIN off_topic_documents AS o ON o.doc_id = d.doc_id
LEFT JOIN (SELECT DISTINCT ON (doc_id) doc_id, reason FROM rejects WHERE doc_id IS NOT NULL) AS r
    ON r.doc_id = d.doc_id;
