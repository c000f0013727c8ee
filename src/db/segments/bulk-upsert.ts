import { jsonParam, type Database } from "../database";
import { foldName } from "../name-search";
import type { CatalogSegment, SegmentRow } from "./row";

export type BulkUpsertOutcome =
  /** Every item was written; in request order, each telling whether it was created or replaced. */
  | { outcome: "stored"; segments: (SegmentRow & { created: boolean })[] }
  /** Nothing was written: these items (indexes into the request) would have been refused one by one. */
  | { outcome: "refused"; hidden: number[]; ownerConflicts: { index: number; currentOrganizationId: number | null }[] }
  /** Nothing was sent: the items, names folded, exceed what D1 takes in one parameter. */
  | { outcome: "too_large" };

/**
 * D1 refuses a string parameter over 2,000,000 bytes (SQLITE_TOOBIG). 1,000 items of 255-character
 * names stay far below it; only names that grow a lot under NFKC (U+FDFA is one character that
 * folds to 18) can reach it, and they get a 413 rather than a 503.
 */
export const MAX_ITEMS_PARAM_BYTES = 1_900_000;

// Items whose segment exists with another owner than the item's: either another organization's
// (hidden from the caller, whose items only name their own organizations or none) or a change
// of owner. ?1: [[type, id, owner], ...]; ?2: the caller's organizations.
const REFUSED = `SELECT i.key AS item_index, s.organization_id AS current_organization_id,
    (s.organization_id IS NOT NULL AND s.organization_id NOT IN (SELECT value FROM json_each(?2))) AS hidden
  FROM json_each(?1) AS i JOIN segments AS s ON s.segment_type = i.value ->> 0 AND s.segment_id = i.value ->> 1
  WHERE s.organization_id IS NOT (i.value ->> 2)
  ORDER BY i.key`;

// The write, only when no item is refused. ?3: [[type, id, name, folded name, owner], ...].
const UPSERT = `INSERT INTO segments (segment_type, segment_id, name, name_folded, organization_id, revision, created_at, updated_at)
  SELECT r.value ->> 0, r.value ->> 1, r.value ->> 2, r.value ->> 3, r.value ->> 4, 1, ?4, ?4
  FROM json_each(?3) AS r WHERE NOT EXISTS (${REFUSED})
  ON CONFLICT (segment_type, segment_id) DO UPDATE SET
    name = excluded.name, name_folded = excluded.name_folded, revision = revision + 1, updated_at = excluded.updated_at`;

// The stored rows, in request order; `revision` 1 = created by this batch.
const STORED = `SELECT s.segment_type, s.segment_id, s.name, s.organization_id, s.created_at, s.updated_at, s.revision
  FROM json_each(?1) AS i JOIN segments AS s ON s.segment_type = i.value ->> 0 AND s.segment_id = i.value ->> 1
  ORDER BY i.key`;

/**
 * Creates or replaces many catalog segments in ONE D1 batch of three statements, whatever the
 * number of items: they travel as JSON parameters read with `json_each`. The rules are PUT
 * /segments' (an existing segment must be visible to the caller and keeps its owner), applied
 * all or nothing. Items must be unique by key (the route rejects repeats).
 */
export async function upsertSegments(
  db: Database,
  items: readonly CatalogSegment[],
  callerOrganizationIds: readonly number[],
  now: string,
): Promise<BulkUpsertOutcome> {
  const rows = JSON.stringify(items.map((s) => [s.segmentType, s.segmentId, s.name, foldName(s.name), s.organizationId]));
  if (new TextEncoder().encode(rows).byteLength > MAX_ITEMS_PARAM_BYTES) return { outcome: "too_large" };
  const keys = JSON.stringify(items.map((s) => [s.segmentType, s.segmentId, s.organizationId]));
  const organizations = jsonParam(callerOrganizationIds);

  const [refused, , stored] = await db.batch([
    db.statement(REFUSED, keys, organizations),
    db.statement(UPSERT, keys, organizations, rows, now),
    db.statement(STORED, keys),
  ]);
  const refusedRows = refused as { item_index: number; current_organization_id: number | null; hidden: number }[];
  if (refusedRows.length > 0) {
    return {
      outcome: "refused",
      hidden: refusedRows.filter((r) => r.hidden).map((r) => r.item_index),
      ownerConflicts: refusedRows.filter((r) => !r.hidden).map((r) => ({ index: r.item_index, currentOrganizationId: r.current_organization_id })),
    };
  }
  return {
    outcome: "stored",
    segments: (stored as (SegmentRow & { revision: number })[]).map(({ revision, ...row }) => ({ ...row, created: revision === 1 })),
  };
}
