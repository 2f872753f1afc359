-- 009: the data dictionary keeps its promise. Every table, view and column of the warehouse carries a
-- comment, and data_dictionary shows the comments of views too (it showed table comments only).
-- CREATE OR REPLACE VIEW drops a view's comments: a later migration that replaces a view comments it again
-- (tests/warehouse/test_data_dictionary.py fails on any table, view or column without one).

CREATE OR REPLACE VIEW data_dictionary AS
SELECT c.table_name, c.column_name, c.data_type, c.comment,
       coalesce(t.comment, v.comment) AS table_comment,
       CASE WHEN v.view_name IS NULL THEN 'table' ELSE 'view' END AS table_type
FROM duckdb_columns() AS c
LEFT JOIN duckdb_tables() AS t
    ON t.database_name = c.database_name AND t.schema_name = c.schema_name AND t.table_name = c.table_name
LEFT JOIN duckdb_views() AS v
    ON v.database_name = c.database_name AND v.schema_name = c.schema_name AND v.view_name = c.table_name
WHERE c.schema_name = 'main' AND c.database_name = current_database() AND NOT c.internal
ORDER BY c.table_name, c.column_index;
COMMENT ON VIEW data_dictionary IS 'Every column of every table and view with its type and comment, and the comment of its table or view: FROM data_dictionary WHERE table_name = ''articles''.';
COMMENT ON COLUMN data_dictionary.table_name IS 'The table or view.';
COMMENT ON COLUMN data_dictionary.column_name IS 'The column.';
COMMENT ON COLUMN data_dictionary.data_type IS 'The column''s DuckDB type.';
COMMENT ON COLUMN data_dictionary.comment IS 'What the column holds.';
COMMENT ON COLUMN data_dictionary.table_comment IS 'What one row of the table or view is.';
COMMENT ON COLUMN data_dictionary.table_type IS 'table or view.';

-- The bookkeeping of migrations (created by warehouse.connection.migrate before the first migration).
COMMENT ON TABLE schema_version IS 'Which schema migrations (warehouse/migrations/NNN_name.sql) this file has applied, and when.';
COMMENT ON COLUMN schema_version.version IS 'The migration''s number (NNN); the highest is the file''s schema version.';
COMMENT ON COLUMN schema_version.name IS 'The migration''s name.';
COMMENT ON COLUMN schema_version.applied_at IS 'When the migration was applied to this file.';

-- runs
COMMENT ON COLUMN runs.run_id IS 'newsetl''s id of the run; every row a run wrote carries it.';
COMMENT ON COLUMN runs.started_at IS 'When the run started.';
COMMENT ON COLUMN runs.finished_at IS 'When the run ended; NULL while it runs (or when it died).';

-- raw_documents
COMMENT ON COLUMN raw_documents.fetched_at IS 'When the document was read (files) or fetched (web pages), in UTC.';
COMMENT ON COLUMN raw_documents.content_type IS 'Media type: text/plain, text/html, application/json, or what the server sent.';
COMMENT ON COLUMN raw_documents.size_bytes IS 'Size of the raw bytes as read, before any compression for storage.';
COMMENT ON COLUMN raw_documents.etag IS 'ETag the server sent with the page (web documents only).';
COMMENT ON COLUMN raw_documents.last_modified IS 'Last-Modified the server sent with the page (web documents only).';

-- articles
COMMENT ON COLUMN articles.uri IS 'Where the article''s document was read or fetched (see raw_documents.uri).';
COMMENT ON COLUMN articles.source IS 'Name of the source: files for ingested files, the [[sources]] name for web sources.';
COMMENT ON COLUMN articles.title IS 'The cleaned title; NULL when the document had none.';
COMMENT ON COLUMN articles.language IS 'Language code: from the page when it says, else guessed (zh, en); NULL when unknown.';
COMMENT ON COLUMN articles.word_count IS 'Words in the cleaned body: runs of letters and digits (a run of Chinese characters counts as one).';
COMMENT ON COLUMN articles.loaded_at IS 'When the article was loaded, in UTC.';
COMMENT ON COLUMN articles.run_id IS 'The run that loaded the article.';

-- cleaning_changes
COMMENT ON COLUMN cleaning_changes.article_id IS 'The article cleaned.';
COMMENT ON COLUMN cleaning_changes.step IS 'The cleaning step (transform.cleaning.STEPS): fix_unicode, drop_boilerplate_lines, move_bylines, split_glued_sentences, ...';

