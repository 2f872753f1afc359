-- 023: story evidence keeps measures apart from counts ("a depth of 18 km" is qty:km:18, "18 crew" num:18;
-- transform/story_evidence.py): the data dictionary says so. Rows stored before keep their keys until
-- `newsetl reprocess` rebuilds them.
COMMENT ON COLUMN story_features.facts IS 'Numeric facts (pct:, money:, date: keys, read in English, German and Chinese forms), plain counts (num:) and measures with their unit (qty:km:, qty:mi:, qty:m:, qty:t:, qty:ha:, qty:acre:, qty:kg:, qty:mph:, qty:km/h:): what paraphrases keep.';
