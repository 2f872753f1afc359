-- 018: an article's sentence embedding, kept where the run made one (NEWSETL_STORY_EMBEDDINGS): later
-- runs compare their new articles with the stored candidates' vectors instead of running the model again.

ALTER TABLE story_features ADD COLUMN meaning BLOB;
COMMENT ON COLUMN story_features.meaning IS 'The sentence embedding of the title and the body''s first words (all-MiniLM-L6-v2, 384 signed bytes: the unit vector times 127), when NEWSETL_STORY_EMBEDDINGS was on; NULL otherwise. Story evidence for reports of one event worded differently.';
