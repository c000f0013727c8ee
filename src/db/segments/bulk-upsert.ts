import type { Database } from "../database";
import { keyTakenSql, priorAnswerOutcome, priorAnswerStatement, scopeParam, storeAnswerStatement, storedSnapshot, type IdempotencyClaim, type PriorAnswerOutcome } from "../idempotency/keys";
import { foldName } from "../name-search";
import { segmentQuotaExceededSql } from "../quotas";
import { otherKeySpaceSql } from "./integrity";
import type { CatalogSegment, SegmentRow } from "./row";

/** A stored segment as the batch read it back: `revision` 1 = created by that batch. */
export type StoredSegmentRow = SegmentRow & { revision: number };

export type BulkUpsertOutcome =
  /** Every item was written; in request order, each telling whether it was created or replaced. */
  | { outcome: "stored"; segments: StoredSegmentRow[] }
  /**
   * Nothing was written: these items (indexes into the request) name a key that exists in the
   * other key space (upsert.ts); for a global item, `privateOwners` organizations own it.
   */
  | { outcome: "refused"; keySpaceConflicts: { index: number; privateOwners: number }[] }
  /** Nothing was written: the new private segments would take `organizationId` past its quota. */
  | { outcome: "quota_exceeded"; organizationId: number; limit: number }
  /** Nothing was sent: the items, names folded, exceed what D1 takes in one parameter. */
  | { outcome: "too_large" }
  /** The Idempotency-Key was used before: its answer's rows, or a different request under it (nothing written). */
  | PriorAnswerOutcome<StoredSegmentRow[]>;

/**
 * D1 refuses a string parameter over 2,000,000 bytes (SQLITE_TOOBIG). 1,000 items of 255-character
 * names stay far below it; only names that grow a lot under NFKC (U+FDFA is one character that
 * folds to 18) can reach it, and they get a 413 rather than a 503.
 */
export const MAX_ITEMS_PARAM_BYTES = 1_900_000;

// Items whose key exists in the other key space than the item's own (an organization's, or
// the global one); what other organizations own privately never refuses an organization's
// item. `keys`: [[type, id, owner], ...].
function refusedSql(keys: string): string {
  return `SELECT i.key AS item_index, count(*) AS private_owners
  FROM json_each(${keys}) AS i JOIN segments AS c ON ${otherKeySpaceSql("c", "i.value ->> 0", "i.value ->> 1", "i.value ->> 2")}
  GROUP BY i.key`;
}

// The refusals, unless the idempotency key (?3) is taken: then the prior answer decides.
const REFUSED = `SELECT * FROM (${refusedSql("?1")}) WHERE NOT ${keyTakenSql("?3")} ORDER BY item_index`;

// The write, only when the idempotency key (?5, if any) is new, no item is refused and the new
// private segments fit their organizations' quotas (?6, src/db/quotas.ts).
// ?3: [[type, id, name, folded name, owner], ...].
const UPSERT = `INSERT INTO segments (segment_type, segment_id, name, name_folded, organization_id, revision, created_at, updated_at)
  SELECT r.value ->> 0, r.value ->> 1, r.value ->> 2, r.value ->> 3, r.value ->> 4, 1, ?4, ?4
  FROM json_each(?3) AS r WHERE NOT ${keyTakenSql("?5")} AND NOT EXISTS (${refusedSql("?1")})
    AND NOT EXISTS (${segmentQuotaExceededSql("?1", "?6")})
  ON CONFLICT (segment_type, segment_id, owner_scope) DO UPDATE SET
    name = excluded.name, name_folded = excluded.name_folded, revision = revision + 1, updated_at = excluded.updated_at`;

// After the write: an organization the items would take past its quota (none once written).
const OVER_QUOTA = `SELECT organization_id FROM (${segmentQuotaExceededSql("?1", "?2")}) WHERE NOT ${keyTakenSql("?3")} ORDER BY organization_id LIMIT 1`;

// The stored rows, in request order; `revision` 1 = created by this batch. Without a key (?2
// NULL) read here; with one, the key's snapshot below carries them.
const STORED_COLUMNS = ["segment_type", "segment_id", "name", "organization_id", "created_at", "updated_at", "revision"];
function storedFromSql(keys: string): string {
  return `FROM json_each(${keys}) AS i JOIN segments AS s
    ON s.segment_type = i.value ->> 0 AND s.segment_id = i.value ->> 1 AND s.owner_scope = coalesce(i.value ->> 2, 0)`;
}
const STORED = `SELECT ${STORED_COLUMNS.map((column) => `s.${column}`).join(", ")} ${storedFromSql("?1")}
  WHERE ?2 IS NULL ORDER BY i.key`;

// What the idempotency key stores: the same rows as JSON, only if the write happened (once
// written, no item is refused (each item's row is in its own key space) and no quota is
// passed: every item exists). ?5: keys, ?6: the quota.
const SNAPSHOT = `SELECT (SELECT json_group_array(json_object(${STORED_COLUMNS.map((column) => `'${column}', s.${column}`).join(", ")}) ORDER BY i.key)
    ${storedFromSql("?5")}) AS snapshot
  WHERE NOT EXISTS (${refusedSql("?5")}) AND NOT EXISTS (${segmentQuotaExceededSql("?5", "?6")})`;

/**
 * Creates or replaces many catalog segments in ONE D1 batch of six statements, whatever the
 * number of items: they travel as JSON parameters read with `json_each`. The rules are PUT
 * /segments' (each item writes its own key space; a key in the other one refuses it; new
 * private segments fit their organization's quota), applied all or nothing. Items must be
 * unique by key (the route rejects repeats). The first and last statements read and write the idempotency key (src/db/idempotency/keys.ts); without one
 * they write nothing and read one or two rows.
 */
export async function upsertSegments(
  db: Database,
  items: readonly CatalogSegment[],
  now: string,
  quota: number,
  claim: IdempotencyClaim | null = null,
): Promise<BulkUpsertOutcome> {
  const rows = JSON.stringify(items.map((s) => [s.segmentType, s.segmentId, s.name, foldName(s.name), s.organizationId]));
  if (new TextEncoder().encode(rows).byteLength > MAX_ITEMS_PARAM_BYTES) return { outcome: "too_large" };
  const keys = JSON.stringify(items.map((s) => [s.segmentType, s.segmentId, s.organizationId]));
  const scope = scopeParam(claim);

  const [prior, refused, , overQuota, stored, snapshot] = await db.batch([
    priorAnswerStatement(db, claim),
    db.statement(REFUSED, keys, null, scope),
    db.statement(UPSERT, keys, null, rows, now, scope, quota),
    db.statement(OVER_QUOTA, keys, quota, scope),
    db.statement(STORED, keys, scope),
    storeAnswerStatement(db, claim, SNAPSHOT, keys, quota),
  ]);
  const replay = priorAnswerOutcome<StoredSegmentRow[]>(prior, claim);
  if (replay) return replay;
  const refusedRows = refused as { item_index: number; private_owners: number }[];
  if (refusedRows.length > 0) {
    return {
      outcome: "refused",
      keySpaceConflicts: refusedRows.map((r) => ({ index: r.item_index, privateOwners: items[r.item_index]!.organizationId === null ? r.private_owners : 0 })),
    };
  }
  const over = overQuota![0] as { organization_id: number } | undefined;
  if (over) return { outcome: "quota_exceeded", organizationId: over.organization_id, limit: quota };
  // With a key, the answer is built from what the key stored, exactly as its replays will be.
  return { outcome: "stored", segments: storedSnapshot<StoredSegmentRow[]>(snapshot) ?? (stored as StoredSegmentRow[]) };
}
