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
 * The members (`member_index`: indexes into the member keys, in order) that name no catalog
 * segment visible to `organization` (an SQL expression): neither its own nor global.
 * `keys` is the SQL placeholder of the member keys parameter.
 */
export function missingMembersSql(keys: string, organization: string): string {
  return `SELECT m.key AS member_index FROM json_each(${keys}) AS m
    LEFT JOIN segments AS s ON ${visibleSegmentSql("s", "m.value ->> 0", "m.value ->> 1", organization)}
    WHERE s.segment_id IS NULL`;
}
