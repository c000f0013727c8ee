import { Hono, type Context } from "hono";
import type { Caller } from "../../auth";
import * as z from "zod/mini";
import type { AppEnv } from "../../app-env";
import { actFor, insufficientPermissions, requireAuthNamingOrganizations, requirePermission } from "../../auth";
import { database, shardDatabase } from "../../db/context";
import type { Database } from "../../db/database";
import type { CatalogSegment } from "../../db/segments/row";
import { isSharded, PRIMARY_SHARD } from "../../db/shards/bindings";
import { organizationDatabaseToWrite, writeFirstThenCopies } from "../../db/shards/route";
import { upsertSegments, type BulkUpsertOutcome, type StoredSegmentRow } from "../../db/segments/bulk-upsert";
import { toSegment } from "../../db/segments/row";
import { ApiError, type ErrorDetail } from "../../errors";
import { idempotencyClaim, idempotencyKeyReused, replayedHeaders } from "../../idempotency";
import { requireJsonBody } from "../../middleware/json-body";
import { describeRoute } from "../../openapi/describe-route";
import { IDEMPOTENCY_DOCS } from "../../openapi/idempotency";
import { success } from "../../responses";
import { validate } from "../../validation/validate";
import { keySpaceConflictDetail } from "./key-spaces";
import { bulkUpsertMetaSchema, bulkUpsertSegmentsSchema, segmentSchema } from "./schemas";
import type { IdempotencyClaim } from "../../db/idempotency/keys";
import { priorAnswerOnOtherShards } from "../../idempotency/on-shards";
import { quotaExceeded, quotaExceededMetaSchema } from "../../errors/quota-exceeded";

type BulkItem = z.infer<typeof bulkUpsertSegmentsSchema>["items"][number];

/**
 * POST /segments/bulk: creates or replaces up to 1,000 catalog segments, all or nothing, in
 * ONE D1 round trip. Each item follows PUT /segments' rules (its own key space; global items
 * need `write:catalog`); every refused item is reported with its `items[i]` path, and then no
 * row changes.
 */
export const bulkUpsertSegments = new Hono<AppEnv>().post(
  "/segments/bulk",
  describeRoute({
    operationId: "bulkUpsertSegments",
    summary: "Create or replace many catalog segments at once",
    description: "All or nothing: if any item is refused, no segment changes and every refused item is reported.",
    tags: ["Segment catalog"],
    success: {
      status: 200,
      description: "The stored segments, in request order.",
      data: z.array(segmentSchema),
      meta: bulkUpsertMetaSchema,
      headers: IDEMPOTENCY_DOCS.responseHeaders,
    },
    errors: [
      "blank",
      "invalid_unicode",
      "duplicate_segment",
      "insufficient_permissions",
      "organization_forbidden",
      "quota_exceeded",
      "segment_owner_conflict",
      "payload_too_large",
      ...IDEMPOTENCY_DOCS.errors,
    ],
    headers: IDEMPOTENCY_DOCS.requestHeaders,
    errorMeta: { quota_exceeded: quotaExceededMetaSchema },
    requestExample: {
      items: [
        { segment_type: "3P", segment_id: 303, name: "Org 1234: app users", organization_id: 1234 },
        { segment_type: "3P", segment_id: 302, name: "Org 1234: newsletter readers", organization_id: 1234 },
      ],
    },
  }),
  requireAuthNamingOrganizations,
  requirePermission("write:segments"),
  requireJsonBody,
  validate("json", bulkUpsertSegmentsSchema),
  async function bulkUpsertSegmentsHandler(c) {
    const input = c.req.valid("json");
    const { items } = input;
    const now = new Date();
    const claim = await idempotencyClaim(c, "POST /segments/bulk", 200, input, now);
    assertItemsWritable(c.get("caller"), items);
    await actFor(c, [...new Set(items.flatMap((item) => (item.organization_id == null ? [] : [item.organization_id])))]);

    const segments = items.map((item) => ({ segmentType: item.segment_type, segmentId: item.segment_id, name: item.name, organizationId: item.organization_id ?? null }));
    // The copies of global items on other shards (src/db/shards/) carry no Idempotency-Key: the answer is the first shard's.
    const write = (db: Database, copies?: CatalogSegment[]) =>
      upsertSegments(db, copies ?? segments, now.toISOString(), c.get("storageLimits").segmentsPerOrganization, copies ? null : claim);
    const result = isSharded(c.env) ? await upsertOnShards(c, segments, write, claim) : await write(database(c));
    switch (result.outcome) {
      case "refused":
        throw refusedItems(items, result);
      case "quota_exceeded":
        throw quotaExceeded("private segments", result.organizationId, result.limit, "items");
      case "too_large":
        throw ApiError.of("payload_too_large", "The items' names are too long in total once normalized for search; send fewer items per request.", "items");
      case "key_reused":
        throw idempotencyKeyReused();
      case "stored":
        return stored(c, result.segments, 200, false);
      case "replayed":
        return stored(c, result.snapshot, result.status as 200, true);
    }
  },
);

