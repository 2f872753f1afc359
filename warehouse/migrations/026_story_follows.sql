-- 026: a story that follows another: its first report shares an earlier story's evidence as a join's
-- would, but came too long after that story's reports to join it (transform/stories.py,
-- StoryAssignment.follows): a relief fund two days after the flood, a verdict after the trial's opening.
-- Rows stored before hold NULL (not known) until `newsetl reprocess` rebuilds them.
ALTER TABLE story_articles ADD COLUMN IF NOT EXISTS follows_story VARCHAR;
COMMENT ON COLUMN story_articles.follows_story IS 'The earlier story this article''s story follows: the article started its story, but its evidence met that story''s as a join''s would, had the score not faded with time apart (StoryRules.full_strength, faded_by): a follow-up, such as a relief fund two days after a flood. NULL otherwise, and for rows stored before migration 026.';