-- document_duplicates
COMMENT ON COLUMN document_duplicates.doc_id IS 'The raw document that repeats an article.';
COMMENT ON COLUMN document_duplicates.uri IS 'Where that document was read or fetched.';
COMMENT ON COLUMN document_duplicates.article_id IS 'The stored article it repeats.';
COMMENT ON COLUMN document_duplicates.detected_at IS 'When the copy was found.';
COMMENT ON COLUMN document_duplicates.run_id IS 'The run that found it.';

-- rejects
COMMENT ON COLUMN rejects.uri IS 'The document or path that failed.';
COMMENT ON COLUMN rejects.reason IS 'What went wrong, in words (the exception''s message).';
COMMENT ON COLUMN rejects.rejected_at IS 'When it was rejected.';
COMMENT ON COLUMN rejects.run_id IS 'The run that rejected it.';

-- dedup_schemes, article_signatures, lsh_bands, near_duplicates
COMMENT ON COLUMN dedup_schemes.scheme_id IS 'Id of the scheme, derived from its parameters.';
COMMENT ON COLUMN dedup_schemes.num_perm IS 'MinHash permutations: the length of each signature.';
COMMENT ON COLUMN dedup_schemes.bands IS 'LSH bands the signature is cut into; two articles sharing one band are compared.';
COMMENT ON COLUMN dedup_schemes.shingle_words IS 'Words per shingle (word n-gram) hashed into the signature.';
COMMENT ON COLUMN dedup_schemes.seed IS 'Seed of the hash permutations.';
COMMENT ON COLUMN dedup_schemes.created_at IS 'When the scheme was first used in this warehouse.';
COMMENT ON COLUMN article_signatures.article_id IS 'The article.';
COMMENT ON COLUMN article_signatures.scheme_id IS 'The scheme the signature was made with (dedup_schemes).';
COMMENT ON COLUMN article_signatures.signature IS 'The MinHash signature: num_perm minimum hashes of the body''s shingles.';
COMMENT ON COLUMN lsh_bands.scheme_id IS 'The scheme of the signature (dedup_schemes).';
COMMENT ON COLUMN lsh_bands.band_key IS 'Hash of one band of the signature.';
COMMENT ON COLUMN lsh_bands.article_id IS 'The article whose signature has this band.';
COMMENT ON COLUMN near_duplicates.article_id IS 'The near-copy.';
COMMENT ON COLUMN near_duplicates.group_id IS 'Its near-duplicate group: the group''s first article.';
COMMENT ON COLUMN near_duplicates.matched_article_id IS 'The earlier article it was found to copy.';
COMMENT ON COLUMN near_duplicates.scheme_id IS 'The signature scheme used (dedup_schemes).';
COMMENT ON COLUMN near_duplicates.detected_at IS 'When the copy was found.';
COMMENT ON COLUMN near_duplicates.run_id IS 'The run that found it.';

-- story_features, story_articles
COMMENT ON COLUMN story_features.article_id IS 'The article.';
COMMENT ON COLUMN story_features.entities IS 'Watched entities the article names (Alibaba, Qwen, Apple, ...).';
COMMENT ON COLUMN story_features.terms IS 'Top terms of the article with their weight (sublinear term frequency).';
COMMENT ON COLUMN story_articles.article_id IS 'The article.';
COMMENT ON COLUMN story_articles.story_id IS 'Its story: the id of the story''s first article.';
COMMENT ON COLUMN story_articles.matched_article_id IS 'The article of the story it matched best; NULL for the article that started the story.';
COMMENT ON COLUMN story_articles.joined_at IS 'When it joined the story.';
COMMENT ON COLUMN story_articles.run_id IS 'The run that assigned it.';

-- http_cache, off_topic_documents
COMMENT ON COLUMN http_cache.url IS 'The URL asked for.';
COMMENT ON COLUMN http_cache.etag IS 'ETag of the last answer, sent back as If-None-Match.';
COMMENT ON COLUMN http_cache.last_modified IS 'Last-Modified of the last answer, sent back as If-Modified-Since.';
COMMENT ON COLUMN http_cache.status IS 'HTTP status of the last answer (304 when it had not changed).';
COMMENT ON COLUMN http_cache.fetched_at IS 'When the URL was last fetched.';
COMMENT ON COLUMN http_cache.run_id IS 'The run that last fetched it.';
COMMENT ON COLUMN off_topic_documents.doc_id IS 'The raw document set aside (kept in raw_documents).';
COMMENT ON COLUMN off_topic_documents.uri IS 'Where it was fetched.';
COMMENT ON COLUMN off_topic_documents.source IS 'The source whose topic rule it did not match.';
COMMENT ON COLUMN off_topic_documents.reason IS 'Why: the rule''s missing group ("no mention of AI") or the excluding term.';
COMMENT ON COLUMN off_topic_documents.decided_at IS 'When it was set aside.';
COMMENT ON COLUMN off_topic_documents.run_id IS 'The run that set it aside.';

