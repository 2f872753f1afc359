-- 007: the evidence stories are judged on now includes other proper names, the headline's key terms and
-- what kind of article it is (a roundup or a preview joins no story).

ALTER TABLE story_features ADD COLUMN names VARCHAR[];
ALTER TABLE story_features ADD COLUMN headline VARCHAR[];
ALTER TABLE story_features ADD COLUMN kind VARCHAR DEFAULT 'report';
COMMENT ON COLUMN story_features.names IS 'Words of proper names beyond the watch list (people, places, organisations, products), casefolded; weighed by how rare they are in the window.';
COMMENT ON COLUMN story_features.headline IS 'Key terms of the title.';
COMMENT ON COLUMN story_features.kind IS 'report, roundup (deal lists, market wraps, live blogs), preview (of an event to come) or brief (a caption): only reports join stories.';
COMMENT ON COLUMN story_features.facts IS 'Numeric facts (pct:, money:, date: keys, read in English, German and Chinese forms) and plain counts (num:): what paraphrases keep.';
