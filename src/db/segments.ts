import { sql } from "drizzle-orm";
import type { Database } from "./client";
import { foldName } from "./name-search";
import { isSegment } from "./segment-reads";
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
 * organizations' groups use. One batch: the upsert, then the owner as it now stands.
 */
export async function upsertSegment(
  db: Database,
  segment: CatalogSegment,
  callerOrganizationIds: readonly number[],
  now: string,
): Promise<UpsertOutcome> {
  const [[row], [existing]] = await db.batch([
    db
      .insert(segments)
      .values({ ...segment, nameFolded: foldName(segment.name), createdAt: now, updatedAt: now })
      .onConflictDoUpdate({
        target: [segments.segmentType, segments.segmentId],
        set: { name: segment.name, nameFolded: foldName(segment.name), revision: sql`${segments.revision} + 1`, updatedAt: now },
        // `IS` compares NULLs too: a global segment stays global, an owned one keeps its owner.
        setWhere: sql`${segments.organizationId} IS ${segment.organizationId}`,
      })
      .returning({ revision: segments.revision, createdAt: segments.createdAt, updatedAt: segments.updatedAt }),
    // Read in the same batch (after the write), so a refusal can say why without a second trip.
    db
      .select({ organizationId: segments.organizationId })
      .from(segments)
      .where(isSegment(segment)),
  ]);
  if (row) return { outcome: "stored", segment: { ...segment, ...row } };
  const owner = existing?.organizationId ?? null;
  if (owner !== null && !callerOrganizationIds.includes(owner)) return { outcome: "hidden" };
  return { outcome: "owner_conflict", currentOrganizationId: owner };
}
