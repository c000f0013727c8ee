import type { SegmentOperator, SegmentType } from "../enums";
import { visibleSegmentSql } from "../segments/integrity";

/** A subgroup as stored in the group's document and returned by every read (`segment_subgroup[i]`). */
export interface StoredSubgroup {
  segment_operator: SegmentOperator;
  exclude: boolean;
  segment_members: { segment_id: number; segment_type: SegmentType }[];
}

/** What a write stores for `segment_subgroup`: the document, its size, and the members' keys in request order. */
export interface SubgroupsDocument {
  /** JSON text, keys in the API's order: read back and returned as it is. */
  json: string;
  /** What parsing `json` gives: the write's answer is built from it without parsing the text back. */
  subgroups: readonly StoredSubgroup[];
  memberCount: number;
  /** `[[segment_type, segment_id], ...]`, subgroup by subgroup: the catalog check's input, whose indexes name members in errors. */
  memberKeys: string;
}

/**
 * Builds the stored form of `segment_subgroup` from validated input (extra keys dropped, order
 * kept). Key order segment_operator, exclude, segment_members: migration 0003 writes the same.
 */
export function subgroupsDocument(subgroups: readonly StoredSubgroup[]): SubgroupsDocument {
  const stored: StoredSubgroup[] = subgroups.map((s) => ({
    segment_operator: s.segment_operator,
    exclude: s.exclude,
    segment_members: s.segment_members.map((m) => ({ segment_id: m.segment_id, segment_type: m.segment_type })),
  }));
  const keys = stored.flatMap((s) => s.segment_members.map((m) => [m.segment_type, m.segment_id]));
  return { json: JSON.stringify(stored), subgroups: stored, memberCount: keys.length, memberKeys: JSON.stringify(keys) };
}

/**
 * The canonical text of document `subgroups` (an SQL expression holding JSON text): what
 * `subgroupsDocument` would write for the same subgroups, rebuilt with SQLite's JSON functions.
 * Keys in the order above, extra keys dropped, `exclude` true or false, `segment_id` an integer,
 * no whitespace. A document is canonical exactly when it equals this text: the in-use guard and
 * the reverse lookup find a member by its exact text (member-index.ts), so the database refuses
 * any other form (DOCUMENT_TRIGGERS in src/db/segments/integrity.ts). json_group_array keeps
 * json_each's order, the document's.
 */
export function canonicalSubgroupsSql(subgroups: string): string {
  const members = `(SELECT json_group_array(json_object('segment_id', CAST(m.value ->> '$.segment_id' AS INTEGER), 'segment_type', CAST(m.value ->> '$.segment_type' AS TEXT)))
    FROM json_each(s.value, '$.segment_members') AS m)`;
  return `(SELECT json_group_array(json_object('segment_operator', CAST(s.value ->> '$.segment_operator' AS TEXT),
    'exclude', json(CASE json_type(s.value, '$.exclude') WHEN 'true' THEN 'true' ELSE 'false' END), 'segment_members', ${members}))
  FROM json_each(${subgroups}) AS s)`;
}

/**
 * The members (`member_index`: indexes into the member keys, in order) that name no catalog
 * segment visible to `organization` (an SQL expression): neither its own nor global.
 * `keys` is the SQL placeholder of the member keys parameter.
 */
export function missingMembersSql(keys: string, organization: string): string {
  return `SELECT m.key AS member_index FROM json_each(${keys}) AS m
    LEFT JOIN segments AS s ON ${visibleSegmentSql("s", "m.value ->> 0", "m.value ->> 1", organization)}
    WHERE s.segment_id IS NULL`;
}
