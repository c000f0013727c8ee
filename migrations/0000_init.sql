CREATE TABLE `segment_groups` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` integer NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`status` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "segment_groups_type_check" CHECK("segment_groups"."type" IN ('CONTEXTUAL', 'AUDIENCE')),
	CONSTRAINT "segment_groups_status_check" CHECK("segment_groups"."status" IN (0, 1))
);
--> statement-breakpoint
CREATE INDEX `segment_groups_organization_created_idx` ON `segment_groups` (`organization_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `segment_subgroup_members` (
	`group_id` text NOT NULL,
	`subgroup_position` integer NOT NULL,
	`position` integer NOT NULL,
	`segment_type` text NOT NULL,
	`segment_id` integer NOT NULL,
	PRIMARY KEY(`group_id`, `subgroup_position`, `position`),
	FOREIGN KEY (`group_id`,`subgroup_position`) REFERENCES `segment_subgroups`(`group_id`,`position`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`segment_type`,`segment_id`) REFERENCES `segments`(`segment_type`,`segment_id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `segment_subgroup_members_segment_idx` ON `segment_subgroup_members` (`segment_type`,`segment_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `segment_subgroup_members_once_per_subgroup` ON `segment_subgroup_members` (`group_id`,`subgroup_position`,`segment_type`,`segment_id`);--> statement-breakpoint
CREATE TABLE `segment_subgroups` (
	`group_id` text NOT NULL,
	`position` integer NOT NULL,
	`segment_operator` text NOT NULL,
	PRIMARY KEY(`group_id`, `position`),
	FOREIGN KEY (`group_id`) REFERENCES `segment_groups`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "segment_subgroups_operator_check" CHECK("segment_subgroups"."segment_operator" IN ('AND', 'OR'))
);
--> statement-breakpoint
CREATE TABLE `segments` (
	`segment_type` text NOT NULL,
	`segment_id` integer NOT NULL,
	`name` text NOT NULL,
	`organization_id` integer,
	`revision` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`segment_type`, `segment_id`),
	CONSTRAINT "segments_type_check" CHECK("segments"."segment_type" IN ('CONTEXTUAL', '3P'))
);
--> statement-breakpoint
CREATE INDEX `segments_organization_idx` ON `segments` (`organization_id`);