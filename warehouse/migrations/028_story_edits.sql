-- 028: an analyst's corrections of stories. `newsetl split-story` takes articles out of their story into a
-- story of their own, `newsetl merge-stories` moves stories into the oldest of them (warehouse/
-- story_edits.py). Each edit records `split_from` or `merged_into` rows in story_changes under its own id,
-- and marks the articles it placed without a match of their own. Later runs read stories from
-- story_articles, so they build on the corrected stories.
ALTER TABLE story_articles ADD COLUMN IF NOT EXISTS placed_by VARCHAR;
COMMENT ON COLUMN story_articles.placed_by IS 'split or merge: an analyst''s edit (newsetl split-story, merge-stories) placed the article in this story, away from the article it had matched (matched_article_id is then NULL); story_changes holds the edit. NULL for an article a run placed.';
COMMENT ON COLUMN story_changes.run_id IS 'The run that made the change (runs.run_id, the Prefect flow run id), or an analyst''s edit (edit-<uuid>: newsetl split-story, merge-stories).';
COMMENT ON COLUMN story_changes.change IS 'created (the run started the story), grew (articles joined a story started by an earlier run), merged_into (an analyst moved the story''s articles into other_story_id, the oldest story of the merge) or split_from (an analyst cut the story out of other_story_id). A run only creates and grows stories: see transform/story_changes.py.';
COMMENT ON COLUMN story_articles.matched_article_id IS 'The article of the story it matched best; NULL for the article that started the story, and for one an analyst''s edit placed (placed_by).';
