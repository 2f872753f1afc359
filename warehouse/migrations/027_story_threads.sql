-- 027: each story says which story it follows and which thread it belongs to, so that SQL and the Parquet
-- export (`newsetl export`, which reads the `stories` view) can group a happening reported for days, cut
-- into stories that follow each other, as `newsetl stories --thread` lists it: both read the threads of
-- the macro `story_threads`, the one definition of a thread.
-- A story's id is its first article's, and that article holds the story it follows (migration 026). A
-- thread is named by its first story, the one up the `follows_story` links that follows none; where the
-- links loop (a story's id taken over by a split could make one), by the smallest id of the loop.
CREATE OR REPLACE MACRO story_threads() AS TABLE
WITH RECURSIVE links AS (
    SELECT article_id AS story_id, follows_story FROM story_articles WHERE follows_story IS NOT NULL
),
-- Every story up each linked story's links; UNION, not UNION ALL, so that a loop ends.
up(story_id, ancestor) AS (
    SELECT story_id, follows_story FROM links
    UNION
    SELECT up.story_id, l.follows_story FROM up JOIN links AS l ON l.story_id = up.ancestor
)
SELECT up.story_id,
       any_value(own.follows_story) AS follows_story,
       coalesce(min(up.ancestor) FILTER (WHERE l.story_id IS NULL), min(up.ancestor)) AS thread_id
FROM up
JOIN links AS own ON own.story_id = up.story_id
LEFT JOIN links AS l ON l.story_id = up.ancestor
GROUP BY up.story_id;
COMMENT ON MACRO TABLE story_threads IS 'The stories that follow another, each with the story it follows and its thread (the first story up its follows_story links): FROM story_threads(). A story that follows none is the first of its own thread.';

-- CREATE OR REPLACE VIEW drops the view's comments: all of them again.
CREATE OR REPLACE VIEW stories AS
WITH members AS (
    SELECT s.story_id, a.title,
           coalesce(a.published_at, a.loaded_at) AS seen_at,
           CASE WHEN a.canonical_url LIKE 'http%' THEN regexp_extract(a.canonical_url, '^https?://([^/]+)', 1)
                ELSE a.source END AS outlet
    FROM story_articles AS s
    JOIN articles AS a ON a.article_id = s.article_id
)
-- Each story's articles summed up first, then its link and thread joined to that one row.
SELECT g.*, t.follows_story, coalesce(t.thread_id, g.story_id) AS thread_id
FROM (
    SELECT story_id,
           arg_min(title, seen_at) AS title,
           min(seen_at) AS first_seen,
           max(seen_at) AS last_seen,
           count(*) AS article_count,
           count(DISTINCT outlet) AS outlet_count,
           list(DISTINCT outlet ORDER BY outlet) AS outlets
    FROM members
    GROUP BY story_id
) AS g
LEFT JOIN story_threads() AS t ON t.story_id = g.story_id;

COMMENT ON VIEW stories IS 'One row per story: its title (from its earliest article), time span, size, outlets, and the story it follows and its thread.';
COMMENT ON COLUMN stories.story_id IS 'The story: the id of its first article.';
COMMENT ON COLUMN stories.title IS 'Title of its earliest article.';
COMMENT ON COLUMN stories.first_seen IS 'Earliest publication (or load) time of its articles.';
COMMENT ON COLUMN stories.last_seen IS 'Latest publication (or load) time of its articles.';
COMMENT ON COLUMN stories.article_count IS 'Articles in the story, near-copies included (exact copies are documents, not articles).';
COMMENT ON COLUMN stories.outlet_count IS 'Distinct outlets (web host, or source name for files).';
COMMENT ON COLUMN stories.outlets IS 'The outlets, sorted.';
COMMENT ON COLUMN stories.follows_story IS 'The earlier story this one follows (story_articles.follows_story of its first article): a follow-up too long after that story to join it, such as a relief fund two days after a flood. NULL when it follows none.';
COMMENT ON COLUMN stories.thread_id IS 'Its thread: the first story up its follows_story links (its own id when it follows none). A happening reported for days is several stories of one thread, as newsetl stories --thread shows them: GROUP BY thread_id.';
