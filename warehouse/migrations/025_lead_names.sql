-- 025: story evidence keeps the full names an article's lead writes (transform/story_evidence.py
-- `lead_names`): two reports whose leads each name someone specific the other never writes (two trials
-- before one judge in one court) are judged apart. Rows stored before have none until `newsetl reprocess`
-- rebuilds them; without them a pair is judged as before.

ALTER TABLE story_features ADD COLUMN lead_names VARCHAR[];
COMMENT ON COLUMN story_features.lead_names IS 'The full names (two words or more, casefolded: "declan furlong") the first two sentences write, each of them among the article''s names; none for German text (every German noun is capitalised) or Chinese, Japanese and Korean text. NULL for rows stored before migration 025.';
