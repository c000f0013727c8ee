import type { Database } from "../database";
import { foldName } from "../name-search";
import { segmentQuotaExceededSql } from "../quotas";
import type { CatalogSegment, SegmentRow } from "./row";

export type UpsertOutcome =
  | { outcome: "stored"; segment: SegmentRow; created: boolean }
  /** The segment exists but belongs to an organization the caller does not hold. */
  | { outcome: "hidden" }
  /** The caller can see the segment, but asked to change its owner (global ⇄ owned, or another organization). */
  | { outcome: "owner_conflict"; currentOrganizationId: number | null }
  /** A new private segment would take its organization past its quota (nothing written). */
  | { outcome: "quota_exceeded"; limit: number };

// `revision` starts at 1 and grows on every replace, which tells created from replaced. `IS`
// compares NULLs too: a global segment stays global, an owned one keeps its owner.
// A new private segment only while its organization is under its quota (?7, src/db/quotas.ts).
const UPSERT = `INSERT INTO segments (segment_type, segment_id, name, name_folded, organization_id, created_at, updated_at)
  SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?6 WHERE NOT EXISTS (${segmentQuotaExceededSql("json_array(json_array(?1, ?2, ?5))", "?7")})
  ON CONFLICT (segment_type, segment_id) DO UPDATE SET
    name = excluded.name, name_folded = excluded.name_folded, revision = revision + 1, updated_at = excluded.updated_at
    WHERE segments.organization_id IS excluded.organization_id
  RETURNING segment_type, segment_id, name, organization_id, created_at, updated_at, revision`;
// Read in the same batch (after the write), so a refusal can say why without a second trip.
const OWNER = "SELECT organization_id FROM segments WHERE segment_type = ?1 AND segment_id = ?2";

/**
 * Creates or replaces a catalog segment in ONE batch: the upsert, then the owner as it now
 * stands. An existing segment is only replaced by a caller who can see it (global, or owned by
 * one of `callerOrganizationIds`), and never changes owner: otherwise one organization could
 * take over a segment other organizations' groups use.
 */
export async function upsertSegment(db: Database, segment: CatalogSegment, callerOrganizationIds: readonly number[], now: string, quota: number): Promise<UpsertOutcome> {
  const [stored, owner] = await db.batch([
    db.statement(UPSERT, segment.segmentType, segment.segmentId, segment.name, foldName(segment.name), segment.organizationId, now, quota),
    db.statement(OWNER, segment.segmentType, segment.segmentId),
  ]);
  const row = stored![0] as (SegmentRow & { revision: number }) | undefined;
  if (row) {
    const { revision, ...segmentRow } = row;
    return { outcome: "stored", segment: segmentRow, created: revision === 1 };
  }
  const found = owner![0] as { organization_id: number | null } | undefined;
  // Not stored and still absent: only the quota refuses a new segment.
  if (!found) return { outcome: "quota_exceeded", limit: quota };
  const current = found.organization_id;
  if (current !== null && !callerOrganizationIds.includes(current)) return { outcome: "hidden" };
  return { outcome: "owner_conflict", currentOrganizationId: current };
}
