import { and, asc, eq, isNull, or, sql, type SQL } from "drizzle-orm";
import type { Database } from "./client";
import { nameContains } from "./name-search";
import { inOrganizations } from "./organizations";
import { segments, type SEGMENT_TYPES } from "./schema";

export type SegmentType = (typeof SEGMENT_TYPES)[number];

/** A catalog segment's primary key. */
export interface SegmentKey {
  segmentType: SegmentType;
  segmentId: number;
}

/** What to select to return catalog segments; map each row with `toSegment`. */
export const segmentSelection = {
  segmentType: segments.segmentType,
  segmentId: segments.segmentId,
  name: segments.name,
  organizationId: segments.organizationId,
  createdAt: segments.createdAt,
  updatedAt: segments.updatedAt,
};

export interface SegmentRow {
  segmentType: SegmentType;
  segmentId: number;
  name: string;
  organizationId: number | null;
  createdAt: string;
  updatedAt: string;
}

/** The API's shape of a catalog segment (`segmentSchema`). */
export function toSegment(row: SegmentRow) {
  return {
    segment_type: row.segmentType,
    segment_id: row.segmentId,
    name: row.name,
    organization_id: row.organizationId,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}

/** Global segments plus those owned by one of `organizationIds`: all a caller may see or use. */
export function visibleTo(organizationIds: Iterable<number>) {
  return or(isNull(segments.organizationId), inOrganizations(segments.organizationId, organizationIds));
}

export function isSegment(key: SegmentKey) {
  return and(eq(segments.segmentType, key.segmentType), eq(segments.segmentId, key.segmentId));
}

/** One segment the caller may see, in ONE query; undefined when absent or another organization's. */
export async function findSegment(db: Database, key: SegmentKey, organizationIds: Iterable<number>): Promise<SegmentRow | undefined> {
  return db.select(segmentSelection).from(segments).where(and(isSegment(key), visibleTo(organizationIds))).get();
}

export interface SegmentListQuery {
  /** The caller's organizations: without `organizationId`, the listing is every segment they may see. */
  callerOrganizationIds: Iterable<number>;
  /** Only this organization's own segments (no global ones); the route checks the caller holds it. */
  organizationId?: number;
  type?: SegmentType;
  q?: string;
  /** The last key of the previous page: the listing continues strictly after it. */
  after?: readonly [SegmentType, number];
  /** Rows to fetch: the page size plus one, so the caller can tell whether another page exists. */
  limit: number;
}

/**
 * One page of the catalog in key order (segment_type, segment_id), in ONE query that reads
 * about one page of rows, however large the catalog. Each owner's segments are read in key
 * order from segments_organization_key_idx (organization_id, segment_type, segment_id): with
 * `organizationId` that is the whole query; otherwise the global segments and the caller's
 * organizations' are read as two pages of at most `limit` rows, merged and cut to `limit`.
 * (An `OR` of both would read every visible segment and sort them, on every page.)
 */
export async function findSegmentPage(db: Database, query: SegmentListQuery): Promise<SegmentRow[]> {
  const filters = [
    query.type === undefined ? undefined : eq(segments.segmentType, query.type),
    query.q === undefined ? undefined : nameContains(segments.nameFolded, query.q),
    query.after === undefined ? undefined : sql`(${segments.segmentType}, ${segments.segmentId}) > (${query.after[0]}, ${query.after[1]})`,
  ];
  const pageOwnedBy = (owner: SQL | undefined) =>
    db
      .select(segmentSelection)
      .from(segments)
      .where(and(owner, ...filters))
      .orderBy(asc(segments.segmentType), asc(segments.segmentId))
      .limit(query.limit);
  if (query.organizationId !== undefined) return pageOwnedBy(eq(segments.organizationId, query.organizationId));

  // SQLite allows LIMIT in a compound's arms only inside subqueries.
  const globalPage = pageOwnedBy(isNull(segments.organizationId)).as("global_page");
  const ownedPage = pageOwnedBy(inOrganizations(segments.organizationId, query.callerOrganizationIds)).as("owned_page");
  return db
    .select()
    .from(globalPage)
    .unionAll(db.select().from(ownedPage))
    .orderBy(sql`${sql.identifier("segment_type")}`, sql`${sql.identifier("segment_id")}`)
    .limit(query.limit);
}
