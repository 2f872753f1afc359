-- 006: rejects say what kind of failure they are (a timeout no longer looks like a 404), and documents
-- whose processing failed are counted, so one document can never hold up every later run.

ALTER TABLE rejects ADD COLUMN kind VARCHAR NOT NULL DEFAULT 'terminal';
COMMENT ON COLUMN rejects.stage IS 'Where it failed: discover, read, fetch, extract, clean, process (analysis, fingerprints) or quarantine (processing failed in several runs).';
COMMENT ON COLUMN rejects.kind IS 'A short stable word for the cause, for counting: unreadable, no_article, empty_after_cleaning, a fetch error code (timeout, http_status, robots, private_address, deferred, ...), or unexpected:<ExceptionType> for a failure newsetl did not anticipate.';

CREATE TABLE processing_failures (
    doc_id     VARCHAR NOT NULL,
    run_id     VARCHAR NOT NULL,
    failed_at  TIMESTAMPTZ NOT NULL,
    error      VARCHAR NOT NULL
);
COMMENT ON TABLE processing_failures IS 'A run whose batch failed after storing raw documents: one row per document that was pending in it. A document pending in several failed runs is rejected (stage quarantine) so it cannot block later runs.';
COMMENT ON COLUMN processing_failures.doc_id IS 'A raw document that was pending when the run failed.';
COMMENT ON COLUMN processing_failures.run_id IS 'The run that failed.';
COMMENT ON COLUMN processing_failures.failed_at IS 'When the run failed.';
COMMENT ON COLUMN processing_failures.error IS 'The error that failed the run (type and message).';
