-- Shards (src/db/shards/, docs/storage.md "Shards"). Every shard applies every migration.
-- organization_shards: the directory, which shard each organization lives on (and how many moves it made:
-- cursors bind that); read and written in DB only.
-- segment_retirements: global segments a catalog admin's delete has retired while it checks every
-- shard; the member visibility rule (src/db/segments/integrity.ts, visibleSegmentSql) now skips them,
-- so its two triggers are rebuilt, and then the canonical-document triggers, which must stay the newest
-- (SQLite fires the newest first: a bad document aborts even when a member is missing).
CREATE TABLE `organization_shards` (
	`organization_id` integer PRIMARY KEY NOT NULL,
	`shard` text NOT NULL,
	`state` text DEFAULT 'active' NOT NULL,
	`moving_to` text,
	`previous_shard` text,
	`placed_at` text NOT NULL,
	`changed_at` text NOT NULL,
	`moves` integer DEFAULT 0 NOT NULL,
	CONSTRAINT "organization_shards_state_check" CHECK("organization_shards"."state" IN ('active', 'moving'))
);
--> statement-breakpoint
CREATE INDEX `organization_shards_shard_idx` ON `organization_shards` (`shard`);--> statement-breakpoint
CREATE TABLE `segment_retirements` (
	`segment_type` text NOT NULL,
	`segment_id` integer NOT NULL,
	`retired_at` text NOT NULL,
	PRIMARY KEY(`segment_type`, `segment_id`)
);--> statement-breakpoint
DROP TRIGGER `segment_groups_members_visible_insert`;--> statement-breakpoint
DROP TRIGGER `segment_groups_members_visible_update`;--> statement-breakpoint
DROP TRIGGER `segment_groups_subgroups_canonical_insert`;--> statement-breakpoint
DROP TRIGGER `segment_groups_subgroups_canonical_update`;--> statement-breakpoint
CREATE TRIGGER `segment_groups_members_visible_insert` BEFORE INSERT ON `segment_groups`
WHEN EXISTS (SELECT 1 FROM json_each(NEW.`subgroups`) AS s, json_each(s.value, '$.segment_members') AS m
	WHERE NOT EXISTS (SELECT 1 FROM `segments` AS c WHERE c.segment_type = m.value ->> '$.segment_type' AND c.segment_id = m.value ->> '$.segment_id' AND c.owner_scope IN (0, NEW.`organization_id`) AND NOT (c.owner_scope = 0 AND EXISTS (SELECT 1 FROM `segment_retirements` AS retired WHERE retired.segment_type = c.segment_type AND retired.segment_id = c.segment_id))))
BEGIN
	SELECT RAISE(IGNORE);
END;--> statement-breakpoint
CREATE TRIGGER `segment_groups_members_visible_update` BEFORE UPDATE OF `subgroups`, `organization_id` ON `segment_groups`
WHEN (OLD.`subgroups` IS NOT NEW.`subgroups` OR OLD.`organization_id` IS NOT NEW.`organization_id`)
	AND EXISTS (SELECT 1 FROM json_each(NEW.`subgroups`) AS s, json_each(s.value, '$.segment_members') AS m
	WHERE NOT EXISTS (SELECT 1 FROM `segments` AS c WHERE c.segment_type = m.value ->> '$.segment_type' AND c.segment_id = m.value ->> '$.segment_id' AND c.owner_scope IN (0, NEW.`organization_id`) AND NOT (c.owner_scope = 0 AND EXISTS (SELECT 1 FROM `segment_retirements` AS retired WHERE retired.segment_type = c.segment_type AND retired.segment_id = c.segment_id))))
BEGIN
	SELECT RAISE(IGNORE);
END;--> statement-breakpoint
CREATE TRIGGER `segment_groups_subgroups_canonical_insert` BEFORE INSERT ON `segment_groups`
WHEN NEW.`subgroups` IS NOT (SELECT json_group_array(json_object('segment_operator', CAST(s.value ->> '$.segment_operator' AS TEXT),
    'exclude', json(CASE json_type(s.value, '$.exclude') WHEN 'true' THEN 'true' ELSE 'false' END), 'segment_members', (SELECT json_group_array(json_object('segment_id', CAST(m.value ->> '$.segment_id' AS INTEGER), 'segment_type', CAST(m.value ->> '$.segment_type' AS TEXT)))
    FROM json_each(s.value, '$.segment_members') AS m)))
  FROM json_each(NEW.`subgroups`) AS s)
BEGIN
	SELECT RAISE(ABORT, 'segment_groups.subgroups must be canonical JSON, as src/db/segment-groups/document.ts writes it');
END;--> statement-breakpoint
CREATE TRIGGER `segment_groups_subgroups_canonical_update` BEFORE UPDATE OF `subgroups` ON `segment_groups`
WHEN OLD.`subgroups` IS NOT NEW.`subgroups` AND NEW.`subgroups` IS NOT (SELECT json_group_array(json_object('segment_operator', CAST(s.value ->> '$.segment_operator' AS TEXT),
    'exclude', json(CASE json_type(s.value, '$.exclude') WHEN 'true' THEN 'true' ELSE 'false' END), 'segment_members', (SELECT json_group_array(json_object('segment_id', CAST(m.value ->> '$.segment_id' AS INTEGER), 'segment_type', CAST(m.value ->> '$.segment_type' AS TEXT)))
    FROM json_each(s.value, '$.segment_members') AS m)))
  FROM json_each(NEW.`subgroups`) AS s)
BEGIN
	SELECT RAISE(ABORT, 'segment_groups.subgroups must be canonical JSON, as src/db/segment-groups/document.ts writes it');
END;
