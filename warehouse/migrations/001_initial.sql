-- 001_initial: raw documents kept forever, the articles made from them, and the outcome of every document.
-- Every raw document ends in exactly one of: articles (it introduced an article), document_duplicates
-- (it repeats one), rejects (it could not be processed). Until then it is pending (see document_status).

CREATE TABLE runs (
    run_id           VARCHAR PRIMARY KEY,
    flow_run_id      VARCHAR,
    started_at       TIMESTAMPTZ NOT NULL,
    finished_at      TIMESTAMPTZ,
    status           VARCHAR NOT NULL,
    documents_seen   INTEGER,
    documents_new    INTEGER,
    new_articles     INTEGER,
    exact_duplicates INTEGER,
    rejected         INTEGER
);
COMMENT ON TABLE runs IS 'One row per ingest run: when it ran, how it ended, what it counted.';
COMMENT ON COLUMN runs.flow_run_id IS 'The Prefect flow run id, to find the run in the Prefect UI.';
COMMENT ON COLUMN runs.status IS 'running, completed or failed.';
COMMENT ON COLUMN runs.documents_seen IS 'Documents read by the run, new or already stored.';
COMMENT ON COLUMN runs.documents_new IS 'Documents the run stored for the first time in raw_documents.';
COMMENT ON COLUMN runs.new_articles IS 'Articles the run added.';
COMMENT ON COLUMN runs.exact_duplicates IS 'Documents the run found to repeat a stored article (same URL or body).';
COMMENT ON COLUMN runs.rejected IS 'Documents or paths the run could not process (see rejects).';

CREATE TABLE raw_documents (
    doc_id         VARCHAR PRIMARY KEY,
    source         VARCHAR NOT NULL,
    source_kind    VARCHAR NOT NULL,
    uri            VARCHAR NOT NULL,
    fetched_at     TIMESTAMPTZ NOT NULL,
    content_type   VARCHAR NOT NULL,
    sha256         VARCHAR NOT NULL,
    size_bytes     BIGINT NOT NULL,
    content        BLOB,
    refused_reason VARCHAR,
    run_id         VARCHAR NOT NULL
);
COMMENT ON TABLE raw_documents IS 'Every document exactly as read or fetched, stored before processing and kept forever.';
COMMENT ON COLUMN raw_documents.doc_id IS 'Stable id of (uri, sha256): the same bytes from the same place are one document.';
COMMENT ON COLUMN raw_documents.source IS 'Name of the source the document came from.';
COMMENT ON COLUMN raw_documents.source_kind IS 'file, feed, sitemap, listing or url.';
COMMENT ON COLUMN raw_documents.uri IS 'Where the document was read: file URI (with #line=N inside JSONL) or URL.';
COMMENT ON COLUMN raw_documents.sha256 IS 'sha256 of the raw bytes.';
COMMENT ON COLUMN raw_documents.content IS 'The raw bytes; NULL when the document was refused before reading (see refused_reason).';
COMMENT ON COLUMN raw_documents.refused_reason IS 'Why the bytes were not stored (for example over the size limit).';
COMMENT ON COLUMN raw_documents.run_id IS 'The run that first stored the document.';

CREATE TABLE articles (
    article_id    VARCHAR PRIMARY KEY,
    doc_id        VARCHAR NOT NULL,
    uri           VARCHAR NOT NULL,
    canonical_url VARCHAR NOT NULL,
    source        VARCHAR NOT NULL,
    title         VARCHAR,
    authors       VARCHAR[] NOT NULL,
    published_at  TIMESTAMPTZ,
    language      VARCHAR,
    body          VARCHAR NOT NULL,
    body_hash     VARCHAR NOT NULL,
    word_count    INTEGER NOT NULL,
    extractor     VARCHAR,
    loaded_at     TIMESTAMPTZ NOT NULL,
    run_id        VARCHAR NOT NULL
);
COMMENT ON TABLE articles IS 'One row per distinct article: cleaned text and metadata. Exact copies are in document_duplicates.';
COMMENT ON COLUMN articles.article_id IS 'Id of the article: the doc_id of the document that introduced it.';
COMMENT ON COLUMN articles.doc_id IS 'The raw document this article was made from.';
COMMENT ON COLUMN articles.canonical_url IS 'Canonical URL (lower-case host, no fragment or tracking parameters): the exact-dedup key.';
COMMENT ON COLUMN articles.published_at IS 'Publication time given by the source, in UTC; NULL when unknown.';
COMMENT ON COLUMN articles.body IS 'The cleaned body text.';
COMMENT ON COLUMN articles.body_hash IS 'sha256 of the body normalised for matching (NFKC, case-folded, words only).';
COMMENT ON COLUMN articles.extractor IS 'What extracted the text: plain-text, json or trafilatura-VERSION.';
CREATE INDEX articles_canonical_url ON articles (canonical_url);
CREATE INDEX articles_body_hash ON articles (body_hash);

