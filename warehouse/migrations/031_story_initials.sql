-- 031: a name's initials made from its full name ("People's Bank of China" gives "pboc") are stored marked
-- ("~pboc"), so they meet initials another report writes ("PBOC") and not the same initials made from the
-- same name: two reports quoting "Marcus Lee of Orbis Insight" share its four words, and no longer its
-- initials too (transform/stories.py, shared_names). Rows stored before keep their initials unmarked and
-- are judged as before, until `newsetl reprocess` rebuilds them. Only the column's comment changes.
COMMENT ON COLUMN story_features.names IS 'Words of proper names beyond the watch list (people, places, organisations, products), casefolded; weighed by how rare they are in the window. Initials made from a name written in full are marked with a leading ~ ("~pboc" from "People''s Bank of China"): they meet initials another article writes, not the same initials made from the same name. Rows stored before migration 031 keep them unmarked.';
