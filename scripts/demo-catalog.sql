-- A small demo catalog for local runs (`npm run dev` loads it after the migrations).
-- Idempotent: rows that already exist, including ones changed through the API, are kept.
-- name_folded is the lower-cased name the `q` filter searches (ASCII names here, so lower() suffices).
-- organization_id NULL = a global segment every organization may use; 301 belongs to org 1234.
INSERT INTO segments (segment_type, segment_id, name, name_folded, organization_id, created_at, updated_at)
SELECT column1, column2, column3, lower(column3), column4, column5, column6 FROM (VALUES
  ('CONTEXTUAL', 101, 'Sports news readers', NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  ('CONTEXTUAL', 102, 'Travel and tourism pages', NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  ('CONTEXTUAL', 103, 'Automotive reviews', NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  ('3P', 201, 'In-market: running shoes', NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  ('3P', 202, 'Frequent flyers', NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  ('3P', 301, 'Org 1234: loyalty members', 1234, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))
WHERE true
ON CONFLICT (segment_type, segment_id, owner_scope) DO NOTHING;