// The rows as the batch read them back after its write (then, or when the key was first used).
function stored(c: Context<AppEnv>, segments: StoredSegmentRow[], status: 200, replayed: boolean) {
  const created = segments.filter((s) => s.revision === 1).length;
  return success(c, segments.map(toSegment), status, replayedHeaders(replayed), { created, updated: segments.length - created });
}

// 403 for every item whose key space the caller may not write: global ones without
// `write:catalog` (insufficient_permissions), then other organizations' (organization_forbidden).
function assertItemsWritable(caller: Caller, items: BulkItem[]): void {
  const global = caller.permissions.has("write:catalog")
    ? []
    : items.flatMap((item, i) => (item.organization_id == null ? [insufficientPermissions("write:catalog", "A global segment (no organization_id) needs", `items[${i}].organization_id`)] : []));
  const forbidden = items.flatMap((item, i): ErrorDetail[] =>
    item.organization_id != null && !caller.organizationIds.has(item.organization_id)
      ? [{ code: "organization_forbidden", field: `items[${i}].organization_id`, message: "Your access token does not grant access to this organization." }]
      : [],
  );
  if (global.length + forbidden.length > 0) {
    throw new ApiError([...global.flatMap((e) => e.details), ...forbidden], global[0]?.headers ?? {});
  }
}

function refusedItems(items: BulkItem[], refused: Extract<BulkUpsertOutcome, { outcome: "refused" }>): ApiError {
  return new ApiError(
    refused.keySpaceConflicts.map(({ index, privateOwners }) => keySpaceConflictDetail(items[index]!.organization_id ?? null, privateOwners, `items[${index}].organization_id`)),
  );
}

/**
 * Over shards each batch stays all or nothing on its own database. The items of organizations
 * must live on one shard; that shard's batch holds every item (global ones too) and is the
 * answer, so a refusal there writes nothing anywhere. Global items are then written on every
 * other shard (DB first), which keep copies. Items of organizations on two shards are refused
 * (docs/storage.md, "Shards"): send them as two requests.
 */
async function upsertOnShards(
  c: Context<AppEnv>,
  segments: CatalogSegment[],
  write: (db: Database, items?: CatalogSegment[]) => Promise<BulkUpsertOutcome>,
  claim: IdempotencyClaim | null,
): Promise<BulkUpsertOutcome> {
  const owners = [...new Set(segments.flatMap((s) => (s.organizationId === null ? [] : [s.organizationId])))];
  // Every owner is placed (the write may be the first of some), then all must share one shard.
  const databases = [...new Set(await Promise.all(owners.map((owner) => organizationDatabaseToWrite(c, owner))))];
  if (databases.length > 1) {
    throw ApiError.of("invalid_value", "holds items of organizations that live in different databases; send each database's organizations in a separate request", "items");
  }
  const first = databases[0] ?? shardDatabase(c, PRIMARY_SHARD);
  const elsewhere = await priorAnswerOnOtherShards<StoredSegmentRow[]>(c, claim, first);
  if (elsewhere) return elsewhere;
  const globals = segments.filter((s) => s.organizationId === null);
  return writeFirstThenCopies(c, (db, copy) => write(db, copy ? globals : undefined), (outcome) => outcome.outcome === "stored" && globals.length > 0, first);
}
