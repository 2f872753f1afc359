-- 014_warc: web archives read by `newsetl warc`. How far each archive was read (a killed backfill goes on
-- from there, a finished archive is not read again), and which archive record each stored page came from.

CREATE TABLE warc_files (
    warc_file   VARCHAR PRIMARY KEY,
    source      VARCHAR NOT NULL,
    next_offset BIGINT NOT NULL,
    finished    BOOLEAN NOT NULL,
    records     BIGINT NOT NULL,
    pages       BIGINT NOT NULL,
    off_topic   BIGINT NOT NULL,
    rejected    BIGINT NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    run_id      VARCHAR NOT NULL
);
COMMENT ON TABLE warc_files IS 'One row per web archive (WARC or ARC file) newsetl warc has read from: how far, and what it found.';
COMMENT ON COLUMN warc_files.warc_file IS 'The archive as given to newsetl warc: its file URI (file:///...) or the http(s) URL it was fetched from.';
COMMENT ON COLUMN warc_files.source IS 'The source name its pages were stored under (warc unless a [[sources]] entry names it).';
COMMENT ON COLUMN warc_files.next_offset IS 'Byte offset in the archive where the next record not yet loaded starts: a rerun goes on from here.';
COMMENT ON COLUMN warc_files.finished IS 'True once every record of the archive was loaded: a rerun skips the archive.';
COMMENT ON COLUMN warc_files.records IS 'Records read from the archive so far, of any type.';
COMMENT ON COLUMN warc_files.pages IS 'HTTP responses with an HTML page (2xx) read so far, on topic or not.';
COMMENT ON COLUMN warc_files.off_topic IS 'Pages the topic prefilter set aside before extraction (not stored: none of a topic group is mentioned).';
COMMENT ON COLUMN warc_files.rejected IS 'Records rejected while reading (truncated, corrupt, not HTML, unknown encoding); see rejects, uri FILE#offset=N.';
COMMENT ON COLUMN warc_files.started_at IS 'When a run first read the archive.';
COMMENT ON COLUMN warc_files.updated_at IS 'When a run last saved its progress in the archive.';
COMMENT ON COLUMN warc_files.finished_at IS 'When the archive was read to its end; NULL while it is not.';
COMMENT ON COLUMN warc_files.run_id IS 'The run that last read the archive.';

CREATE TABLE warc_captures (
    warc_file     VARCHAR NOT NULL,
    record_offset BIGINT NOT NULL,
    record_id     VARCHAR NOT NULL,
    doc_id        VARCHAR NOT NULL,
    url           VARCHAR NOT NULL,
    captured_at   TIMESTAMPTZ NOT NULL,
    run_id        VARCHAR NOT NULL,
    PRIMARY KEY (warc_file, record_offset)
);
COMMENT ON TABLE warc_captures IS 'The lineage of pages read from web archives: one row per archive record stored as a raw document.';
COMMENT ON COLUMN warc_captures.warc_file IS 'The archive the record is in (warc_files.warc_file).';
COMMENT ON COLUMN warc_captures.record_offset IS 'Byte offset where the record starts in the archive (where its gzip member starts in a .warc.gz).';
COMMENT ON COLUMN warc_captures.record_id IS 'The record''s WARC-Record-ID (<arc:OFFSET> for ARC files, which have none).';
COMMENT ON COLUMN warc_captures.doc_id IS 'The raw document made from the record (raw_documents.doc_id); the same page in two archives is one document.';
COMMENT ON COLUMN warc_captures.url IS 'The captured page''s URL (WARC-Target-URI).';
COMMENT ON COLUMN warc_captures.captured_at IS 'When the crawler captured the page (WARC-Date), in UTC; also the raw document''s fetched_at.';
COMMENT ON COLUMN warc_captures.run_id IS 'The run that read the record.';
CREATE INDEX warc_captures_doc_id ON warc_captures (doc_id);

CREATE VIEW article_warc_lineage AS
-- Which archive record each article read from a web archive came from.
SELECT a.article_id, a.title, a.canonical_url, c.warc_file, c.record_offset, c.record_id, c.captured_at,
       c.run_id
FROM articles AS a
JOIN warc_captures AS c ON c.doc_id = a.doc_id;
COMMENT ON VIEW article_warc_lineage IS 'Articles read from web archives with their archive, record offset, record id and capture time (article_lineage has the rest).';
COMMENT ON COLUMN article_warc_lineage.article_id IS 'The article.';
COMMENT ON COLUMN article_warc_lineage.title IS 'Its title.';
COMMENT ON COLUMN article_warc_lineage.canonical_url IS 'Its canonical URL.';
COMMENT ON COLUMN article_warc_lineage.warc_file IS 'The archive its page was read from.';
COMMENT ON COLUMN article_warc_lineage.record_offset IS 'Byte offset of the record in the archive.';
COMMENT ON COLUMN article_warc_lineage.record_id IS 'The record''s WARC-Record-ID.';
COMMENT ON COLUMN article_warc_lineage.captured_at IS 'When the page was captured (WARC-Date).';
COMMENT ON COLUMN article_warc_lineage.run_id IS 'The run that read the record.';

COMMENT ON COLUMN raw_documents.source_kind IS 'file, feed, sitemap, listing, url or warc (a page read from a web archive: see warc_captures).';
