import { sql } from "drizzle-orm";
import type { Database } from "./client";

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

/**
 * Creates or replaces a catalog segment in one statement. An existing segment is only
 * replaced when the caller can see it (global, or owned by one of `callerOrganizationIds`);
 * otherwise nothing changes and `undefined` comes back, so the route can answer 404 without
 * telling whether another organization owns that id.
 */
export async function upsertSegment(
  db: Database,
  segment: CatalogSegment,
  callerOrganizationIds: readonly number[],
  now: string,
): Promise<StoredSegment | undefined> {
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
    WHERE segments.organization_id IS NULL
       OR segments.organization_id IN (SELECT value FROM json_each(${JSON.stringify(callerOrganizationIds)}))
    RETURNING name, organization_id, revision, created_at, updated_at`);
  const row = rows[0];
  if (!row) return undefined;
  return {
    ...segment,
    revision: row.revision,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
