-- 030: when a story's articles were published, beside when they were seen. first_seen and last_seen take
-- an undated article's load time, so a story of a report and an undated file seemed to run to the day the
-- file was loaded. `newsetl stories` and the run's story report give the span of the dated articles and
-- count the undated beside it, from the three columns added here (first_published, last_published,
-- undated_count); the `stories` view that `newsetl export` writes as Parquet gains them too (migration
-- 027's view with the three columns after its others).
-- The macro and view below are those of migration 011 with those columns at the end, and one change: the
-- stories' rows are chosen by a subquery in each of the three places that read them, not by a CTE read
-- three times. 011's CTE said NOT MATERIALIZED (a materialised copy made the whole view 2.5x slower), and
-- DuckDB does not keep that word in a stored macro: counting the whole view at 1M articles took 3.5-4.0 s,
-- against 1.3-1.5 s for the same macro created in the session (bench/story_summaries.py's history,
-- 2026-12-07); with the subqueries the stored macro takes 1.4-1.5 s. Reads of 20 or 1,000 stories and the
-- view's latest 20 took the same time either way.
CREATE OR REPLACE MACRO story_summaries_of(story_ids) AS TABLE
WITH members AS (
    SELECT c.story_id, c.article_id, a.title, a.language, a.published_at,
           coalesce(a.published_at, a.loaded_at) AS seen_at,
           CASE WHEN a.canonical_url LIKE 'http%' THEN regexp_extract(a.canonical_url, '^https?://([^/]+)', 1)
                ELSE a.source END AS outlet
    FROM (
        SELECT story_id, article_id, matched_article_id FROM story_articles
        WHERE story_ids IS NULL OR story_id IN (SELECT unnest(story_ids))
    ) AS c
    JOIN articles AS a ON a.article_id = c.article_id
),
joined_through AS (
    -- How many other articles of its story joined through each article (it was their best match).
    SELECT story_id, matched_article_id AS article_id, count(*) AS joins
    FROM (
        SELECT story_id, article_id, matched_article_id FROM story_articles
        WHERE story_ids IS NULL OR story_id IN (SELECT unnest(story_ids))
    )
    WHERE matched_article_id IS NOT NULL AND matched_article_id <> article_id
    GROUP BY story_id, matched_article_id
),
entities AS (
    -- Each watched entity of each story: in how many of its articles, how many times.
    SELECT story_id, entity, count(*) AS articles, sum(mentions) AS mentions
    FROM (
        SELECT c.story_id, c.article_id, e.entity, count(*) AS mentions
        FROM (
            SELECT story_id, article_id, matched_article_id FROM story_articles
            WHERE story_ids IS NULL OR story_id IN (SELECT unnest(story_ids))
        ) AS c
        JOIN entity_mentions AS e ON e.article_id = c.article_id
        GROUP BY c.story_id, c.article_id, e.entity
    )
    GROUP BY story_id, entity
),
top_entities AS (
    SELECT story_id,
           list_transform(list_sort(list({'articles': -articles, 'mentions': -mentions, 'entity': entity}))[:5],
                          e -> e.entity) AS top_entities
    FROM entities
    GROUP BY story_id
)
SELECT m.story_id,
       arg_min(m.title, {'joins': -coalesce(j.joins, 0), 'seen_at': m.seen_at, 'article_id': m.article_id})
           FILTER (WHERE nullif(trim(m.title), '') IS NOT NULL) AS headline,
       arg_min(m.article_id, {'untitled': nullif(trim(m.title), '') IS NULL, 'joins': -coalesce(j.joins, 0),
                              'seen_at': m.seen_at, 'article_id': m.article_id}) AS headline_article_id,
       min(m.seen_at) AS first_seen,
       max(m.seen_at) AS last_seen,
       count(*) AS article_count,
       count(DISTINCT m.outlet) AS outlet_count,
       list_sort(list(DISTINCT m.outlet)) AS outlets,
       list_sort(coalesce(list(DISTINCT m.language) FILTER (WHERE m.language IS NOT NULL), [])) AS languages,
       coalesce(any_value(t.top_entities), []) AS top_entities,
       min(m.published_at) AS first_published,
       max(m.published_at) AS last_published,
       count(*) FILTER (WHERE m.published_at IS NULL) AS undated_count
FROM members AS m
LEFT JOIN joined_through AS j ON j.story_id = m.story_id AND j.article_id = m.article_id
LEFT JOIN top_entities AS t ON t.story_id = m.story_id
GROUP BY m.story_id;

CREATE OR REPLACE VIEW story_summaries AS
-- One row per story, for reading: a representative headline, when it was seen, how many articles and
-- outlets, in which languages, about which watched entities.
SELECT * FROM story_summaries_of(NULL);

COMMENT ON MACRO TABLE story_summaries_of IS 'The story_summaries rows of the given stories, read without summarising the others: FROM story_summaries_of([''id1'', ''id2'']); NULL for every story.';
COMMENT ON VIEW story_summaries IS 'One row per story, for reading: its headline, first and last sighting, article and outlet counts, languages and top watched entities. newsetl stories lists the same stories with their articles.';
COMMENT ON COLUMN story_summaries.story_id IS 'The story (the id of its first article; see story_articles).';
COMMENT ON COLUMN story_summaries.headline IS 'The title of the story''s most central report: the one most of its other articles joined through (their best match), then the earliest seen, then the smallest id; NULL when no article of the story has a title.';
COMMENT ON COLUMN story_summaries.headline_article_id IS 'The article the headline is the title of (when no article has a title, the one it would be).';
COMMENT ON COLUMN story_summaries.first_seen IS 'The earliest publication time of its articles (the load time for an article without a date).';
COMMENT ON COLUMN story_summaries.last_seen IS 'The latest publication time of its articles (the load time for an article without a date).';
COMMENT ON COLUMN story_summaries.article_count IS 'Articles in the story, near-copies included (exact copies are documents, not articles).';
COMMENT ON COLUMN story_summaries.outlet_count IS 'Distinct outlets: the host of the canonical URL, or the source name for files without a web address.';
COMMENT ON COLUMN story_summaries.outlets IS 'The outlets, sorted.';
COMMENT ON COLUMN story_summaries.languages IS 'Languages of its articles (ISO 639-1 codes, sorted); empty when none was detected.';
COMMENT ON COLUMN story_summaries.top_entities IS 'Up to five watched entities, by how many of the story''s articles mention them, then by mentions, then by name.';
COMMENT ON COLUMN story_summaries.first_published IS 'The earliest publication time of its dated articles; NULL when none has a date.';
COMMENT ON COLUMN story_summaries.last_published IS 'The latest publication time of its dated articles; NULL when none has a date.';
COMMENT ON COLUMN story_summaries.undated_count IS 'Its articles without a publication date (first_seen and last_seen take their load time).';

-- The stories view of migration 027 with the publication span after its columns. CREATE OR REPLACE VIEW
-- drops the view's comments: all of them again.
CREATE OR REPLACE VIEW stories AS
WITH members AS (
    SELECT s.story_id, a.title, a.published_at,
           coalesce(a.published_at, a.loaded_at) AS seen_at,
           CASE WHEN a.canonical_url LIKE 'http%' THEN regexp_extract(a.canonical_url, '^https?://([^/]+)', 1)
                ELSE a.source END AS outlet
    FROM story_articles AS s
    JOIN articles AS a ON a.article_id = s.article_id
)
-- Each story's articles summed up first, then its link and thread joined to that one row.
SELECT g.* EXCLUDE (first_published, last_published, undated_count),
       t.follows_story, coalesce(t.thread_id, g.story_id) AS thread_id,
       g.first_published, g.last_published, g.undated_count
FROM (
    SELECT story_id,
           arg_min(title, seen_at) AS title,
           min(seen_at) AS first_seen,
           max(seen_at) AS last_seen,
           count(*) AS article_count,
           count(DISTINCT outlet) AS outlet_count,
           list(DISTINCT outlet ORDER BY outlet) AS outlets,
           min(published_at) AS first_published,
           max(published_at) AS last_published,
           count(*) FILTER (WHERE published_at IS NULL) AS undated_count
    FROM members
    GROUP BY story_id
) AS g
LEFT JOIN story_threads() AS t ON t.story_id = g.story_id;

COMMENT ON VIEW stories IS 'One row per story: its title (from its earliest article), time span, size, outlets, the story it follows and its thread, and when its dated articles were published.';
COMMENT ON COLUMN stories.story_id IS 'The story: the id of its first article.';
COMMENT ON COLUMN stories.title IS 'Title of its earliest article.';
COMMENT ON COLUMN stories.first_seen IS 'Earliest publication (or load) time of its articles.';
COMMENT ON COLUMN stories.last_seen IS 'Latest publication (or load) time of its articles.';
COMMENT ON COLUMN stories.article_count IS 'Articles in the story, near-copies included (exact copies are documents, not articles).';
COMMENT ON COLUMN stories.outlet_count IS 'Distinct outlets (web host, or source name for files).';
COMMENT ON COLUMN stories.outlets IS 'The outlets, sorted.';
COMMENT ON COLUMN stories.follows_story IS 'The earlier story this one follows (story_articles.follows_story of its first article): a follow-up too long after that story to join it, such as a relief fund two days after a flood. NULL when it follows none.';
COMMENT ON COLUMN stories.thread_id IS 'Its thread: the first story up its follows_story links (its own id when it follows none). A happening reported for days is several stories of one thread, as newsetl stories --thread shows them: GROUP BY thread_id.';
COMMENT ON COLUMN stories.first_published IS 'The earliest publication time of its dated articles; NULL when none has a date.';
COMMENT ON COLUMN stories.last_published IS 'The latest publication time of its dated articles; NULL when none has a date.';
COMMENT ON COLUMN stories.undated_count IS 'Its articles without a publication date (first_seen and last_seen take their load time).';
