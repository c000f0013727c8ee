-- Storage at the floor (docs/storage.md). A group's subgroups and members become one JSON
-- document on its row, which every read returns as it is; per-member rows remain only as the
-- reverse index (segment_group_members: WITHOUT ROWID, one row per distinct segment of a
-- group), kept in step with the document by the triggers below.
--
-- Written by hand around drizzle-kit's output (it cannot express WITHOUT ROWID or triggers),
-- and correct with foreign keys ON, as D1 always runs: no table is rebuilt, the new table is
-- filled before the old ones go, and the old ones go child first.
CREATE TABLE `segment_group_members` (
	`segment_type` text NOT NULL,
	`segment_id` integer NOT NULL,
	`group_id` text NOT NULL,
	PRIMARY KEY(`segment_type`, `segment_id`, `group_id`),
	FOREIGN KEY (`segment_type`,`segment_id`) REFERENCES `segments`(`segment_type`,`segment_id`) ON UPDATE no action ON DELETE no action
) WITHOUT ROWID;
--> statement-breakpoint
ALTER TABLE `segment_groups` ADD `subgroups` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `segment_groups` ADD `member_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- The document is the source of truth; these keep the reverse index equal to its distinct
-- (segment_type, segment_id) pairs on every insert, change of subgroups and delete. No
-- foreign key from members to groups: ON DELETE CASCADE would need a second, group-first
-- index (another B-tree write per member); the delete trigger finds the rows through the
-- document and the primary key instead.
CREATE TRIGGER `segment_groups_members_insert` AFTER INSERT ON `segment_groups` BEGIN
	INSERT OR IGNORE INTO `segment_group_members` (`segment_type`, `segment_id`, `group_id`)
		SELECT m.value ->> '$.segment_type', m.value ->> '$.segment_id', NEW.`id`
		FROM json_each(NEW.`subgroups`) AS s, json_each(s.value, '$.segment_members') AS m;
END;--> statement-breakpoint
CREATE TRIGGER `segment_groups_members_update` AFTER UPDATE OF `subgroups` ON `segment_groups`
WHEN OLD.`subgroups` IS NOT NEW.`subgroups` BEGIN
	DELETE FROM `segment_group_members` WHERE `group_id` = OLD.`id` AND (`segment_type`, `segment_id`) IN (
		SELECT m.value ->> '$.segment_type', m.value ->> '$.segment_id'
		FROM json_each(OLD.`subgroups`) AS s, json_each(s.value, '$.segment_members') AS m
		EXCEPT
		SELECT m.value ->> '$.segment_type', m.value ->> '$.segment_id'
		FROM json_each(NEW.`subgroups`) AS s, json_each(s.value, '$.segment_members') AS m
	);
	INSERT OR IGNORE INTO `segment_group_members` (`segment_type`, `segment_id`, `group_id`)
		SELECT m.value ->> '$.segment_type', m.value ->> '$.segment_id', NEW.`id`
		FROM json_each(NEW.`subgroups`) AS s, json_each(s.value, '$.segment_members') AS m;
END;--> statement-breakpoint
CREATE TRIGGER `segment_groups_members_delete` AFTER DELETE ON `segment_groups` BEGIN
	DELETE FROM `segment_group_members` WHERE `group_id` = OLD.`id` AND (`segment_type`, `segment_id`) IN (
		SELECT m.value ->> '$.segment_type', m.value ->> '$.segment_id'
		FROM json_each(OLD.`subgroups`) AS s, json_each(s.value, '$.segment_members') AS m
	);
END;--> statement-breakpoint
-- Existing groups: their document from the old tables, in position order, with the same keys
-- in the same order as the API has always returned them. The update trigger fills the index.
UPDATE `segment_groups` SET
	`subgroups` = coalesce((
		SELECT json_group_array(json_object(
			'segment_operator', s.`segment_operator`,
			'segment_members', json((
				SELECT json_group_array(json_object('segment_id', m.`segment_id`, 'segment_type', m.`segment_type`) ORDER BY m.`position`)
				FROM `segment_subgroup_members` AS m WHERE m.`group_id` = s.`group_id` AND m.`subgroup_position` = s.`position`
			))
		) ORDER BY s.`position`)
		FROM `segment_subgroups` AS s WHERE s.`group_id` = `segment_groups`.`id`
	), '[]'),
	`member_count` = (SELECT count(*) FROM `segment_subgroup_members` AS m WHERE m.`group_id` = `segment_groups`.`id`);--> statement-breakpoint
DROP TABLE `segment_subgroup_members`;--> statement-breakpoint
DROP TABLE `segment_subgroups`;
