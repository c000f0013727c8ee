import { and, eq, sql } from "drizzle-orm";
import type { Database } from "./client";
import { foldName } from "./name-search";
import { inOrganizations } from "./organizations";
import { segments } from "./schema";
import type { CatalogSegment } from "./segments";
import type { SegmentRow } from "./segment-reads";

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

/**
 * Creates or replaces many catalog segments in ONE D1 batch of three statements, whatever
 * the number of items: they travel as JSON parameters read with `json_each`.
 *
 * The rules are PUT /segments' (an existing segment must be visible to the caller and keeps
 * its owner), applied all or nothing: the first statement lists the items that break them,
 * the write only happens when that list is empty, and the last statement reads the stored
 * rows back in request order. Items must be unique by key (the route rejects repeats).
 */
export async function upsertSegments(
  db: Database,
  items: readonly CatalogSegment[],
  callerOrganizationIds: readonly number[],
  now: string,
): Promise<BulkUpsertOutcome> {
  const rows = JSON.stringify(items.map((s) => [s.segmentType, s.segmentId, s.name, foldName(s.name), s.organizationId]));
  if (new TextEncoder().encode(rows).byteLength > MAX_ITEMS_PARAM_BYTES) return { outcome: "too_large" };
  // Keys and owners only, for the statements that match items to stored rows.
  const keys = sql`json_each(${JSON.stringify(items.map((s) => [s.segmentType, s.segmentId, s.organizationId]))}) AS i`;
  const matchesItem = and(eq(segments.segmentType, sql`i.value ->> 0`), eq(segments.segmentId, sql`i.value ->> 1`));
  // An existing segment whose owner differs from the item's: either another organization's
  // (hidden from the caller, whose items only name their own organizations or none) or a
  // change of owner.
  const refusedItems = db
    .select({
      index: sql<number>`i.key`,
      currentOrganizationId: segments.organizationId,
      hidden: sql<number>`${segments.organizationId} IS NOT NULL AND NOT ${inOrganizations(segments.organizationId, callerOrganizationIds)}`,
    })
    .from(keys)
    .innerJoin(segments, matchesItem)
    .where(sql`${segments.organizationId} IS NOT (i.value ->> 2)`)
    .orderBy(sql`i.key`);

  const [refused, , stored] = await db.batch([
    refusedItems,
    // `revision` starts at 1 and grows on every replace, which tells created from replaced.
    db
      .insert(segments)
      .select(
        sql`SELECT r.value ->> 0, r.value ->> 1, r.value ->> 2, r.value ->> 3, r.value ->> 4, 1, ${now}, ${now}
          FROM json_each(${rows}) AS r WHERE NOT EXISTS ${refusedItems}`,
      )
      .onConflictDoUpdate({
        target: [segments.segmentType, segments.segmentId],
        set: { name: sql`excluded.name`, nameFolded: sql`excluded.name_folded`, revision: sql`${segments.revision} + 1`, updatedAt: now },
      }),
    db
      .select({
        segmentType: segments.segmentType,
        segmentId: segments.segmentId,
        name: segments.name,
        organizationId: segments.organizationId,
        createdAt: segments.createdAt,
        updatedAt: segments.updatedAt,
        revision: segments.revision,
      })
      .from(keys)
      .innerJoin(segments, matchesItem)
      .orderBy(sql`i.key`),
  ]);

  if (refused.length > 0) {
    return {
      outcome: "refused",
      hidden: refused.filter((r) => r.hidden).map((r) => r.index),
      ownerConflicts: refused.filter((r) => !r.hidden).map(({ index, currentOrganizationId }) => ({ index, currentOrganizationId })),
    };
  }
  return { outcome: "stored", segments: stored.map(({ revision, ...row }) => ({ ...row, created: revision === 1 })) };
}
