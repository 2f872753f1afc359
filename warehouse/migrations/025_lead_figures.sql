-- 025: story evidence keeps the figures an article writes in its headline and first three sentences
-- (transform/stories.py, StoryFeatures.lead_figures): a figure both reports write first counts again.
-- Rows stored before have none (NULL) until `newsetl reprocess` rebuilds them; they are judged as before.
ALTER TABLE story_features ADD COLUMN IF NOT EXISTS lead_figures VARCHAR[];
COMMENT ON COLUMN story_features.lead_figures IS 'The facts (keys as in facts) written in the headline and the first three sentences: what a report puts first. Two reports of one event that write a figure there both are judged closer. NULL for rows stored before migration 025.';