-- article_versions
COMMENT ON COLUMN article_versions.article_id IS 'The article.';
COMMENT ON COLUMN article_versions.version IS 'Version number, from 1.';
COMMENT ON COLUMN article_versions.doc_id IS 'The raw document this version was made from.';
COMMENT ON COLUMN article_versions.title IS 'The cleaned title of this version.';
COMMENT ON COLUMN article_versions.body IS 'The cleaned body of this version.';
COMMENT ON COLUMN article_versions.body_hash IS 'sha256 of this version''s body normalised for matching.';
COMMENT ON COLUMN article_versions.word_count IS 'Words in this version''s body.';
COMMENT ON COLUMN article_versions.valid_from IS 'When this version was loaded.';
COMMENT ON COLUMN article_versions.run_id IS 'The run that loaded this version.';

-- source_runs, source_alerts
COMMENT ON COLUMN source_runs.run_id IS 'The run.';
COMMENT ON COLUMN source_runs.source IS 'The source (files for ingested files).';
COMMENT ON COLUMN source_runs.source_kind IS 'file, feed, sitemap, listing or url.';
COMMENT ON COLUMN source_runs.finished_at IS 'When the run recorded the figures.';
COMMENT ON COLUMN source_runs.discovered IS 'Article URLs its feeds, sitemaps and listing pages listed (files: files found).';
COMMENT ON COLUMN source_runs.fetched IS 'Article pages fetched (files: documents read).';
COMMENT ON COLUMN source_runs.unchanged IS 'Fetches answered 304 Not Modified.';
COMMENT ON COLUMN source_runs.failed IS 'Fetches (or reads) that failed.';
COMMENT ON COLUMN source_runs.new_articles IS 'Articles the run added from this source.';
COMMENT ON COLUMN source_runs.rejected IS 'Documents of this source the run rejected.';
COMMENT ON COLUMN source_runs.rejects_by_reason IS 'Those rejects counted by reason.';
COMMENT ON COLUMN source_runs.missing_author_share IS 'Share of the run''s new articles from this source without an author; NULL when it added none.';
COMMENT ON COLUMN source_runs.missing_title_share IS 'Share of the run''s new articles from this source without a title; NULL when it added none.';
COMMENT ON COLUMN source_runs.median_body_words IS 'Median body length in words of the run''s new articles from this source; NULL when it added none.';
COMMENT ON COLUMN source_runs.seconds IS 'Seconds the source took in the run.';
COMMENT ON COLUMN source_alerts.run_id IS 'The run that raised the alert.';
COMMENT ON COLUMN source_alerts.source IS 'The source.';
COMMENT ON COLUMN source_alerts.rule IS 'The drift rule that fired: blocked, silent, rejects, body_length or dates.';
COMMENT ON COLUMN source_alerts.message IS 'What happened against the usual figures, for the operator.';
COMMENT ON COLUMN source_alerts.raised_at IS 'When it was raised.';

-- article_sentences, entity_mentions, numeric_facts
COMMENT ON COLUMN article_sentences.article_id IS 'The article.';
COMMENT ON COLUMN article_sentences.sentence_index IS 'Position of the sentence in the body, from 0.';
COMMENT ON COLUMN article_sentences.sentence IS 'The sentence.';
COMMENT ON COLUMN entity_mentions.article_id IS 'The article.';
COMMENT ON COLUMN entity_mentions.entity IS 'The watched entity''s canonical name (Alibaba, Alibaba Cloud, Qwen, Apple, iPhone, ...).';
COMMENT ON COLUMN entity_mentions.sentence_index IS 'The sentence it is in (article_sentences.sentence_index).';
COMMENT ON COLUMN numeric_facts.article_id IS 'The article.';
COMMENT ON COLUMN numeric_facts.sentence_index IS 'The sentence it is in (article_sentences.sentence_index).';
COMMENT ON COLUMN numeric_facts.kind IS 'percent, money or date.';
COMMENT ON COLUMN numeric_facts.fact_text IS 'The fact as written ("8.48 per cent", "HK$2.2 trillion").';
COMMENT ON COLUMN numeric_facts.entity IS 'The watched entity named nearest to the fact in its sentence; NULL when none.';

