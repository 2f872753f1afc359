-- 017: the documents waiting for an outcome, listed. Finding them by anti-joining every raw document with
-- every outcome (the document_outcomes view) cost a scan of the whole history on every run (0.6-0.9 s at
-- 1M documents, inside a lake writer's turn at the commit lock). Storing a raw document lists it here,
-- in the same transaction; recording its outcome takes it off, in the outcome's transaction; so a run
-- reads only what waits. check_integrity compares this list with the anti-join.

CREATE TABLE pending_documents (
    doc_id VARCHAR PRIMARY KEY
);
COMMENT ON TABLE pending_documents IS 'Raw documents with no outcome yet: just stored, or left over by a run that stopped midway. Listed when stored, taken off when their outcome is recorded (same transactions).';
COMMENT ON COLUMN pending_documents.doc_id IS 'The raw document (raw_documents.doc_id).';

INSERT INTO pending_documents
SELECT d.doc_id FROM raw_documents AS d
WHERE NOT EXISTS (SELECT 1 FROM document_outcomes AS o WHERE o.doc_id = d.doc_id);
