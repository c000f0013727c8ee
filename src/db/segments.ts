import { and, eq, sql } from "drizzle-orm";
import type { Database } from "./client";
import { segments } from "./schema";

export interface CatalogSegment {
  segmentType: "CONTEXTUAL" | "3P";
  segmentId: number;
  name: string;
  organizationId: number | null;
}

export interface StoredSegment extends CatalogSegment {
  revision: number;
  createdAt: string;
  updatedAt: string;
}

export type UpsertOutcome =
  | { outcome: "stored"; segment: StoredSegment }
  /** The segment exists but belongs to an organization the caller does not hold. */
  | { outcome: "hidden" }
  /** The caller can see the segment, but asked to change its owner (global ⇄ owned, or another organization). */
  | { outcome: "owner_conflict"; currentOrganizationId: number | null };

/**
 * Creates or replaces a catalog segment in one statement. An existing segment is only
 * replaced by a caller who can see it (global, or owned by one of `callerOrganizationIds`),
 * and never changes owner: otherwise one organization could take over a segment other
 * organizations' groups use. Only a refused write costs a second query, to say why.
 */
export async function upsertSegment(
  db: Database,
  segment: CatalogSegment,
  callerOrganizationIds: readonly number[],
  now: string,
): Promise<UpsertOutcome> {
  const rows = await db.all<{
    name: string;
    organization_id: number | null;
    revision: number;
    created_at: string;
    updated_at: string;
  }>(sql`
    INSERT INTO segments (segment_type, segment_id, name, organization_id, revision, created_at, updated_at)
    VALUES (${segment.segmentType}, ${segment.segmentId}, ${segment.name}, ${segment.organizationId}, 1, ${now}, ${now})
    ON CONFLICT (segment_type, segment_id) DO UPDATE SET
      name = excluded.name,
      organization_id = excluded.organization_id,
      revision = segments.revision + 1,
      updated_at = excluded.updated_at
    WHERE segments.organization_id IS excluded.organization_id
    RETURNING name, organization_id, revision, created_at, updated_at`);
  const row = rows[0];
  if (row) {
    return {
      outcome: "stored",
      segment: { ...segment, revision: row.revision, createdAt: row.created_at, updatedAt: row.updated_at },
    };
  }
  const [existing] = await db
    .select({ organizationId: segments.organizationId })
    .from(segments)
    .where(and(eq(segments.segmentType, segment.segmentType), eq(segments.segmentId, segment.segmentId)));
  const owner = existing?.organizationId ?? null;
  if (owner !== null && !callerOrganizationIds.includes(owner)) return { outcome: "hidden" };
  return { outcome: "owner_conflict", currentOrganizationId: owner };
}
