-- 024: story evidence keeps the results written in a headline or lead (a game's score, a vote's tally: "4-3"
-- is tally:4-3; transform/story_evidence.py): the data dictionary says so. Rows stored before have none until
-- `newsetl reprocess` rebuilds them.
COMMENT ON COLUMN story_features.facts IS 'Numeric facts (pct:, money:, date: keys, read in English, German and Chinese forms), plain counts (num:), measures with their unit (qty:km:, qty:mi:, qty:m:, qty:t:, qty:ha:, qty:acre:, qty:kg:, qty:mph:, qty:km/h:) and results written in the headline or lead (tally:4-3, the larger number first): what paraphrases keep.';
