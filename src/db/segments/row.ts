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

/** Global segments plus those owned by the organizations in the JSON array at `placeholder`: all a caller may see or use. */
export function visibleToSql(placeholder: string, table = "segments"): string {
  return `(${table}.organization_id IS NULL OR ${table}.organization_id IN (SELECT value FROM json_each(${placeholder})))`;
}
