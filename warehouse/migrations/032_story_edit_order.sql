-- 032: the order in which the analysts made their story edits, as a number. A reprocess makes the edits
-- again in the order they were made; by `made_at` alone, two edits made at one time (a script's, or a
-- test's, sharing its clock) came back in the order of their random ids, and a merge made again before
-- the split it followed names the merged story after another article. Each edit now takes the next
-- number when it is recorded (warehouse/story_edits.py, under the writer's lock); edits recorded before
-- are numbered in the order they were replayed until now.
ALTER TABLE story_edits ADD COLUMN IF NOT EXISTS made_order BIGINT;
UPDATE story_edits AS e
SET made_order = o.n
FROM (SELECT edit_id, row_number() OVER (ORDER BY made_at, edit_id) AS n FROM story_edits) AS o
WHERE e.edit_id = o.edit_id;
COMMENT ON COLUMN story_edits.made_order IS 'The edit''s place among all edits, 1 for the first: a reprocess makes the edits again in this order.';
COMMENT ON COLUMN story_edits.made_at IS 'When the analyst made the edit (edits are made again in the order of made_order).';
