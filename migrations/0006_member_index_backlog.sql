-- The reverse index leaves the write path (docs/storage.md, "The index backlog"). A write no
-- longer inserts one index row per member (a B-tree write into a different leaf page each);
-- its triggers queue the group here instead, one row, and the index catches up in merges that
-- insert many groups' members at once, sorted, so each leaf page is written once per merge.
-- Until then every reader of the index also looks at the groups queued here (their documents
-- are the truth), so no answer ever lags a write.
--
-- Written by hand (drizzle-kit cannot express triggers); a new table and new triggers, no
-- rebuild, so it is correct with foreign keys ON, as D1 always runs. The index is complete
-- when this runs (0002's triggers kept it), so the backlog starts empty.
CREATE TABLE `segment_group_index_backlog` (
	`seq` integer PRIMARY KEY NOT NULL,
	`group_id` text NOT NULL,
	`members` integer NOT NULL,
	`members_through` integer NOT NULL,
	`indexed_subgroups` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `segment_group_index_backlog_group_idx` ON `segment_group_index_backlog` (`group_id`);
--> statement-breakpoint
DROP TRIGGER `segment_groups_members_insert`;--> statement-breakpoint
DROP TRIGGER `segment_groups_members_update`;--> statement-breakpoint
DROP TRIGGER `segment_groups_members_delete`;--> statement-breakpoint
-- The index's foreign key to the catalog now only acts at merges, so these keep its promise at
-- write time, and more: a document is stored only if every member names a catalog segment
-- visible to the group's organization (global, or its own). RAISE(IGNORE) skips the row, so
-- the API's guarded INSERT or UPDATE just changes nothing and its batch then says which
-- members are missing. It is the write's one catalog check.
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
-- `members` along the queue, so the backlog's size is read from its two ends.
CREATE TRIGGER `segment_groups_backlog_insert` AFTER INSERT ON `segment_groups` BEGIN
	INSERT OR IGNORE INTO `segment_group_index_backlog` (`group_id`, `members`, `members_through`, `indexed_subgroups`)
	VALUES (NEW.`id`, NEW.`member_count`,
		NEW.`member_count` + coalesce((SELECT `members_through` FROM `segment_group_index_backlog` ORDER BY `seq` DESC LIMIT 1), 0), NULL);
END;--> statement-breakpoint
CREATE TRIGGER `segment_groups_backlog_update` AFTER UPDATE OF `subgroups` ON `segment_groups`
WHEN OLD.`subgroups` IS NOT NEW.`subgroups` BEGIN
	INSERT OR IGNORE INTO `segment_group_index_backlog` (`group_id`, `members`, `members_through`, `indexed_subgroups`)
	VALUES (NEW.`id`, OLD.`member_count` + NEW.`member_count`,
		OLD.`member_count` + NEW.`member_count` + coalesce((SELECT `members_through` FROM `segment_group_index_backlog` ORDER BY `seq` DESC LIMIT 1), 0),
		OLD.`subgroups`);
END;--> statement-breakpoint
CREATE TRIGGER `segment_groups_backlog_delete` AFTER DELETE ON `segment_groups` BEGIN
	INSERT OR IGNORE INTO `segment_group_index_backlog` (`group_id`, `members`, `members_through`, `indexed_subgroups`)
	VALUES (OLD.`id`, OLD.`member_count`,
		OLD.`member_count` + coalesce((SELECT `members_through` FROM `segment_group_index_backlog` ORDER BY `seq` DESC LIMIT 1), 0),
		OLD.`subgroups`);
END;
--> statement-breakpoint
-- A segment a queued group's document names (src/db/segment-groups/member-index.ts reads a
-- member as this exact text) cannot leave the catalog; indexed groups are the foreign key's.
CREATE TRIGGER `segments_in_use_by_backlog` BEFORE DELETE ON `segments`
WHEN EXISTS (SELECT 1 FROM `segment_group_index_backlog` AS b CROSS JOIN `segment_groups` AS g ON g.`id` = b.`group_id`
	WHERE instr(g.`subgroups`, '{"segment_id":' || OLD.`segment_id` || ',"segment_type":"' || OLD.`segment_type` || '"}') > 0)
BEGIN
	SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: a queued segment group uses this segment');
END;
