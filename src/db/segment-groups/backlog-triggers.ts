import { membersThroughSql, NEXT_INDEX_KEY_SQL } from "./member-index";

/**
 * The triggers that queue a written group in the reverse index's backlog, by name, exactly as
 * migrations/0009 installs them (test/db/catalog-triggers.test.ts compares them with
 * `sqlite_master`). The next index key and the running member total come from member-index.ts,
 * the same text the API's INSERT and the merge's "backlog full" test use.
 *
 * As in 0006, plus the organizations: a group already queued keeps its first row (what the
 * index holds for it is still that row's), except that a move to another organization moves
 * the row too, so the group's new organization finds it.
 */
export const BACKLOG_TRIGGERS: Readonly<Record<string, string>> = {
  segment_groups_backlog_insert: `CREATE TRIGGER \`segment_groups_backlog_insert\` AFTER INSERT ON \`segment_groups\` BEGIN
	UPDATE \`segment_groups\` SET \`index_key\` = ${NEXT_INDEX_KEY_SQL}
	WHERE \`id\` = NEW.\`id\` AND NEW.\`index_key\` IS NULL;
	INSERT OR IGNORE INTO \`segment_group_index_backlog\` (\`group_key\`, \`organization_id\`, \`members\`, \`members_through\`, \`indexed_subgroups\`, \`indexed_organization_id\`)
	VALUES (coalesce(NEW.\`index_key\`, (SELECT \`index_key\` FROM \`segment_groups\` WHERE \`id\` = NEW.\`id\`)), NEW.\`organization_id\`, NEW.\`member_count\`,
		${membersThroughSql("NEW.`member_count`")}, NULL, NULL);
END`,
  segment_groups_backlog_update: `CREATE TRIGGER \`segment_groups_backlog_update\` AFTER UPDATE OF \`subgroups\`, \`organization_id\` ON \`segment_groups\`
WHEN OLD.\`subgroups\` IS NOT NEW.\`subgroups\` OR OLD.\`organization_id\` IS NOT NEW.\`organization_id\` BEGIN
	INSERT INTO \`segment_group_index_backlog\` (\`group_key\`, \`organization_id\`, \`members\`, \`members_through\`, \`indexed_subgroups\`, \`indexed_organization_id\`)
	VALUES (NEW.\`index_key\`, NEW.\`organization_id\`, OLD.\`member_count\` + NEW.\`member_count\`,
		${membersThroughSql("OLD.`member_count` + NEW.`member_count`")},
		OLD.\`subgroups\`, OLD.\`organization_id\`)
	ON CONFLICT (\`group_key\`) DO UPDATE SET \`organization_id\` = excluded.\`organization_id\`
		WHERE \`organization_id\` IS NOT excluded.\`organization_id\`;
END`,
  segment_groups_backlog_delete: `CREATE TRIGGER \`segment_groups_backlog_delete\` AFTER DELETE ON \`segment_groups\` BEGIN
	INSERT OR IGNORE INTO \`segment_group_index_backlog\` (\`group_key\`, \`organization_id\`, \`members\`, \`members_through\`, \`indexed_subgroups\`, \`indexed_organization_id\`)
	VALUES (OLD.\`index_key\`, OLD.\`organization_id\`, OLD.\`member_count\`,
		${membersThroughSql("OLD.`member_count`")},
		OLD.\`subgroups\`, OLD.\`organization_id\`);
END`,
};
