import type { Database } from "../database";
import { foldName } from "../name-search";
import { segmentQuotaExceededSql } from "../quotas";
import { otherKeySpaceSql } from "./integrity";
import type { CatalogSegment, SegmentRow } from "./row";

export type UpsertOutcome =
  | { outcome: "stored"; segment: SegmentRow; created: boolean }
  /**
   * The key exists in the other key space: globally, for an organization's write (global keys
   * are public, so saying so reveals nothing), or privately in `privateOwners` organizations,
   * for a global write (only the catalog admin writes global segments, and sees totals).
   */
  | { outcome: "key_space_conflict"; privateOwners: number }
  /** A new private segment would take its organization past its quota (nothing written). */
  | { outcome: "quota_exceeded"; limit: number };

// One key space per write: the organization's own (?5), or the global one (?5 NULL). `revision`
// starts at 1 and grows on every replace, which tells created from replaced. A key in the other
// key space stops the write here, before migrations/0007's trigger would abort the batch; so
// does a new private segment past its organization's quota (?7, src/db/quotas.ts).
const UPSERT = `INSERT INTO segments (segment_type, segment_id, name, name_folded, organization_id, created_at, updated_at)
  SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?6
  WHERE NOT EXISTS (SELECT 1 FROM segments AS c WHERE ${otherKeySpaceSql("c", "?1", "?2", "?5")})
    AND NOT EXISTS (${segmentQuotaExceededSql("json_array(json_array(?1, ?2, ?5))", "?7")})
  ON CONFLICT (segment_type, segment_id, owner_scope) DO UPDATE SET
    name = excluded.name, name_folded = excluded.name_folded, revision = revision + 1, updated_at = excluded.updated_at
  RETURNING segment_type, segment_id, name, organization_id, created_at, updated_at, revision`;
// Read in the same batch (after the write), so a refusal can say why without a second trip.
const OTHER_KEY_SPACE = `SELECT count(*) AS n FROM segments AS c WHERE ${otherKeySpaceSql("c", "?1", "?2", "?3")}`;

/**
 * Creates or replaces the segment of one key space in ONE batch: the guarded upsert, then what
 * the other key space holds. The caller has checked that it may write that key space (its own
 * organization, or the global catalog with `write:catalog`); a write in one organization's key
 * space never depends on, or reveals, what another organization owns. `quota`: the most private
 * segments an organization may own.
 */
export async function upsertSegment(db: Database, segment: CatalogSegment, now: string, quota: number): Promise<UpsertOutcome> {
  const { segmentType, segmentId, organizationId } = segment;
  const [stored, other] = await db.batch([
    db.statement(UPSERT, segmentType, segmentId, segment.name, foldName(segment.name), organizationId, now, quota),
    db.statement(OTHER_KEY_SPACE, segmentType, segmentId, organizationId),
  ]);
  const row = stored![0] as (SegmentRow & { revision: number }) | undefined;
  if (row) {
    const { revision, ...segmentRow } = row;
    return { outcome: "stored", segment: segmentRow, created: revision === 1 };
  }
  const others = (other![0] as { n: number }).n;
  // Not stored, and nothing in the other key space: only the quota refuses a segment.
  if (others === 0) return { outcome: "quota_exceeded", limit: quota };
  return { outcome: "key_space_conflict", privateOwners: organizationId === null ? others : 0 };
}
