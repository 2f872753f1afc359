-- 012: the full-text index becomes two tables kept up to date by every load (in the same transaction as
-- the articles), and BM25 a table macro over them. It replaces DuckDB's fts extension, whose index was
-- rebuilt in full after every load (6 of the 10 s of an incremental run at 1M articles) and which cut
-- text on spaces only, so Chinese and Japanese were never found. The terms come from
-- transform/search_terms.py (words stemmed, Chinese and Japanese as character bigrams, Korean words and
-- bigrams); the index of articles loaded before this migration is filled by the next
-- `newsetl maintenance` (or rebuilt by `newsetl reprocess`).

DROP SCHEMA IF EXISTS fts_main_articles CASCADE;

CREATE TABLE search_documents (
    article_id VARCHAR NOT NULL,
    length INTEGER NOT NULL
);
COMMENT ON TABLE search_documents IS 'Article held by the full-text index, with its length in terms (BM25''s document length); written in the same transaction as the article.';
COMMENT ON COLUMN search_documents.article_id IS 'The article (articles.article_id).';
COMMENT ON COLUMN search_documents.length IS 'Number of terms of its title and body together, repeats included.';

CREATE TABLE search_postings (
    article_id VARCHAR NOT NULL,
    term VARCHAR NOT NULL,
    term_key UBIGINT NOT NULL,
    tf INTEGER NOT NULL,
    doc_length INTEGER NOT NULL,
    segment INTEGER
);
COMMENT ON TABLE search_postings IS 'Term of an article''s title and body with its count: the inverted index behind search_bm25. Terms: words casefolded, stop words dropped, stemmed (Snowball English); Chinese and Japanese as character bigrams; Korean words plus their bigrams.';
COMMENT ON COLUMN search_postings.article_id IS 'The article (articles.article_id).';
COMMENT ON COLUMN search_postings.term IS 'The index term: qwen, model (for models), 阿里 and 里巴 (for 阿里巴), 애플은 and 애플 (for 애플은).';
COMMENT ON COLUMN search_postings.term_key IS 'md5_number_upper(term): an integer a query compares far faster than the text; maintenance keeps the table sorted by it, so a query reads only the row groups of its terms.';
COMMENT ON COLUMN search_postings.tf IS 'How many times the term occurs in the article''s title and body.';
COMMENT ON COLUMN search_postings.doc_length IS 'The article''s length in terms (search_documents.length), repeated here so BM25 needs no join.';
COMMENT ON COLUMN search_postings.segment IS 'The sorted segment the row belongs to (maintenance merges segments, see warehouse/search.py); NULL for rows loaded since the last maintenance.';

-- BM25 (k1 = 1.2, b = 0.75) over titles and bodies, in SQL: FROM search_bm25(['qwen', 'iphon']).
CREATE MACRO search_bm25(terms) AS TABLE
WITH query AS (
    SELECT DISTINCT term, md5_number_upper(term) AS term_key
    FROM (SELECT unnest(CAST(terms AS VARCHAR[])) AS term)
),
corpus AS (
    SELECT count(*)::DOUBLE AS documents, avg(length) AS average_length FROM search_documents
),
hits AS (
    SELECT p.article_id, p.term_key, p.tf, p.doc_length
    FROM search_postings AS p
    SEMI JOIN query AS q ON p.term_key = q.term_key
),
document_frequency AS (
    SELECT term_key, count(*)::DOUBLE AS df FROM hits GROUP BY term_key
)
SELECT h.article_id,
       sum(
           ln(1 + (c.documents - f.df + 0.5) / (f.df + 0.5))
           * h.tf * (1.2 + 1)
           / (h.tf + 1.2 * (1 - 0.75 + 0.75 * h.doc_length / c.average_length))
       ) AS score
FROM hits AS h
JOIN document_frequency AS f USING (term_key)
CROSS JOIN corpus AS c
GROUP BY h.article_id;
COMMENT ON MACRO TABLE search_bm25 IS 'BM25 (k1 1.2, b 0.75) of every indexed article holding one of the given index terms, over title and body: SELECT a.title, s.score FROM search_bm25([''qwen'', ''iphon'']) AS s JOIN articles AS a USING (article_id) ORDER BY s.score DESC. Terms as search_postings.term holds them (newsetl search turns words into terms).';
