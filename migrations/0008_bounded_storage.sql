-- Bounded storage per organization (docs/storage.md, "Retention and quotas").
--
-- organization_usage: what each organization stores, kept by the triggers below in every
-- write's own transaction, for every writer; the quota guards (src/db/quotas.ts) read one row
-- of it instead of counting, GET /usage one row per organization. Bytes are octet_length of the
-- documents (segment_groups.subgroups) and of the history copies (segment_group_changes.data).
--
-- change_feed_purges: one row per purge that deleted feed rows, with the largest position it
-- deleted; a feed cursor carries the newest id it was issued under, and is 410 exactly when a
-- later purge deleted a row after its position (src/db/segment-groups/purge-log.ts). The
-- tombstone purge's progress stays in change_feed_retention.purged_through; the history purge's
-- scan keeps its place in history_scanned_through.
--
-- Written by drizzle-kit (tables, column), then by hand (triggers, backfill); correct with
-- foreign keys ON: no table is rebuilt and nothing references the new tables.
CREATE TABLE `change_feed_purges` (
	`id` integer PRIMARY KEY NOT NULL,
	`through` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `organization_usage` (
	`organization_id` integer PRIMARY KEY NOT NULL,
	`groups` integer DEFAULT 0 NOT NULL,
	`segments` integer DEFAULT 0 NOT NULL,
	`versions` integer DEFAULT 0 NOT NULL,
	`stored_bytes` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE `change_feed_retention` ADD `history_scanned_through` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- The purges before this migration, as one: a cursor issued under an older purged_through is
-- 410 below it, as it was; the ids of later purges continue from it.
INSERT INTO `change_feed_purges` (`id`, `through`) SELECT `purged_through`, `purged_through` FROM `change_feed_retention` WHERE `purged_through` > 0;--> statement-breakpoint
-- Today's rows, counted once; the triggers keep the counts from here on.
INSERT INTO `organization_usage` (`organization_id`, `groups`, `segments`, `versions`, `stored_bytes`)
	SELECT `organization_id`, sum(`groups`), sum(`segments`), sum(`versions`), sum(`bytes`) FROM (
		SELECT `organization_id`, count(*) AS `groups`, 0 AS `segments`, 0 AS `versions`, sum(octet_length(`subgroups`)) AS `bytes`
			FROM `segment_groups` GROUP BY `organization_id`
		UNION ALL SELECT `organization_id`, 0, count(*), 0, 0 FROM `segments` WHERE `organization_id` IS NOT NULL GROUP BY `organization_id`
		UNION ALL SELECT `organization_id`, 0, 0, count(*), sum(coalesce(octet_length(`data`), 0)) FROM `segment_group_changes` GROUP BY `organization_id`
	) GROUP BY `organization_id`;--> statement-breakpoint
-- Groups and their documents. A create the catalog check skips (RAISE(IGNORE)) fires nothing.
CREATE TRIGGER `segment_groups_usage_insert` AFTER INSERT ON `segment_groups` BEGIN
	INSERT INTO `organization_usage` (`organization_id`, `groups`, `stored_bytes`) VALUES (NEW.`organization_id`, 1, octet_length(NEW.`subgroups`))
	ON CONFLICT (`organization_id`) DO UPDATE SET `groups` = `groups` + 1, `stored_bytes` = `stored_bytes` + excluded.`stored_bytes`;
END;--> statement-breakpoint
CREATE TRIGGER `segment_groups_usage_update` AFTER UPDATE OF `subgroups` ON `segment_groups`
WHEN OLD.`subgroups` IS NOT NEW.`subgroups` AND OLD.`organization_id` IS NEW.`organization_id` BEGIN
	UPDATE `organization_usage` SET `stored_bytes` = `stored_bytes` - octet_length(OLD.`subgroups`) + octet_length(NEW.`subgroups`)
	WHERE `organization_id` = NEW.`organization_id`;
END;--> statement-breakpoint
-- The API never moves a group; a raw writer might.
CREATE TRIGGER `segment_groups_usage_move` AFTER UPDATE OF `organization_id` ON `segment_groups`
WHEN OLD.`organization_id` IS NOT NEW.`organization_id` BEGIN
	UPDATE `organization_usage` SET `groups` = `groups` - 1, `stored_bytes` = `stored_bytes` - octet_length(OLD.`subgroups`)
	WHERE `organization_id` = OLD.`organization_id`;
	INSERT INTO `organization_usage` (`organization_id`, `groups`, `stored_bytes`) VALUES (NEW.`organization_id`, 1, octet_length(NEW.`subgroups`))
	ON CONFLICT (`organization_id`) DO UPDATE SET `groups` = `groups` + 1, `stored_bytes` = `stored_bytes` + excluded.`stored_bytes`;
END;--> statement-breakpoint
CREATE TRIGGER `segment_groups_usage_delete` AFTER DELETE ON `segment_groups` BEGIN
	UPDATE `organization_usage` SET `groups` = `groups` - 1, `stored_bytes` = `stored_bytes` - octet_length(OLD.`subgroups`)
	WHERE `organization_id` = OLD.`organization_id`;
END;--> statement-breakpoint
-- History and feed rows, and their copies of the group.
CREATE TRIGGER `segment_group_changes_usage_insert` AFTER INSERT ON `segment_group_changes` BEGIN
	INSERT INTO `organization_usage` (`organization_id`, `versions`, `stored_bytes`) VALUES (NEW.`organization_id`, 1, coalesce(octet_length(NEW.`data`), 0))
	ON CONFLICT (`organization_id`) DO UPDATE SET `versions` = `versions` + 1, `stored_bytes` = `stored_bytes` + excluded.`stored_bytes`;
END;--> statement-breakpoint
CREATE TRIGGER `segment_group_changes_usage_update` AFTER UPDATE OF `data`, `organization_id` ON `segment_group_changes`
WHEN OLD.`data` IS NOT NEW.`data` OR OLD.`organization_id` IS NOT NEW.`organization_id` BEGIN
	UPDATE `organization_usage` SET `versions` = `versions` - 1, `stored_bytes` = `stored_bytes` - coalesce(octet_length(OLD.`data`), 0)
	WHERE `organization_id` = OLD.`organization_id`;
	INSERT INTO `organization_usage` (`organization_id`, `versions`, `stored_bytes`) VALUES (NEW.`organization_id`, 1, coalesce(octet_length(NEW.`data`), 0))
	ON CONFLICT (`organization_id`) DO UPDATE SET `versions` = `versions` + 1, `stored_bytes` = `stored_bytes` + excluded.`stored_bytes`;
END;--> statement-breakpoint
CREATE TRIGGER `segment_group_changes_usage_delete` AFTER DELETE ON `segment_group_changes` BEGIN
	UPDATE `organization_usage` SET `versions` = `versions` - 1, `stored_bytes` = `stored_bytes` - coalesce(octet_length(OLD.`data`), 0)
	WHERE `organization_id` = OLD.`organization_id`;
END;--> statement-breakpoint
-- Private catalog segments (global ones, organization_id NULL, belong to no organization).
CREATE TRIGGER `segments_usage_insert` AFTER INSERT ON `segments` WHEN NEW.`organization_id` IS NOT NULL BEGIN
	INSERT INTO `organization_usage` (`organization_id`, `segments`) VALUES (NEW.`organization_id`, 1)
	ON CONFLICT (`organization_id`) DO UPDATE SET `segments` = `segments` + 1;
END;--> statement-breakpoint
CREATE TRIGGER `segments_usage_update` AFTER UPDATE OF `organization_id` ON `segments`
WHEN OLD.`organization_id` IS NOT NEW.`organization_id` BEGIN
	UPDATE `organization_usage` SET `segments` = `segments` - 1 WHERE `organization_id` = OLD.`organization_id`;
	INSERT INTO `organization_usage` (`organization_id`, `segments`) SELECT NEW.`organization_id`, 1 WHERE NEW.`organization_id` IS NOT NULL
	ON CONFLICT (`organization_id`) DO UPDATE SET `segments` = `segments` + 1;
END;--> statement-breakpoint
CREATE TRIGGER `segments_usage_delete` AFTER DELETE ON `segments` WHEN OLD.`organization_id` IS NOT NULL BEGIN
	UPDATE `organization_usage` SET `segments` = `segments` - 1 WHERE `organization_id` = OLD.`organization_id`;
END;