CREATE TABLE cleaning_changes (
    article_id VARCHAR NOT NULL,
    step       VARCHAR NOT NULL,
    changes    INTEGER NOT NULL,
    details    VARCHAR[] NOT NULL
);
COMMENT ON TABLE cleaning_changes IS 'What each cleaning step changed in an article (only steps that changed something).';
COMMENT ON COLUMN cleaning_changes.changes IS 'How many changes the step made (lines dropped, tokens split, 1 for a rewrite).';
COMMENT ON COLUMN cleaning_changes.details IS 'The exact lines dropped or tokens changed, when the step reports them.';

CREATE TABLE document_duplicates (
    doc_id      VARCHAR PRIMARY KEY,
    uri         VARCHAR NOT NULL,
    article_id  VARCHAR NOT NULL,
    match_kind  VARCHAR NOT NULL,
    detected_at TIMESTAMPTZ NOT NULL,
    run_id      VARCHAR NOT NULL
);
COMMENT ON TABLE document_duplicates IS 'Documents whose article was already stored: which article they repeat and how they matched.';
COMMENT ON COLUMN document_duplicates.match_kind IS 'url (same canonical URL) or body (same normalised body hash).';

CREATE TABLE rejects (
    doc_id      VARCHAR,
    uri         VARCHAR NOT NULL,
    stage       VARCHAR NOT NULL,
    reason      VARCHAR NOT NULL,
    rejected_at TIMESTAMPTZ NOT NULL,
    run_id      VARCHAR NOT NULL
);
COMMENT ON TABLE rejects IS 'Documents (or paths) that could not be processed, with the stage and the reason.';
COMMENT ON COLUMN rejects.doc_id IS 'The raw document rejected; NULL when the path never became a document (missing, unsupported type).';
COMMENT ON COLUMN rejects.stage IS 'discover, read, extract or clean.';

CREATE VIEW document_status AS
-- One row per raw document with its outcome: article, duplicate, rejected, or pending (not processed yet).
SELECT
    d.doc_id,
    d.uri,
    d.source,
    d.fetched_at,
    CASE
        WHEN a.article_id IS NOT NULL THEN 'article'
        WHEN dup.article_id IS NOT NULL THEN 'duplicate'
        WHEN r.doc_id IS NOT NULL THEN 'rejected'
        ELSE 'pending'
    END AS status,
    coalesce(a.article_id, dup.article_id) AS article_id,
    r.reason AS reject_reason
FROM raw_documents AS d
LEFT JOIN articles AS a ON a.doc_id = d.doc_id
LEFT JOIN document_duplicates AS dup ON dup.doc_id = d.doc_id
LEFT JOIN (SELECT DISTINCT ON (doc_id) doc_id, reason FROM rejects WHERE doc_id IS NOT NULL) AS r
    ON r.doc_id = d.doc_id;

CREATE VIEW data_dictionary AS
-- Every table and view column with its type and comment: `FROM data_dictionary WHERE table_name = 'articles'`.
SELECT c.table_name, c.column_name, c.data_type, c.comment, t.comment AS table_comment
FROM duckdb_columns() AS c
LEFT JOIN duckdb_tables() AS t ON t.table_name = c.table_name AND t.schema_name = c.schema_name
WHERE c.schema_name = 'main' AND c.database_name = current_database()
ORDER BY c.table_name, c.column_index;
