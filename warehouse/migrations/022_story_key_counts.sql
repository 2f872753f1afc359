-- 022: the document frequencies of story evidence, kept with every load (warehouse/story_counts.py), so a
-- run weighs how rare a name, a figure or a word is over the reports the warehouse holds, not over the few
-- articles it compares: runs of ten articles and their candidates found a company's city as rare as an
-- event's own names and joined reports of different events; runs of a day missed joins they make in one
-- batch (docs/scaling-stories.md section 17).

CREATE TABLE IF NOT EXISTS story_key_counts (
    key_hash UBIGINT NOT NULL,
    documents INTEGER NOT NULL
);
COMMENT ON TABLE story_key_counts IS 'How many stored reports hold each piece of story evidence (its document frequency), for the rarity stories weigh evidence by; one row per key, and the number of reports under the key #reports.';
COMMENT ON COLUMN story_key_counts.key_hash IS 'md5_number_upper of the key: w:<term, name or headline term (one vocabulary; terms in the singular)>, e:<watched entity>, f:<fact>, or #reports for the number of reports (warehouse/story_counts.py).';
COMMENT ON COLUMN story_key_counts.documents IS 'Stored reports holding the key (story_features rows of kind report).';

-- Backfill: the reports already stored, counted as transform.stories.counted counts them (its `singular`
-- written in SQL: "companies" -> "company", "chips" -> "chip", "bus", "class" and "analysis" kept). The
-- counts derive from story_features alone, so the migration run again recounts them, never adds twice.
DELETE FROM story_key_counts;
INSERT INTO story_key_counts
WITH reports AS (
    SELECT article_id, names, headline, facts, entities, terms
    FROM story_features
    WHERE coalesce(kind, 'report') = 'report'
),
words AS (
    SELECT DISTINCT article_id, word
    FROM (
        SELECT article_id,
               CASE
                   WHEN length(term) > 4 AND suffix(term, 'ies') THEN left(term, length(term) - 3) || 'y'
                   WHEN length(term) > 3 AND suffix(term, 's') AND NOT suffix(term, 'ss')
                        AND NOT suffix(term, 'us') AND NOT suffix(term, 'is') THEN left(term, length(term) - 1)
                   ELSE term
               END AS word
        FROM (SELECT article_id, unnest(map_keys(terms)) AS term FROM reports)
        UNION ALL
        SELECT article_id, unnest(coalesce(names, []) || coalesce(headline, [])) FROM reports
    )
),
keys AS (
    SELECT 'w:' || word AS key FROM words
    UNION ALL
    SELECT 'e:' || unnest(list_distinct(entities)) FROM reports
    UNION ALL
    SELECT 'f:' || unnest(list_distinct(facts)) FROM reports
    UNION ALL
    SELECT '#reports' FROM reports
)
SELECT md5_number_upper(key), count(*) FROM keys GROUP BY key;