-- source_line_counts, source_documents_counted, learned_boilerplate
COMMENT ON COLUMN source_line_counts.source IS 'The source.';
COMMENT ON COLUMN source_line_counts.line IS 'A short line, normalised (case-folded, digits and spacing evened out).';
COMMENT ON COLUMN source_line_counts.documents IS 'How many of the source''s documents contain it.';
COMMENT ON COLUMN source_documents_counted.source IS 'The source.';
COMMENT ON COLUMN source_documents_counted.documents IS 'Documents of the source counted so far.';
COMMENT ON COLUMN learned_boilerplate.source IS 'The source whose documents repeat the line.';
COMMENT ON COLUMN learned_boilerplate.line IS 'The line, normalised as in source_line_counts.';
COMMENT ON COLUMN learned_boilerplate.documents IS 'In how many of the source''s documents it was found when learned.';
COMMENT ON COLUMN learned_boilerplate.learned_at IS 'When it was learned; cleaning drops it from the next run on.';

-- Views: what one row is, then each column.
COMMENT ON VIEW document_status IS 'One row per raw document with its outcome: article, version (a new version of a stored article), duplicate, off_topic, rejected, or pending (not processed yet).';
COMMENT ON COLUMN document_status.doc_id IS 'The raw document.';
COMMENT ON COLUMN document_status.uri IS 'Where it was read or fetched.';
COMMENT ON COLUMN document_status.source IS 'Its source.';
COMMENT ON COLUMN document_status.fetched_at IS 'When it was read or fetched.';
COMMENT ON COLUMN document_status.status IS 'article, version, duplicate, off_topic, rejected or pending.';
COMMENT ON COLUMN document_status.article_id IS 'The article it introduced, updated or repeats; NULL otherwise.';
COMMENT ON COLUMN document_status.reason IS 'Why it was rejected or set aside as off topic; NULL otherwise.';

COMMENT ON COLUMN document_dedup.doc_id IS 'The ingested document.';
COMMENT ON COLUMN document_dedup.uri IS 'Where it was read or fetched.';
COMMENT ON COLUMN document_dedup.article_id IS 'Its article (for an exact copy, the article it repeats).';
COMMENT ON COLUMN document_dedup.duplicate_group IS 'Its duplicate group: the first article of the group; exact and near copies share it.';
COMMENT ON COLUMN document_dedup.duplicate_kind IS 'original, exact (same URL or body), near (a near-copy) or version (a newer version of a stored article).';
COMMENT ON COLUMN document_dedup.similarity IS 'Estimated similarity to what it copies: 1.0 for exact copies, NULL for originals and versions.';
COMMENT ON COLUMN document_dedup.story_id IS 'Its article''s story.';

COMMENT ON VIEW unique_articles IS 'One article per duplicate group: the most complete copy (most words), then the cleanest (fewest cleaning changes), then the first loaded. What analysts count.';
COMMENT ON COLUMN unique_articles.article_id IS 'The article (see articles).';
COMMENT ON COLUMN unique_articles.doc_id IS 'The raw document it was made from.';
COMMENT ON COLUMN unique_articles.uri IS 'Where that document was read or fetched.';
COMMENT ON COLUMN unique_articles.canonical_url IS 'Canonical URL: the exact-dedup key.';
COMMENT ON COLUMN unique_articles.source IS 'Name of the source.';
COMMENT ON COLUMN unique_articles.title IS 'The cleaned title; NULL when the document had none.';
COMMENT ON COLUMN unique_articles.authors IS 'Authors from the page metadata and bylines.';
COMMENT ON COLUMN unique_articles.published_at IS 'Publication time in UTC; NULL when unknown.';
COMMENT ON COLUMN unique_articles.language IS 'Language code (zh, en, ...); NULL when unknown.';
COMMENT ON COLUMN unique_articles.body IS 'The cleaned body text.';
COMMENT ON COLUMN unique_articles.body_hash IS 'sha256 of the body normalised for matching.';
COMMENT ON COLUMN unique_articles.word_count IS 'Words in the cleaned body.';
COMMENT ON COLUMN unique_articles.extractor IS 'What extracted the text.';
COMMENT ON COLUMN unique_articles.loaded_at IS 'When the article was loaded.';
COMMENT ON COLUMN unique_articles.run_id IS 'The run that loaded it.';
COMMENT ON COLUMN unique_articles.cleaning_version IS 'Version of the cleaning rules that produced the body.';
COMMENT ON COLUMN unique_articles.editors IS 'Editors named in the body, moved out of it.';
COMMENT ON COLUMN unique_articles.credits IS 'Photo and source credit lines moved out of the body.';
COMMENT ON COLUMN unique_articles.duplicate_group IS 'The duplicate group it stands for.';
COMMENT ON COLUMN unique_articles.story_id IS 'Its story.';

