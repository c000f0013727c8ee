-- The change feed and version history (docs/storage.md, "Change feed and history"). Every write of a group
-- adds ONE row to segment_group_changes in its own batch: its position (the rowid: D1 runs one
-- write at a time and SQLite gives a new row the largest rowid + 1, so positions grow in commit
-- order; the purge never deletes the row with the largest rowid, so none is ever reused, without
-- AUTOINCREMENT's extra write to sqlite_sequence per row), who and when, and a copy of the group
-- as stored (NULL for a deletion). The feed reads these rows by
-- organization, the history by group. Rows of a deleted group go when its tombstone is purged
-- (src/db/segment-groups/purge-changes.ts), which moves change_feed_retention.purged_through.
--
-- Written by hand; correct with foreign keys ON: no table is rebuilt and nothing references
-- the new tables.
ALTER TABLE `segment_groups` ADD `created_by` text;--> statement-breakpoint
ALTER TABLE `segment_groups` ADD `updated_by` text;--> statement-breakpoint
CREATE TABLE `segment_group_changes` (
	`position` integer PRIMARY KEY NOT NULL,
	`organization_id` integer NOT NULL,
	`group_id` text NOT NULL,
	`change` text NOT NULL,
	`version` text NOT NULL,
	`changed_at` text NOT NULL,
	`changed_by` text,
	`data` text,
	CONSTRAINT "segment_group_changes_change_check" CHECK(`change` IN ('created', 'updated', 'deleted'))
);
--> statement-breakpoint
-- The feed: an organization's events in commit order.
CREATE INDEX `segment_group_changes_organization_idx` ON `segment_group_changes` (`organization_id`,`position`);--> statement-breakpoint
-- The history: a group's events, newest first; and the purge, which deletes a group's rows.
CREATE INDEX `segment_group_changes_group_idx` ON `segment_group_changes` (`group_id`,`position`);--> statement-breakpoint
-- Only deletions: the purge finds expired tombstones without reading every event.
CREATE INDEX `segment_group_changes_tombstone_idx` ON `segment_group_changes` (`position`) WHERE `change` = 'deleted';--> statement-breakpoint
-- One row: every event at or before `purged_through` whose group was purged is gone, so a feed
-- cursor issued before the purge that points below it may have missed a tombstone (410).
CREATE TABLE `change_feed_retention` (
	`id` integer PRIMARY KEY NOT NULL,
	`purged_through` integer NOT NULL,
	CONSTRAINT "change_feed_retention_single_row" CHECK(`id` = 1)
);
--> statement-breakpoint
INSERT INTO `change_feed_retention` (`id`, `purged_through`) VALUES (1, 0);--> statement-breakpoint
-- Existing groups: who wrote them is unknown (NULL, shown as null). Each gets one event holding
-- its current version, oldest write first, so a consumer reading the feed from the start
-- rebuilds every group, and every group has a history. Keep the object's keys equal to
-- GROUP_COLUMNS (src/db/segment-groups/row.ts), as later writes record them.
INSERT INTO `segment_group_changes` (`organization_id`, `group_id`, `change`, `version`, `changed_at`, `changed_by`, `data`)
	SELECT `organization_id`, `id`, CASE WHEN `created_at` = `updated_at` THEN 'created' ELSE 'updated' END, `etag`, `updated_at`, NULL,
		json_object('id', `id`, 'name', `name`, 'type', `type`, 'organization_id', `organization_id`, 'status', `status`,
			'subgroup_operator', `subgroup_operator`, 'subgroups', `subgroups`, 'member_count', `member_count`, 'created_at', `created_at`, 'updated_at', `updated_at`,
			'etag', `etag`, 'created_by', `created_by`, 'updated_by', `updated_by`)
	FROM `segment_groups` ORDER BY `updated_at`, `id`;
