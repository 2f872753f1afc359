-- 029: the articles of each analyst's edit, so that after `newsetl reprocess`, which rebuilds every story
-- under the rules, the edit is made again on the rebuilt stories (warehouse/story_edits.py:
-- `replay_story_edits`). story_changes says which stories an edit changed; story ids do not survive a
-- rebuild, articles do (an article's id is its raw document's). A reprocess marks every edit owed; the run
-- that finishes the rebuild (the reprocess, or the next run when it died) makes the owed edits again.
CREATE TABLE IF NOT EXISTS story_edits (
    edit_id   VARCHAR PRIMARY KEY,
    kind      VARCHAR NOT NULL,
    made_at   TIMESTAMPTZ NOT NULL,
    articles  VARCHAR[],
    owed      BOOLEAN NOT NULL
);
COMMENT ON TABLE story_edits IS 'An analyst''s corrections of stories (newsetl split-story, merge-stories), kept through newsetl reprocess: each is made again on the stories it rebuilds. What each did to the stories of its day is in story_changes under the same id.';
COMMENT ON COLUMN story_edits.edit_id IS 'The edit (edit-<uuid>; story_changes.run_id of its rows).';
COMMENT ON COLUMN story_edits.kind IS 'split (articles taken out of their story into one of their own) or merge (stories moved into one).';
COMMENT ON COLUMN story_edits.made_at IS 'When the analyst made the edit; a reprocess makes the edits again in this order.';
COMMENT ON COLUMN story_edits.owed IS 'true from the moment newsetl reprocess forgets the stories until the edit is made again on the rebuilt ones (or skipped, with the reason in the run''s log and artifact), which the run that leaves no document pending does.';
COMMENT ON COLUMN story_edits.articles IS 'split: the articles the analyst named, parted from the rest of their story. merge: the first article of each story merged (a story''s id is its first article''s). NULL for a split made before schema 29, which did not record its articles.';
-- Edits made before this migration: a merge's stories are in story_changes (their ids are articles' ids);
-- a split recorded only the story it cut out, not the articles that went with it.
INSERT INTO story_edits (edit_id, kind, made_at, articles, owed)
SELECT run_id, 'merge', min(changed_at), list_sort(list_distinct(list(story_id) || list(other_story_id))), false
FROM story_changes WHERE change = 'merged_into' GROUP BY run_id
ON CONFLICT DO NOTHING;
INSERT INTO story_edits (edit_id, kind, made_at, articles, owed)
SELECT run_id, 'split', min(changed_at), NULL, false
FROM story_changes WHERE change = 'split_from' GROUP BY run_id
ON CONFLICT DO NOTHING;
COMMENT ON COLUMN story_changes.run_id IS 'The run that made the change (runs.run_id, the Prefect flow run id), an analyst''s edit (edit-<uuid>: newsetl split-story, merge-stories; see story_edits), or the run that made such an edit again on the stories newsetl reprocess rebuilt (replay-<uuid>).';
