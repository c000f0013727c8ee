DROP INDEX `segment_subgroup_members_segment_idx`;--> statement-breakpoint
CREATE INDEX `segment_subgroup_members_segment_group_idx` ON `segment_subgroup_members` (`segment_type`,`segment_id`,`group_id`);--> statement-breakpoint
DROP INDEX `segments_organization_idx`;--> statement-breakpoint
ALTER TABLE `segments` ADD `name_folded` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX `segments_organization_key_idx` ON `segments` (`organization_id`,`segment_type`,`segment_id`);--> statement-breakpoint
ALTER TABLE `segment_groups` ADD `name_folded` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `segment_groups` ADD `etag` text DEFAULT '' NOT NULL;--> statement-breakpoint
-- Backfill for rows written before this migration (appended by hand before it was ever applied):
-- SQLite's lower() folds ASCII only; the Worker folds Unicode on every later write.
UPDATE `segments` SET `name_folded` = lower(`name`);--> statement-breakpoint
UPDATE `segment_groups` SET `name_folded` = lower(`name`), `etag` = lower(hex(randomblob(16)));