COMMENT ON VIEW stories IS 'One row per story: its title (from its earliest article), time span, size and outlets.';
COMMENT ON COLUMN stories.story_id IS 'The story: the id of its first article.';
COMMENT ON COLUMN stories.title IS 'Title of its earliest article.';
COMMENT ON COLUMN stories.first_seen IS 'Earliest publication (or load) time of its articles.';
COMMENT ON COLUMN stories.last_seen IS 'Latest publication (or load) time of its articles.';
COMMENT ON COLUMN stories.article_count IS 'Articles in the story, near-copies included (exact copies are documents, not articles).';
COMMENT ON COLUMN stories.outlet_count IS 'Distinct outlets (web host, or source name for files).';
COMMENT ON COLUMN stories.outlets IS 'The outlets, sorted.';

COMMENT ON VIEW current_articles IS 'Each article as it reads now: its latest version''s title and body over the article''s other fields.';
COMMENT ON COLUMN current_articles.article_id IS 'The article.';
COMMENT ON COLUMN current_articles.doc_id IS 'The raw document that introduced it.';
COMMENT ON COLUMN current_articles.uri IS 'Where that document was read or fetched.';
COMMENT ON COLUMN current_articles.canonical_url IS 'Canonical URL.';
COMMENT ON COLUMN current_articles.source IS 'Name of the source.';
COMMENT ON COLUMN current_articles.title IS 'Title of the latest version.';
COMMENT ON COLUMN current_articles.authors IS 'Authors.';
COMMENT ON COLUMN current_articles.published_at IS 'Publication time in UTC; NULL when unknown.';
COMMENT ON COLUMN current_articles.language IS 'Language code; NULL when unknown.';
COMMENT ON COLUMN current_articles.body IS 'Body of the latest version.';
COMMENT ON COLUMN current_articles.body_hash IS 'Normalised body hash of the latest version.';
COMMENT ON COLUMN current_articles.word_count IS 'Words in the latest version''s body.';
COMMENT ON COLUMN current_articles.extractor IS 'What extracted the text.';
COMMENT ON COLUMN current_articles.loaded_at IS 'When the article was first loaded.';
COMMENT ON COLUMN current_articles.run_id IS 'The run that first loaded it.';
COMMENT ON COLUMN current_articles.version IS 'The latest version''s number.';
COMMENT ON COLUMN current_articles.valid_from IS 'When the latest version was loaded.';

COMMENT ON VIEW article_changes IS 'One row per change of an article (version 2 on): when, what changed, the title and size before and after.';
COMMENT ON COLUMN article_changes.article_id IS 'The article.';
COMMENT ON COLUMN article_changes.version IS 'The new version''s number.';
COMMENT ON COLUMN article_changes.changed_at IS 'When the new version was loaded.';
COMMENT ON COLUMN article_changes.change_summary IS 'What changed: title, body length, first changed passage.';
COMMENT ON COLUMN article_changes.title_before IS 'Title of the previous version.';
COMMENT ON COLUMN article_changes.title_after IS 'Title of the new version.';
COMMENT ON COLUMN article_changes.words_before IS 'Words in the previous version''s body.';
COMMENT ON COLUMN article_changes.words_after IS 'Words in the new version''s body.';
COMMENT ON COLUMN article_changes.canonical_url IS 'The article''s canonical URL.';

