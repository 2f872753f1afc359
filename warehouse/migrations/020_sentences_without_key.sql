-- 020: article_sentences without its primary key. The key's index grew with the history (sixteen entries
-- an article) and every run paid for it, in its inserts and in the checkpoint: in DuckDB alone, adding
-- 16k rows cost 0.06 s to insert and 0.09 s to checkpoint at 1.28M rows, 0.19 and 0.41 s at 12.8M, and
-- about 0.01 s each without the key at both sizes. The rows it guarded are written once, in the
-- transaction that stores their article, whose own key keeps it from being loaded twice; a DuckLake has
-- no keys at all and relies on the same.
CREATE TABLE article_sentences_020 (
    article_id     VARCHAR NOT NULL,
    sentence_index INTEGER NOT NULL,
    sentence       VARCHAR NOT NULL
);
INSERT INTO article_sentences_020 SELECT article_id, sentence_index, sentence FROM article_sentences;
DROP TABLE article_sentences;
ALTER TABLE article_sentences_020 RENAME TO article_sentences;
COMMENT ON TABLE article_sentences IS 'The cleaned body of each article, one row per sentence, in order.';
COMMENT ON COLUMN article_sentences.article_id IS 'The article.';
COMMENT ON COLUMN article_sentences.sentence_index IS 'Position of the sentence in the body, from 0.';
COMMENT ON COLUMN article_sentences.sentence IS 'The sentence.';
