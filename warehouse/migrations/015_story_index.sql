-- 015: the story candidate index. Each report is posted under its candidate keys (transform.stories.
-- candidate_keys: rare names, headline terms, figures, watched entities, top terms) with its event time,
-- in the same transaction as the article (warehouse/story_index.py), so a new article looks up the
-- stored articles sharing its rare evidence in its time window instead of loading every article of the
-- window. Rows are appended in load order, which follows event time, so the time filter of a lookup
-- skips the row groups of older weeks (their min-max zone maps) whatever the size of the history.

CREATE TABLE story_postings (
    key_hash UBIGINT NOT NULL,
    article_id VARCHAR NOT NULL,
    event_time TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE story_postings IS 'Story candidate index: one row per report and candidate key (its rare names, headline terms, figures other than dates, watched entities, top terms); a new article''s story candidates are the articles sharing its rarest keys in its time window.';
COMMENT ON COLUMN story_postings.key_hash IS 'md5_number_upper of the key: n:<name or headline term>, f:<figure>, e:<watched entity>, t:<top term> (transform.stories.candidate_keys).';
COMMENT ON COLUMN story_postings.article_id IS 'The article posted (story_features.article_id); its story is in story_articles.';
COMMENT ON COLUMN story_postings.event_time IS 'The article''s event time (story_features.event_time), or when it joined its story for an article without a date: the window a lookup reads.';

-- Backfill: the reports already stored, with the keys candidate_keys gives (top terms: the ten of highest
-- weight, ties by term), oldest first so the table starts in time order.
INSERT INTO story_postings
WITH reports AS (
    SELECT f.article_id, coalesce(f.event_time, s.joined_at) AS event_time, f.names, f.headline, f.facts,
           f.entities, f.terms
    FROM story_features AS f
    JOIN story_articles AS s ON s.article_id = f.article_id
    WHERE coalesce(f.kind, 'report') = 'report'
),
keys AS (
    SELECT article_id, event_time, 'n:' || unnest(list_distinct(coalesce(names, []) || coalesce(headline, []))) AS key
    FROM reports
    UNION ALL
    SELECT article_id, event_time, 'f:' || fact
    FROM (SELECT article_id, event_time, unnest(facts) AS fact FROM reports)
    WHERE NOT starts_with(fact, 'date:')
    UNION ALL
    SELECT article_id, event_time, 'e:' || unnest(entities) FROM reports
    UNION ALL
    SELECT article_id, event_time, 't:' || term
    FROM (
        SELECT article_id, event_time, entry.key AS term, entry.value AS weight
        FROM (SELECT article_id, event_time, unnest(map_entries(terms)) AS entry FROM reports)
    )
    QUALIFY row_number() OVER (PARTITION BY article_id ORDER BY weight DESC, term) <= 10
)
SELECT DISTINCT md5_number_upper(key), article_id, event_time
FROM keys
ORDER BY event_time, article_id;
