import { jsonParam, type Database } from "../database";
import { keySpacesSql, SEGMENT_COLUMNS, type SegmentKey, type SegmentRow } from "./row";

// At most two rows: the route tells "one" from "several of the caller's organizations own it".
const FIND = `SELECT ${SEGMENT_COLUMNS} FROM segments WHERE segment_type = ?1 AND segment_id = ?2 AND ${keySpacesSql("?3", "?4")}
  ORDER BY owner_scope LIMIT 2`;

export type FindSegmentOutcome =
  | { outcome: "found"; segment: SegmentRow }
  /** Absent from every key space the caller may name: the same whether another organization owns it or nobody does. */
  | { outcome: "not_found" }
  /** Without `organizationId`, several of the caller's organizations own this key: the caller must say which. */
  | { outcome: "ambiguous" };

/**
 * The segment a key names for the caller, in ONE query: `organizationId`'s own when given;
 * otherwise the global one, else the one of the caller's organizations that owns it.
 */
export async function findSegment(
  db: Database,
  key: SegmentKey,
  callerOrganizationIds: Iterable<number>,
  organizationId: number | null = null,
): Promise<FindSegmentOutcome> {
  const rows = await db.all<SegmentRow>(db.statement(FIND, key.segmentType, key.segmentId, jsonParam(callerOrganizationIds), organizationId));
  if (rows.length === 0) return { outcome: "not_found" };
  return rows.length === 1 ? { outcome: "found", segment: rows[0]! } : { outcome: "ambiguous" };
}
