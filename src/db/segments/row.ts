import type { SegmentType } from "../enums";

/** A catalog segment's primary key. */
export interface SegmentKey {
  segmentType: SegmentType;
  segmentId: number;
}

/** A segment as a write takes it; `organizationId` null = visible to every organization. */
export interface CatalogSegment extends SegmentKey {
  name: string;
  organizationId: number | null;
}

/** The columns every read of segments selects, in `SegmentRow`'s shape. */
export const SEGMENT_COLUMNS = "segment_type, segment_id, name, organization_id, created_at, updated_at";

export interface SegmentRow {
  segment_type: SegmentType;
  segment_id: number;
  name: string;
  organization_id: number | null;
  created_at: string;
  updated_at: string;
}

/** The API's shape of a catalog segment (`segmentSchema`). */
export function toSegment(row: SegmentRow) {
  return {
    segment_type: row.segment_type,
    segment_id: row.segment_id,
    name: row.name,
    organization_id: row.organization_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/**
 * The key spaces a caller's key may name (`owner_scope` values, SQL): exactly `organization`'s
 * own when given; otherwise the global one and every organization of the caller (the JSON
 * array at `callerOrganizations`), of which a key can match the global row or private rows,
 * never both.
 */
export function keySpacesSql(callerOrganizations: string, organization: string): string {
  return `(CASE WHEN ${organization} IS NULL THEN owner_scope IN (SELECT 0 UNION ALL SELECT value FROM json_each(${callerOrganizations}))
    ELSE owner_scope = ${organization} END)`;
}
