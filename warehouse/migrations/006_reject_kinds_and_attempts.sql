-- 006: rejects say what kind of failure they are (a timeout no longer looks like a 404), and every run
-- records which pending documents it tried, so a document that keeps killing runs is set aside.

ALTER TABLE rejects ADD COLUMN kind VARCHAR DEFAULT 'terminal';
COMMENT ON COLUMN rejects.stage IS 'Where it failed: discover, read, fetch, extract, clean, topic, process (deduplication, analysis or loading of that one document) or quarantine (runs kept dying while it was pending).';
COMMENT ON COLUMN rejects.kind IS 'A short stable word for the cause, for counting: unreadable, no_article, empty_after_cleaning, a fetch error code (timeout, http_status, robots, private_address, deferred, ...), repeated_failure, or unexpected:<ExceptionType> for a failure newsetl did not anticipate.';

CREATE TABLE processing_attempts (
    doc_id      VARCHAR NOT NULL,
    run_id      VARCHAR NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (doc_id, run_id)
);
COMMENT ON TABLE processing_attempts IS 'Which run tried to process which pending raw document. A document still pending after several attempts was pending in runs that died (killed, out of memory): it is rejected with stage quarantine so it cannot stop later runs; newsetl reprocess tries it again.';
COMMENT ON COLUMN processing_attempts.doc_id IS 'The raw document that was pending.';
COMMENT ON COLUMN processing_attempts.run_id IS 'The run that tried it.';
COMMENT ON COLUMN processing_attempts.started_at IS 'When that run started processing.';

-- A document that became a new version of a stored article is an ingested document too.
CREATE OR REPLACE VIEW document_dedup AS
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
LEFT JOIN story_articles AS s ON s.article_id = d.article_id
UNION ALL
SELECT v.doc_id, r.uri, v.article_id, g.duplicate_group, 'version' AS duplicate_kind, NULL AS similarity,
       s.story_id
FROM article_versions AS v
JOIN raw_documents AS r ON r.doc_id = v.doc_id
JOIN article_groups AS g ON g.article_id = v.article_id
LEFT JOIN story_articles AS s ON s.article_id = v.article_id
WHERE v.version > 1;
COMMENT ON VIEW document_dedup IS 'One row per ingested document (rejected and off-topic documents excluded): its article, duplicate group, how it matched (original, near, exact, or version: a newer version of a stored article), its story.';
