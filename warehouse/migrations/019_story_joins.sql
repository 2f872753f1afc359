-- 019: how an article joined its story, where the rules say so: on content alone because it or the
-- article it matched has no date, or into the story that continues one grown to its size limit.
-- Rows stored before keep NULL (not known).

ALTER TABLE story_articles ADD COLUMN undated BOOLEAN;
COMMENT ON COLUMN story_articles.undated IS 'True when the article or the one it matched has no date: it joined on content alone, needing twice the evidence of a dated pair (StoryRules.undated_evidence). NULL for rows stored before migration 019.';
ALTER TABLE story_articles ADD COLUMN continues_story VARCHAR;
COMMENT ON COLUMN story_articles.continues_story IS 'The story this article''s story continues: the one it matched had reached the size limit in the window (StoryRules.max_story_size, 500), so the article went to the story that takes over from it. NULL otherwise.';
