import type { GroupType, SegmentOperator } from "../enums";
import { groupExpression } from "../../logic/expression";
import type { StoredSubgroup } from "./document";

/**
 * The columns every read of whole groups selects, in `SegmentGroupRow`'s shape, listed once:
 * GROUP_COLUMNS, SUMMARY_COLUMNS (list.ts) and the snapshots derive from it, and the type
 * check below keeps it equal to SegmentGroupRow's keys.
 */
const GROUP_COLUMN_NAMES = [
  "id", "name", "type", "organization_id", "status", "subgroup_operator", "subgroups", "member_count",
  "created_at", "updated_at", "etag", "created_by", "updated_by",
] as const satisfies readonly (keyof SegmentGroupRow)[];
type MissingColumn = Exclude<keyof SegmentGroupRow, (typeof GROUP_COLUMN_NAMES)[number]>;
const everyRowKeyIsAColumn: [MissingColumn] extends [never] ? true : MissingColumn = true;
void everyRowKeyIsAColumn;

export const GROUP_COLUMNS = GROUP_COLUMN_NAMES.join(", ");

/** GROUP_COLUMNS but the document: what a summary (`view=summary`) reads. */
export const SUMMARY_COLUMNS = GROUP_COLUMN_NAMES.filter((column) => column !== "subgroups").join(", ");

/**
 * GROUP_COLUMNS for a write's RETURNING when the document it stored is the `documentParam`
 * text it sent: D1 stores a text parameter in the TEXT column byte for byte, so the write
 * already holds what was stored and D1 need not send up to ~300 KB back. `subgroups` is then
 * NULL when `documentParam` is not (the write fills it in), the column otherwise.
 */
export function groupColumnsWithDocumentFrom(documentParam: string): string {
  return GROUP_COLUMNS.replace("subgroups", `CASE WHEN ${documentParam} IS NULL THEN subgroups END AS subgroups`);
}

/**
 * The row as ONE JSON object of GROUP_COLUMNS (read back with `fromGroupSnapshot`): the copy a
 * change event keeps, made by SQL inside the write's own batch. `table` prefixes each column.
 */
export function groupSnapshotSql(table: string): string {
  return `json_object(${GROUP_COLUMN_NAMES.map((column) => `'${column}', ${table}.${column}`).join(", ")})`;
}

/** A group as GET returned it at that version, from a `groupSnapshotSql` copy. */
export function fromGroupSnapshot(snapshot: string): SegmentGroup {
  return toSegmentGroup(JSON.parse(snapshot) as SegmentGroupRow);
}

export interface SegmentGroupRow {
  id: string;
  name: string;
  type: GroupType;
  organization_id: number;
  /** 0 or 1. */
  status: number;
  subgroup_operator: SegmentOperator;
  /** The `segment_subgroup` document, JSON text. */
  subgroups: string;
  member_count: number;
  created_at: string;
  updated_at: string;
  etag: string;
  /** The token `sub` of whoever created / last changed the group; null when written before this was recorded. */
  created_by: string | null;
  updated_by: string | null;
}

/**
 * The API's shape of a segment group: the 201's `data`, and every read's. `subgroups`: what
 * parsing `row.subgroups` gives, when the caller made that text itself (a write's document).
 */
export function toSegmentGroup(row: SegmentGroupRow, subgroups?: readonly StoredSubgroup[]) {
  const logic = subgroups ? { subgroup_operator: row.subgroup_operator, segment_subgroup: subgroups as StoredSubgroup[] } : groupLogicOf(row);
  return { ...identityOf(row), ...logic, expression: groupExpression(logic), ...authorshipOf(row) };
}

export type SegmentGroup = ReturnType<typeof toSegmentGroup>;

/** A listed group with `view=summary`: no subgroups, their member count instead. */
export function toSegmentGroupSummary(row: Omit<SegmentGroupRow, "subgroups">) {
  return { ...identityOf(row), subgroup_operator: row.subgroup_operator, member_count: row.member_count, ...authorshipOf(row) };
}

// The fields every view of a group starts and ends with, in the order responses show them.
function identityOf(row: Omit<SegmentGroupRow, "subgroups">) {
  return { id: row.id, name: row.name, type: row.type, organization_id: row.organization_id, status: row.status === 1 };
}

function authorshipOf(row: Omit<SegmentGroupRow, "subgroups">) {
  return { created_at: row.created_at, updated_at: row.updated_at, created_by: row.created_by, updated_by: row.updated_by };
}

/** What decides whether the group matches (src/logic): how its subgroups combine, and the subgroups. */
export function groupLogicOf(row: Pick<SegmentGroupRow, "subgroup_operator" | "subgroups">) {
  return { subgroup_operator: row.subgroup_operator, segment_subgroup: JSON.parse(row.subgroups) as StoredSubgroup[] };
}

/**
 * The `updated_at` a write at time `now` gives a group last written at `stored` (both SQL
 * expressions, ISO 8601 text): `now`, unless `stored` is not before it (same millisecond, or a
 * clock behind another isolate's); then one millisecond past `stored`. So `updated_at` only
 * moves forward. The PATCH, its dry run and the delete's tombstone all use this one rule.
 */
export function laterTimestampSql(stored: string, now: string): string {
  return `CASE WHEN ${now} > ${stored} THEN ${now} ELSE strftime('%Y-%m-%dT%H:%M:%fZ', ${stored}, '+0.001 seconds') END`;
}

/** The write of group `id` at version `etag` (SQL expressions) happened: the group holds that version. */
export function groupAtVersionSql(id: string, etag: string): string {
  return `EXISTS (SELECT 1 FROM segment_groups WHERE id = ${id} AND etag = ${etag})`;
}

/** `column IN (the caller's organizations)`, the list travelling as ONE JSON parameter at `placeholder`. */
export function inOrganizationsSql(column: string, placeholder: string): string {
  return `${column} IN (SELECT value FROM json_each(${placeholder}))`;
}
