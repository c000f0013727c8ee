-- Theta sketches (docs/storage.md, "Sketches"): one per catalog segment, keyed like it, and the
-- universe's; the counter that versions them; a group's last computed reach. Added by hand below the
-- generated tables: the counter's one row, and the trigger that deletes a sketch with its segment
-- (src/db/sketches/integrity.ts holds its text; test/db/sketch-triggers.test.ts compares them).
CREATE TABLE `group_reach_cache` (
	`group_id` text PRIMARY KEY NOT NULL,
	`etag` text NOT NULL,
	`fingerprint` text NOT NULL,
	`reach` text NOT NULL,
	`computed_at` text NOT NULL,
	FOREIGN KEY (`group_id`) REFERENCES `segment_groups`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `segment_sketches` (
	`segment_type` text NOT NULL,
	`segment_id` integer NOT NULL,
	`owner_scope` integer NOT NULL,
	`estimate` real NOT NULL,
	`lower_bound` real NOT NULL,
	`upper_bound` real NOT NULL,
	`retained_entries` integer NOT NULL,
	`theta` real NOT NULL,
	`lg_k` integer,
	`byte_length` integer NOT NULL,
	`version` integer NOT NULL,
	`revision` integer DEFAULT 1 NOT NULL,
	`updated_at` text NOT NULL,
	`sketch` blob NOT NULL,
	PRIMARY KEY(`segment_type`, `segment_id`, `owner_scope`)
);
--> statement-breakpoint
CREATE TABLE `sketch_counter` (
	`id` integer PRIMARY KEY NOT NULL,
	`last_version` integer NOT NULL,
	CONSTRAINT "sketch_counter_single_row" CHECK("sketch_counter"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE `universe_sketch` (
	`id` integer PRIMARY KEY NOT NULL,
	`estimate` real NOT NULL,
	`lower_bound` real NOT NULL,
	`upper_bound` real NOT NULL,
	`retained_entries` integer NOT NULL,
	`theta` real NOT NULL,
	`lg_k` integer,
	`byte_length` integer NOT NULL,
	`version` integer NOT NULL,
	`revision` integer DEFAULT 1 NOT NULL,
	`updated_at` text NOT NULL,
	`sketch` blob NOT NULL,
	CONSTRAINT "universe_sketch_single_row" CHECK("universe_sketch"."id" = 1)
);
--> statement-breakpoint
INSERT INTO `sketch_counter` (`id`, `last_version`) VALUES (1, 0);--> statement-breakpoint
CREATE TRIGGER `segments_sketch_delete` AFTER DELETE ON `segments`
BEGIN
	DELETE FROM `segment_sketches` WHERE `segment_type` = OLD.`segment_type` AND `segment_id` = OLD.`segment_id` AND `owner_scope` = OLD.`owner_scope`;
END;
