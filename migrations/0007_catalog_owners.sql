-- Catalog owners (docs/storage.md, "Catalog owners"). Global segments are the platform's; each
-- organization's own segments live in its own key space, so several organizations may each own
-- `3P:501` and no answer tells one organization what another owns. A key is global or private,
-- never both, so a group member resolves to its organization's own segment, else the global one.
--
-- `segments` is rebuilt: its primary key (segment_type, segment_id) becomes the unique key
-- (segment_type, segment_id, owner_scope), owner_scope being 0 for global and the owner
-- otherwise. Nothing refers to `segments` by foreign key (0006 removed the last one), so the
-- copy is safe with foreign keys ON, as D1 always runs; every row keeps its owner. The triggers
-- that read `segments` are dropped first and created again after, from
-- src/db/segments/integrity.ts (test/db/catalog-triggers.test.ts compares them).
DROP TRIGGER `segment_groups_members_visible_insert`;--> statement-breakpoint
DROP TRIGGER `segment_groups_members_visible_update`;--> statement-breakpoint
DROP TRIGGER `segments_in_use_delete`;--> statement-breakpoint
DROP TRIGGER `segments_in_use_update`;--> statement-breakpoint
CREATE TABLE `segments_by_owner` (
	`segment_type` text NOT NULL,
	`segment_id` integer NOT NULL,
	`name` text NOT NULL,
	`name_folded` text DEFAULT '' NOT NULL,
	`organization_id` integer,
	`revision` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`owner_scope` integer GENERATED ALWAYS AS (coalesce(organization_id, 0)) STORED NOT NULL,
	CONSTRAINT "segments_type_check" CHECK("segment_type" IN ('CONTEXTUAL', '3P'))
);
--> statement-breakpoint
INSERT INTO `segments_by_owner` (`segment_type`, `segment_id`, `name`, `name_folded`, `organization_id`, `revision`, `created_at`, `updated_at`)
SELECT `segment_type`, `segment_id`, `name`, `name_folded`, `organization_id`, `revision`, `created_at`, `updated_at` FROM `segments`
ORDER BY `segment_type`, `segment_id`;--> statement-breakpoint
DROP TABLE `segments`;--> statement-breakpoint
ALTER TABLE `segments_by_owner` RENAME TO `segments`;--> statement-breakpoint
CREATE UNIQUE INDEX `segments_key_idx` ON `segments` (`segment_type`,`segment_id`,`owner_scope`);--> statement-breakpoint
CREATE INDEX `segments_organization_key_idx` ON `segments` (`organization_id`,`segment_type`,`segment_id`,`owner_scope`);--> statement-breakpoint
CREATE TRIGGER `segment_groups_members_visible_insert` BEFORE INSERT ON `segment_groups`
WHEN EXISTS (SELECT 1 FROM json_each(NEW.`subgroups`) AS s, json_each(s.value, '$.segment_members') AS m
	WHERE NOT EXISTS (SELECT 1 FROM `segments` AS c WHERE c.segment_type = m.value ->> '$.segment_type' AND c.segment_id = m.value ->> '$.segment_id' AND c.owner_scope IN (0, NEW.`organization_id`)))
BEGIN
	SELECT RAISE(IGNORE);
END;--> statement-breakpoint
CREATE TRIGGER `segment_groups_members_visible_update` BEFORE UPDATE OF `subgroups`, `organization_id` ON `segment_groups`
WHEN (OLD.`subgroups` IS NOT NEW.`subgroups` OR OLD.`organization_id` IS NOT NEW.`organization_id`)
	AND EXISTS (SELECT 1 FROM json_each(NEW.`subgroups`) AS s, json_each(s.value, '$.segment_members') AS m
	WHERE NOT EXISTS (SELECT 1 FROM `segments` AS c WHERE c.segment_type = m.value ->> '$.segment_type' AND c.segment_id = m.value ->> '$.segment_id' AND c.owner_scope IN (0, NEW.`organization_id`)))
BEGIN
	SELECT RAISE(IGNORE);
END;--> statement-breakpoint
CREATE TRIGGER `segments_key_space_insert` BEFORE INSERT ON `segments`
WHEN EXISTS (SELECT 1 FROM `segments` AS c WHERE c.segment_type = NEW.`segment_type` AND c.segment_id = NEW.`segment_id` AND (c.owner_scope = 0) <> (NEW.`organization_id` IS NULL))
BEGIN
	SELECT RAISE(ABORT, 'a segment key is either global or private: this key exists in the other key space');
END;--> statement-breakpoint
CREATE TRIGGER `segments_key_fixed_update` BEFORE UPDATE OF `segment_type`, `segment_id`, `organization_id` ON `segments`
WHEN OLD.`segment_type` IS NOT NEW.`segment_type` OR OLD.`segment_id` IS NOT NEW.`segment_id` OR OLD.`organization_id` IS NOT NEW.`organization_id`
BEGIN
	SELECT RAISE(ABORT, 'a segment''s key and owner never change');
END;--> statement-breakpoint
CREATE TRIGGER `segments_in_use_delete` BEFORE DELETE ON `segments`
WHEN EXISTS (SELECT x.group_key FROM segment_group_members AS x WHERE x.segment_type = OLD.`segment_type` AND x.segment_id = OLD.`segment_id`
      AND x.group_key NOT IN (SELECT group_key FROM segment_group_index_backlog)
      AND (OLD.`organization_id` IS NULL OR EXISTS (SELECT 1 FROM segment_groups AS o WHERE o.index_key = x.group_key AND o.organization_id = OLD.`organization_id`))
    UNION ALL
    SELECT b.group_key FROM segment_group_index_backlog AS b CROSS JOIN segment_groups AS g ON g.index_key = b.group_key
      WHERE (OLD.`organization_id` IS NULL OR g.organization_id = OLD.`organization_id`) AND instr(g.subgroups, '{"segment_id":' || CAST(OLD.`segment_id` AS INTEGER) || ',"segment_type":"' || OLD.`segment_type` || '"}') > 0)
BEGIN
	SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: a segment group uses this segment');
END;
