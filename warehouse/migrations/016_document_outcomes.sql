-- 016: every outcome a raw document can have, in one view. Pending documents, the outcomes a lake's run
-- finds recorded by another run meanwhile, and the integrity check all read this one list of the tables
-- that record an outcome (they listed them each, with small differences). document_status keeps its
-- joins: it shows the outcome a document has first and a reject's reason beside it.

CREATE VIEW document_outcomes AS
SELECT doc_id, 'article' AS outcome, article_id FROM articles
UNION ALL
-- Version 1 of an article is the article's own document; later versions are documents of their own.
SELECT doc_id, 'version', article_id FROM article_versions WHERE version > 1
UNION ALL
SELECT doc_id, 'duplicate', article_id FROM document_duplicates
UNION ALL
SELECT doc_id, 'off_topic', NULL FROM off_topic_documents
UNION ALL
-- A document rejected at several stages is one rejected document.
SELECT DISTINCT doc_id, 'rejected', NULL FROM rejects WHERE doc_id IS NOT NULL;
COMMENT ON VIEW document_outcomes IS 'One row per raw document and outcome (article, version, duplicate, off_topic, rejected): a document with no row is pending, one with two rows has two outcomes (check_integrity counts those).';
COMMENT ON COLUMN document_outcomes.doc_id IS 'The raw document (raw_documents.doc_id).';
COMMENT ON COLUMN document_outcomes.outcome IS 'article, version (a new version of a stored article), duplicate, off_topic or rejected.';
COMMENT ON COLUMN document_outcomes.article_id IS 'The article it became, is a version of, or repeats; NULL for off_topic and rejected.';
