-- The reverse index ordered like the listing (docs/storage.md, "The reverse index, off the write
-- path"): its rows carry the group's organization, keyed (segment_type, segment_id,
-- organization_id, group_key), so one organization's users of a segment are one range in
-- `index_key` order (creation order), and a reverse lookup page reads about a page of index
-- rows however many groups use the segment. The backlog's rows carry the group's organization
-- too (a page reads that organization's queued groups from the cursor through an index), and
-- the organization the index rows of a queued group were written under, so a merge finds them.
--
-- Written by hand around drizzle-kit's output (it cannot express WITHOUT ROWID or triggers),
-- and correct with foreign keys ON, as D1 always runs. Both tables are rebuilt by carrying
-- their rows through a scratch table and creating them again under the same name: the
-- triggers on `segments` (0006) name them, and SQLite refuses to RENAME a table into a name a
-- trigger reads while the old table is gone. Nothing refers to either table by foreign key.
-- Index rows and backlog rows of groups already deleted (queued, waiting for a merge to remove
-- their rows) are not carried: they would only have been removed.
DROP TRIGGER `segment_groups_backlog_insert`;--> statement-breakpoint
DROP TRIGGER `segment_groups_backlog_update`;--> statement-breakpoint
DROP TRIGGER `segment_groups_backlog_delete`;--> statement-breakpoint
CREATE TABLE `segment_group_members_carried` (
	`segment_type` text NOT NULL,
	`segment_id` integer NOT NULL,
	`organization_id` integer NOT NULL,
	`group_key` integer NOT NULL,
	PRIMARY KEY(`segment_type`, `segment_id`, `organization_id`, `group_key`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `segment_group_members_carried` (`segment_type`, `segment_id`, `organization_id`, `group_key`)
SELECT x.`segment_type`, x.`segment_id`, g.`organization_id`, x.`group_key`
FROM `segment_group_members` AS x JOIN `segment_groups` AS g ON g.`index_key` = x.`group_key`
ORDER BY 1, 2, 3, 4;--> statement-breakpoint
DROP TABLE `segment_group_members`;--> statement-breakpoint
CREATE TABLE `segment_group_members` (
	`segment_type` text NOT NULL,
	`segment_id` integer NOT NULL,
	`organization_id` integer NOT NULL,
	`group_key` integer NOT NULL,
	PRIMARY KEY(`segment_type`, `segment_id`, `organization_id`, `group_key`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `segment_group_members` SELECT * FROM `segment_group_members_carried` ORDER BY 1, 2, 3, 4;--> statement-breakpoint
DROP TABLE `segment_group_members_carried`;--> statement-breakpoint
-- A queued group's index rows were written under its organization: the one it has now.
CREATE TABLE `segment_group_index_backlog_carried` AS
SELECT b.`seq`, b.`group_key`, g.`organization_id`, b.`members`, b.`members_through`, b.`merging`, b.`indexed_subgroups`,
	CASE WHEN b.`indexed_subgroups` IS NOT NULL THEN g.`organization_id` END AS `indexed_organization_id`
FROM `segment_group_index_backlog` AS b JOIN `segment_groups` AS g ON g.`index_key` = b.`group_key`;--> statement-breakpoint
DROP TABLE `segment_group_index_backlog`;--> statement-breakpoint
CREATE TABLE `segment_group_index_backlog` (
	`seq` integer PRIMARY KEY NOT NULL,
	`group_key` integer NOT NULL,
	`organization_id` integer NOT NULL,
	`members` integer NOT NULL,
	`members_through` integer NOT NULL,
	`merging` integer DEFAULT 0 NOT NULL,
	`indexed_subgroups` text,
	`indexed_organization_id` integer
);
--> statement-breakpoint
INSERT INTO `segment_group_index_backlog` (`seq`, `group_key`, `organization_id`, `members`, `members_through`, `merging`, `indexed_subgroups`, `indexed_organization_id`)
SELECT `seq`, `group_key`, `organization_id`, `members`, `members_through`, `merging`, `indexed_subgroups`, `indexed_organization_id`
FROM `segment_group_index_backlog_carried` ORDER BY `seq`;--> statement-breakpoint
DROP TABLE `segment_group_index_backlog_carried`;--> statement-breakpoint
CREATE UNIQUE INDEX `segment_group_index_backlog_group_idx` ON `segment_group_index_backlog` (`group_key`);--> statement-breakpoint
CREATE INDEX `segment_group_index_backlog_organization_idx` ON `segment_group_index_backlog` (`organization_id`,`group_key`);--> statement-breakpoint
CREATE INDEX `segment_group_index_backlog_merging_idx` ON `segment_group_index_backlog` (`seq`) WHERE "segment_group_index_backlog"."merging" = 1;--> statement-breakpoint
-- As in 0006, plus the organizations. A group already queued keeps its first row (what the
-- index holds for it is still that row's), except that a move to another organization moves
-- the row too, so the group's new organization finds it. A move queues the group like a change
-- of its subgroups: its index rows must follow it.
CREATE TRIGGER `segment_groups_backlog_insert` AFTER INSERT ON `segment_groups` BEGIN
	UPDATE `segment_groups` SET `index_key` = max(
		coalesce((SELECT max(`index_key`) FROM `segment_groups`), 0),
		coalesce((SELECT max(`group_key`) FROM `segment_group_index_backlog`), 0)) + 1
	WHERE `id` = NEW.`id` AND NEW.`index_key` IS NULL;
	INSERT OR IGNORE INTO `segment_group_index_backlog` (`group_key`, `organization_id`, `members`, `members_through`, `indexed_subgroups`, `indexed_organization_id`)
	VALUES (coalesce(NEW.`index_key`, (SELECT `index_key` FROM `segment_groups` WHERE `id` = NEW.`id`)), NEW.`organization_id`, NEW.`member_count`,
		NEW.`member_count` + coalesce((SELECT `members_through` FROM `segment_group_index_backlog` ORDER BY `seq` DESC LIMIT 1), 0), NULL, NULL);
END;--> statement-breakpoint
CREATE TRIGGER `segment_groups_backlog_update` AFTER UPDATE OF `subgroups`, `organization_id` ON `segment_groups`
WHEN OLD.`subgroups` IS NOT NEW.`subgroups` OR OLD.`organization_id` IS NOT NEW.`organization_id` BEGIN
	INSERT INTO `segment_group_index_backlog` (`group_key`, `organization_id`, `members`, `members_through`, `indexed_subgroups`, `indexed_organization_id`)
	VALUES (NEW.`index_key`, NEW.`organization_id`, OLD.`member_count` + NEW.`member_count`,
		OLD.`member_count` + NEW.`member_count` + coalesce((SELECT `members_through` FROM `segment_group_index_backlog` ORDER BY `seq` DESC LIMIT 1), 0),
		OLD.`subgroups`, OLD.`organization_id`)
	ON CONFLICT (`group_key`) DO UPDATE SET `organization_id` = excluded.`organization_id`
		WHERE `organization_id` IS NOT excluded.`organization_id`;
END;--> statement-breakpoint
CREATE TRIGGER `segment_groups_backlog_delete` AFTER DELETE ON `segment_groups` BEGIN
	INSERT OR IGNORE INTO `segment_group_index_backlog` (`group_key`, `organization_id`, `members`, `members_through`, `indexed_subgroups`, `indexed_organization_id`)
	VALUES (OLD.`index_key`, OLD.`organization_id`, OLD.`member_count`,
		OLD.`member_count` + coalesce((SELECT `members_through` FROM `segment_group_index_backlog` ORDER BY `seq` DESC LIMIT 1), 0),
		OLD.`subgroups`, OLD.`organization_id`);
END;--> statement-breakpoint
-- The catalog's in-use guard reads the index by organization now: a private segment's uses are
-- one range of its owner's index rows (src/db/segments/integrity.ts builds this text).
DROP TRIGGER `segments_in_use_delete`;--> statement-breakpoint
CREATE TRIGGER `segments_in_use_delete` BEFORE DELETE ON `segments`
WHEN EXISTS (SELECT x.group_key FROM segment_group_members AS x WHERE x.segment_type = OLD.`segment_type` AND x.segment_id = OLD.`segment_id` AND (OLD.`organization_id` IS NULL OR x.organization_id = OLD.`organization_id`)
      AND NOT EXISTS (SELECT 1 FROM segment_group_index_backlog AS q WHERE q.group_key = x.group_key)
    UNION ALL
    SELECT b.group_key FROM segment_group_index_backlog AS b CROSS JOIN segment_groups AS g ON g.index_key = b.group_key
      WHERE instr(g.subgroups, '{"segment_id":' || CAST(OLD.`segment_id` AS INTEGER) || ',"segment_type":"' || OLD.`segment_type` || '"}') > 0 AND (OLD.`organization_id` IS NULL OR b.organization_id = OLD.`organization_id`))
BEGIN
	SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: a segment group uses this segment');
END;
