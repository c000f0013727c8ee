import { canonicalSubgroupsSql } from "../segment-groups/document";
import { groupKeysUsingSegmentSql } from "../segment-groups/member-index";

/**
 * The catalog's integrity rules, written once: the Worker's statements and the triggers that
 * hold them for every other writer (migrations/0007) are both built from these functions, and
 * test/db/catalog-triggers.test.ts checks that the triggers installed in `sqlite_master` are
 * exactly `CATALOG_TRIGGERS`. docs/storage.md ("Catalog owners") explains the model.
 */

/**
 * The catalog segment of key (`type`, `id`) that organization `organization` may use: its own
 * segment with that key, else the global one (a key is never both) unless it is retired. All
 * three are SQL expressions; `c` is the alias of `segments`. One range of segments_key_idx.
 */
export function visibleSegmentSql(c: string, type: string, id: string, organization: string): string {
  return `${c}.segment_type = ${type} AND ${c}.segment_id = ${id} AND ${c}.owner_scope IN (0, ${organization}) AND NOT (${c}.owner_scope = 0 AND ${retiredSql(c)})`;
}

/**
 * Whether the global segment of row `c` is retired on this shard: a catalog admin's delete is
 * under way (src/db/segments/global-delete.ts). A retired segment is no member of any new
 * or changed group, so the delete's check on every shard cannot be overtaken by a write.
 */
export function retiredSql(c: string): string {
  return `EXISTS (SELECT 1 FROM \`segment_retirements\` AS retired WHERE retired.segment_type = ${c}.segment_type AND retired.segment_id = ${c}.segment_id)`;
}

/**
 * A segment of key (`type`, `id`) in the other key space than an owner `organization` (NULL:
 * global) would write: a private row for a global key, the global row for a private one.
 */
export function otherKeySpaceSql(c: string, type: string, id: string, organization: string): string {
  return `${c}.segment_type = ${type} AND ${c}.segment_id = ${id} AND (${c}.owner_scope = 0) <> (${organization} IS NULL)`;
}

// Members of a document (`subgroups`, SQL) naming no segment the organization may use.
const invisibleMemberSql = (subgroups: string, organization: string) =>
  `EXISTS (SELECT 1 FROM json_each(${subgroups}) AS s, json_each(s.value, '$.segment_members') AS m
	WHERE NOT EXISTS (SELECT 1 FROM \`segments\` AS c WHERE ${visibleSegmentSql("c", "m.value ->> '$.segment_type'", "m.value ->> '$.segment_id'", organization)}))`;

const KEY_SPACE_MESSAGE = "a segment key is either global or private: this key exists in the other key space";
const IN_USE_MESSAGE = "FOREIGN KEY constraint failed: a segment group uses this segment";

/**
 * The triggers of the catalog, by name, exactly as migrations/0007 installs them.
 * - The two on segment_groups store a document only if every member names a segment visible
 *   to the group's organization; RAISE(IGNORE) makes the API's guarded write change nothing,
 *   and its batch then says which members are missing.
 * - The three on segments keep a key in one key space, keep a segment's key and owner fixed,
 *   and refuse to delete a segment a group of its owner (of any organization, for a global
 *   one) uses: the index for indexed groups, the documents of queued ones.
 */
export const CATALOG_TRIGGERS: Readonly<Record<string, string>> = {
  segment_groups_members_visible_insert: `CREATE TRIGGER \`segment_groups_members_visible_insert\` BEFORE INSERT ON \`segment_groups\`
WHEN ${invisibleMemberSql("NEW.`subgroups`", "NEW.`organization_id`")}
BEGIN
	SELECT RAISE(IGNORE);
END`,
  segment_groups_members_visible_update: `CREATE TRIGGER \`segment_groups_members_visible_update\` BEFORE UPDATE OF \`subgroups\`, \`organization_id\` ON \`segment_groups\`
WHEN (OLD.\`subgroups\` IS NOT NEW.\`subgroups\` OR OLD.\`organization_id\` IS NOT NEW.\`organization_id\`)
	AND ${invisibleMemberSql("NEW.`subgroups`", "NEW.`organization_id`")}
BEGIN
	SELECT RAISE(IGNORE);
END`,
  segments_key_space_insert: `CREATE TRIGGER \`segments_key_space_insert\` BEFORE INSERT ON \`segments\`
WHEN EXISTS (SELECT 1 FROM \`segments\` AS c WHERE ${otherKeySpaceSql("c", "NEW.`segment_type`", "NEW.`segment_id`", "NEW.`organization_id`")})
BEGIN
	SELECT RAISE(ABORT, '${KEY_SPACE_MESSAGE}');
END`,
  segments_key_fixed_update: `CREATE TRIGGER \`segments_key_fixed_update\` BEFORE UPDATE OF \`segment_type\`, \`segment_id\`, \`organization_id\` ON \`segments\`
WHEN OLD.\`segment_type\` IS NOT NEW.\`segment_type\` OR OLD.\`segment_id\` IS NOT NEW.\`segment_id\` OR OLD.\`organization_id\` IS NOT NEW.\`organization_id\`
BEGIN
	SELECT RAISE(ABORT, 'a segment''s key and owner never change');
END`,
  segments_in_use_delete: `CREATE TRIGGER \`segments_in_use_delete\` BEFORE DELETE ON \`segments\`
WHEN EXISTS (${groupKeysUsingSegmentSql("OLD.`segment_type`", "OLD.`segment_id`", "OLD.`organization_id`")})
BEGIN
	SELECT RAISE(ABORT, '${IN_USE_MESSAGE}');
END`,
};

const NOT_CANONICAL_MESSAGE = "segment_groups.subgroups must be canonical JSON, as src/db/segment-groups/document.ts writes it";

/**
 * The triggers that keep every stored document canonical (migrations/0011), by name: a
 * document that is not exactly `canonicalSubgroupsSql` of itself (other key order, spacing,
 * string ids, extra keys) aborts the write, for every writer. The API's documents always are,
 * so its writes never see these fire. Created after the visibility triggers, they run before
 * them (SQLite fires the newest first): a bad document aborts even when a member is missing.
 */
export const DOCUMENT_TRIGGERS: Readonly<Record<string, string>> = {
  segment_groups_subgroups_canonical_insert: `CREATE TRIGGER \`segment_groups_subgroups_canonical_insert\` BEFORE INSERT ON \`segment_groups\`
WHEN NEW.\`subgroups\` IS NOT ${canonicalSubgroupsSql("NEW.`subgroups`")}
BEGIN
	SELECT RAISE(ABORT, '${NOT_CANONICAL_MESSAGE}');
END`,
  segment_groups_subgroups_canonical_update: `CREATE TRIGGER \`segment_groups_subgroups_canonical_update\` BEFORE UPDATE OF \`subgroups\` ON \`segment_groups\`
WHEN OLD.\`subgroups\` IS NOT NEW.\`subgroups\` AND NEW.\`subgroups\` IS NOT ${canonicalSubgroupsSql("NEW.`subgroups`")}
BEGIN
	SELECT RAISE(ABORT, '${NOT_CANONICAL_MESSAGE}');
END`,
};
