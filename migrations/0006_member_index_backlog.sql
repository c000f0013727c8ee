-- The reverse index leaves the write path (docs/storage.md, "The reverse index, off the write path"). A write no
-- longer inserts one index row per member (a B-tree write into a different leaf page each);
-- its triggers queue the group here instead, one row, and the index catches up in merges that
-- insert many groups' members at once, sorted, so each leaf page is written once per merge.
-- Until then every reader of the index also looks at the groups queued here (their documents
-- are the truth), so no answer ever lags a write.
--
-- Index rows name their group by a small integer (`index_key`) instead of its 36-character
-- id, and carry no foreign key: triggers keep the catalog's integrity at write time, where a
-- foreign key would be checked again for every row of every merge. Measured in docs/storage.md.
--
-- Written by hand around drizzle-kit's output (it cannot express WITHOUT ROWID, window
-- functions or triggers), and correct with foreign keys ON, as D1 always runs: the index
-- table is rebuilt by copying into a new table before the old one (a child nothing refers
-- to) is dropped; no other table is rebuilt. The backlog starts empty: the index is complete
-- when this runs (0002's triggers kept it).
ALTER TABLE `segment_groups` ADD `index_key` integer;--> statement-breakpoint
-- Existing groups get keys 1, 2, ... in creation order.
UPDATE `segment_groups` SET `index_key` = r.`k`
FROM (SELECT `id`, row_number() OVER (ORDER BY `created_at`, `id`) AS `k` FROM `segment_groups`) AS r
WHERE r.`id` = `segment_groups`.`id`;--> statement-breakpoint
CREATE UNIQUE INDEX `segment_groups_index_key_idx` ON `segment_groups` (`index_key`);--> statement-breakpoint
DROP TRIGGER `segment_groups_members_insert`;--> statement-breakpoint
DROP TRIGGER `segment_groups_members_update`;--> statement-breakpoint
DROP TRIGGER `segment_groups_members_delete`;--> statement-breakpoint
CREATE TABLE `segment_group_members_by_key` (
	`segment_type` text NOT NULL,
	`segment_id` integer NOT NULL,
	`group_key` integer NOT NULL,
	PRIMARY KEY(`segment_type`, `segment_id`, `group_key`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `segment_group_members_by_key` (`segment_type`, `segment_id`, `group_key`)
SELECT m.`segment_type`, m.`segment_id`, g.`index_key`
FROM `segment_group_members` AS m JOIN `segment_groups` AS g ON g.`id` = m.`group_id`
ORDER BY 1, 2, 3;--> statement-breakpoint
DROP TABLE `segment_group_members`;--> statement-breakpoint
ALTER TABLE `segment_group_members_by_key` RENAME TO `segment_group_members`;--> statement-breakpoint
CREATE TABLE `segment_group_index_backlog` (
	`seq` integer PRIMARY KEY NOT NULL,
	`group_key` integer NOT NULL,
	`members` integer NOT NULL,
	`members_through` integer NOT NULL,
	`merging` integer DEFAULT 0 NOT NULL,
	`indexed_subgroups` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `segment_group_index_backlog_group_idx` ON `segment_group_index_backlog` (`group_key`);--> statement-breakpoint
-- Only the rows a merge holds (`merging` = 1, between its first and last statement), so the
-- merge statements of a write that merges nothing read no queue row.
CREATE INDEX `segment_group_index_backlog_merging_idx` ON `segment_group_index_backlog` (`seq`) WHERE "segment_group_index_backlog"."merging" = 1;--> statement-breakpoint
-- A document is stored only if every member names a catalog segment visible to the group's
-- organization (global, or its own). RAISE(IGNORE) skips the row, so the API's guarded INSERT
-- or UPDATE just changes nothing and its batch then says which members are missing. It is the
-- write's one catalog check, made for every writer.
CREATE TRIGGER `segment_groups_members_visible_insert` BEFORE INSERT ON `segment_groups`
WHEN EXISTS (SELECT 1 FROM json_each(NEW.`subgroups`) AS s, json_each(s.value, '$.segment_members') AS m
	WHERE NOT EXISTS (SELECT 1 FROM `segments` AS c
		WHERE c.`segment_type` = m.value ->> '$.segment_type' AND c.`segment_id` = m.value ->> '$.segment_id'
			AND (c.`organization_id` IS NULL OR c.`organization_id` = NEW.`organization_id`)))
BEGIN
	SELECT RAISE(IGNORE);
END;--> statement-breakpoint
CREATE TRIGGER `segment_groups_members_visible_update` BEFORE UPDATE OF `subgroups`, `organization_id` ON `segment_groups`
WHEN (OLD.`subgroups` IS NOT NEW.`subgroups` OR OLD.`organization_id` IS NOT NEW.`organization_id`)
	AND EXISTS (SELECT 1 FROM json_each(NEW.`subgroups`) AS s, json_each(s.value, '$.segment_members') AS m
	WHERE NOT EXISTS (SELECT 1 FROM `segments` AS c
		WHERE c.`segment_type` = m.value ->> '$.segment_type' AND c.`segment_id` = m.value ->> '$.segment_id'
			AND (c.`organization_id` IS NULL OR c.`organization_id` = NEW.`organization_id`)))
BEGIN
	SELECT RAISE(IGNORE);
END;--> statement-breakpoint
-- One backlog row per group whose index rows may differ from its document. `indexed_subgroups`
-- is the document the index holds for it (NULL: none yet), so a merge knows what to remove; a
-- group already queued keeps its first row, whose document is still what the index holds.
-- `members` is the work the row stands for; `members_through` is the running total of
-- `members` along the queue, so the backlog's size is read from its two ends. A group inserted
-- without an `index_key` (the API always sets one) gets the next one here.
CREATE TRIGGER `segment_groups_backlog_insert` AFTER INSERT ON `segment_groups` BEGIN
	UPDATE `segment_groups` SET `index_key` = max(
		coalesce((SELECT max(`index_key`) FROM `segment_groups`), 0),
		coalesce((SELECT max(`group_key`) FROM `segment_group_index_backlog`), 0)) + 1
	WHERE `id` = NEW.`id` AND NEW.`index_key` IS NULL;
	INSERT OR IGNORE INTO `segment_group_index_backlog` (`group_key`, `members`, `members_through`, `indexed_subgroups`)
	VALUES (coalesce(NEW.`index_key`, (SELECT `index_key` FROM `segment_groups` WHERE `id` = NEW.`id`)), NEW.`member_count`,
		NEW.`member_count` + coalesce((SELECT `members_through` FROM `segment_group_index_backlog` ORDER BY `seq` DESC LIMIT 1), 0), NULL);
END;--> statement-breakpoint
CREATE TRIGGER `segment_groups_backlog_update` AFTER UPDATE OF `subgroups` ON `segment_groups`
WHEN OLD.`subgroups` IS NOT NEW.`subgroups` BEGIN
	INSERT OR IGNORE INTO `segment_group_index_backlog` (`group_key`, `members`, `members_through`, `indexed_subgroups`)
	VALUES (NEW.`index_key`, OLD.`member_count` + NEW.`member_count`,
		OLD.`member_count` + NEW.`member_count` + coalesce((SELECT `members_through` FROM `segment_group_index_backlog` ORDER BY `seq` DESC LIMIT 1), 0),
		OLD.`subgroups`);
END;--> statement-breakpoint
CREATE TRIGGER `segment_groups_backlog_delete` AFTER DELETE ON `segment_groups` BEGIN
	INSERT OR IGNORE INTO `segment_group_index_backlog` (`group_key`, `members`, `members_through`, `indexed_subgroups`)
	VALUES (OLD.`index_key`, OLD.`member_count`,
		OLD.`member_count` + coalesce((SELECT `members_through` FROM `segment_group_index_backlog` ORDER BY `seq` DESC LIMIT 1), 0),
		OLD.`subgroups`);
END;--> statement-breakpoint
-- A segment a group uses cannot leave the catalog or change its key: for an indexed group its
-- index rows say so, for a queued one its document (src/db/segment-groups/member-index.ts reads
-- a member as this exact text). The API's own DELETE checks the same first and answers 409.
CREATE TRIGGER `segments_in_use_delete` BEFORE DELETE ON `segments`
WHEN EXISTS (SELECT 1 FROM `segment_group_members` AS x
		WHERE x.`segment_type` = OLD.`segment_type` AND x.`segment_id` = OLD.`segment_id`
			AND x.`group_key` NOT IN (SELECT `group_key` FROM `segment_group_index_backlog`))
	OR EXISTS (SELECT 1 FROM `segment_group_index_backlog` AS b CROSS JOIN `segment_groups` AS g ON g.`index_key` = b.`group_key`
		WHERE instr(g.`subgroups`, '{"segment_id":' || OLD.`segment_id` || ',"segment_type":"' || OLD.`segment_type` || '"}') > 0)
BEGIN
	SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: a segment group uses this segment');
END;--> statement-breakpoint
CREATE TRIGGER `segments_in_use_update` BEFORE UPDATE OF `segment_type`, `segment_id` ON `segments`
WHEN (OLD.`segment_type` IS NOT NEW.`segment_type` OR OLD.`segment_id` IS NOT NEW.`segment_id`) AND (
	EXISTS (SELECT 1 FROM `segment_group_members` AS x
		WHERE x.`segment_type` = OLD.`segment_type` AND x.`segment_id` = OLD.`segment_id`
			AND x.`group_key` NOT IN (SELECT `group_key` FROM `segment_group_index_backlog`))
	OR EXISTS (SELECT 1 FROM `segment_group_index_backlog` AS b CROSS JOIN `segment_groups` AS g ON g.`index_key` = b.`group_key`
		WHERE instr(g.`subgroups`, '{"segment_id":' || OLD.`segment_id` || ',"segment_type":"' || OLD.`segment_type` || '"}') > 0))
BEGIN
	SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: a segment group uses this segment');
END;