COMMENT ON VIEW article_lineage IS 'Where each article came from and what made it: source, fetch, extractor, rule versions, the Prefect run.';
COMMENT ON COLUMN article_lineage.article_id IS 'The article.';
COMMENT ON COLUMN article_lineage.title IS 'Its title.';
COMMENT ON COLUMN article_lineage.source IS 'Its source.';
COMMENT ON COLUMN article_lineage.source_kind IS 'file, feed, sitemap, listing or url.';
COMMENT ON COLUMN article_lineage.fetched_at IS 'When its document was read or fetched.';
COMMENT ON COLUMN article_lineage.http_status IS 'HTTP status of the final response (web documents only).';
COMMENT ON COLUMN article_lineage.final_url IS 'Where the document was read, after redirects.';
COMMENT ON COLUMN article_lineage.requested_url IS 'The URL asked for (web documents only).';
COMMENT ON COLUMN article_lineage.extractor IS 'What extracted the text.';
COMMENT ON COLUMN article_lineage.cleaning_version IS 'Version of the cleaning rules.';
COMMENT ON COLUMN article_lineage.dedup_scheme IS 'The near-duplicate signature scheme (dedup_schemes).';
COMMENT ON COLUMN article_lineage.run_id IS 'The run that loaded it.';
COMMENT ON COLUMN article_lineage.flow_run_id IS 'That run''s Prefect flow run id, to open it in the Prefect UI.';

COMMENT ON VIEW source_health IS 'Each source''s latest run beside its usual figures (median of its earlier runs), its status and its alerts; newsetl sources prints it.';
COMMENT ON COLUMN source_health.source IS 'The source.';
COMMENT ON COLUMN source_health.source_kind IS 'file, feed, sitemap, listing or url.';
COMMENT ON COLUMN source_health.last_run IS 'When its latest run recorded its figures.';
COMMENT ON COLUMN source_health.discovered IS 'Latest run: article URLs listed (files: files found).';
COMMENT ON COLUMN source_health.fetched IS 'Latest run: pages fetched (files: documents read).';
COMMENT ON COLUMN source_health.unchanged IS 'Latest run: fetches answered 304 Not Modified.';
COMMENT ON COLUMN source_health.failed IS 'Latest run: fetches or reads that failed.';
COMMENT ON COLUMN source_health.blocked IS 'Latest run: fetches refused by robots.txt or answered 401/403/429.';
COMMENT ON COLUMN source_health.new_articles IS 'Latest run: articles added.';
COMMENT ON COLUMN source_health.usual_new_articles IS 'Median of new_articles over its earlier runs; NULL before a second run.';
COMMENT ON COLUMN source_health.rejected IS 'Latest run: documents rejected.';
COMMENT ON COLUMN source_health.missing_date_share IS 'Latest run: share of new articles without a publication date; NULL when it added none.';
COMMENT ON COLUMN source_health.median_body_words IS 'Latest run: median body length of new articles in words; NULL when it added none.';
COMMENT ON COLUMN source_health.usual_body_words IS 'Median of median_body_words over its earlier runs that added articles.';
COMMENT ON COLUMN source_health.earlier_runs IS 'How many runs came before the latest.';
COMMENT ON COLUMN source_health.status IS 'ok, alert (a drift rule fired in the latest run) or blocked (every fetch refused).';
COMMENT ON COLUMN source_health.alerts IS 'The latest run''s alerts, as rule: message.';

COMMENT ON VIEW articles_per_day IS 'Unique articles per day (publication date, or load date when the source gives none) and source.';
COMMENT ON COLUMN articles_per_day.day IS 'The day (publication date, else load date).';
COMMENT ON COLUMN articles_per_day.source IS 'The source.';
COMMENT ON COLUMN articles_per_day.articles IS 'Unique articles that day from that source.';

COMMENT ON VIEW entity_mentions_per_day IS 'How many unique articles mention each watched entity, and how often, per day.';
COMMENT ON COLUMN entity_mentions_per_day.day IS 'The day (publication date, else load date).';
COMMENT ON COLUMN entity_mentions_per_day.entity IS 'The watched entity.';
COMMENT ON COLUMN entity_mentions_per_day.articles IS 'Unique articles that mention it that day.';
COMMENT ON COLUMN entity_mentions_per_day.mentions IS 'Its mentions in those articles.';

COMMENT ON VIEW story_timeline IS 'Every article of every story in time order, with its outlet: how a story unfolded.';
COMMENT ON COLUMN story_timeline.story_id IS 'The story.';
COMMENT ON COLUMN story_timeline.story_title IS 'The story''s title (its earliest article''s).';
COMMENT ON COLUMN story_timeline.seen_at IS 'The article''s publication time, else its load time.';
COMMENT ON COLUMN story_timeline.title IS 'The article''s title.';
COMMENT ON COLUMN story_timeline.source IS 'The article''s source.';
COMMENT ON COLUMN story_timeline.canonical_url IS 'The article''s canonical URL.';
COMMENT ON COLUMN story_timeline.score IS 'Its evidence score against the story (1.0 for the article that started it).';
