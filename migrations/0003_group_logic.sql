-- Group logic (README, "Group logic"): how a group's subgroups combine (`subgroup_operator`,
-- AND unless set) and which subgroups are excluded (`exclude` in each subgroup of the
-- document). Written by hand: drizzle-kit knows only table-level CHECKs, which it would add by
-- rebuilding the table; a column CHECK needs no rebuild. Correct with foreign keys ON.
ALTER TABLE `segment_groups` ADD `subgroup_operator` text DEFAULT 'AND' NOT NULL
	CONSTRAINT `segment_groups_subgroup_operator_check` CHECK (`subgroup_operator` IN ('AND', 'OR'));--> statement-breakpoint
-- Every existing subgroup states `"exclude":false`, so every response is explicit; keys in the
-- order new writes use (src/db/segment-groups/document.ts): segment_operator, exclude,
-- segment_members, the members' text unchanged. Each group also gets a new version: its
-- representation changed, so an ETag held from before must not earn a 304. The update trigger
-- re-reads the members and finds them unchanged.
UPDATE `segment_groups` SET
	`subgroups` = (
		SELECT json_group_array(json_object(
			'segment_operator', s.value ->> '$.segment_operator',
			'exclude', json('false'),
			'segment_members', json(s.value -> '$.segment_members')
		) ORDER BY s.key)
		FROM json_each(`segment_groups`.`subgroups`) AS s
	),
	`etag` = lower(hex(randomblob(16)));
