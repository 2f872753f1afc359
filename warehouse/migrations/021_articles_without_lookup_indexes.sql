-- 021: articles without its two lookup indexes (canonical_url, body_hash). DuckDB never used them for
-- what they were made for: the batch's keys are looked up by a join (`known_articles`), which hash-joins
-- over the column either way (1,000 keys against 1M articles: 0.04-0.07 s with the indexes, 0.04-0.05
-- without). Yet every run paid for them: a new key lands at a random place in each index, and the
-- checkpoint rewrites every index block that gained one. Measured at 1M articles, 1,000 added: the
-- checkpoint took 0.59 s and changed 145 MB of the file with both, 0.17 s and 40 MB without (which the
-- read copy then writes again). The key on article_id stays: it keeps an article from being loaded twice.
DROP INDEX IF EXISTS articles_canonical_url;
DROP INDEX IF EXISTS articles_body_hash;
