import { Hono, type Context } from "hono";
import * as z from "zod/mini";
import type { AppEnv } from "../../app-env";
import { requireAuth, requirePermission } from "../../auth";
import { database } from "../../db/context";
import { upsertSegments, type BulkUpsertOutcome, type StoredSegmentRow } from "../../db/segments/bulk-upsert";
import { toSegment } from "../../db/segments/row";
import { ApiError, type ErrorDetail } from "../../errors";
import { idempotencyClaim, idempotencyKeyReused, replayedHeaders } from "../../idempotency";
import { requireJsonBody } from "../../middleware/json-body";
import { describeRoute } from "../../openapi/describe-route";
import { IDEMPOTENCY_DOCS } from "../../openapi/idempotency";
import { success } from "../../responses";
import { validate } from "../../validation/validate";
import { segmentNotFoundDetail } from "./not-found";
import { bulkUpsertMetaSchema, bulkUpsertSegmentsSchema, segmentSchema } from "./schemas";
import { quotaExceeded, quotaExceededMetaSchema } from "../../errors/quota-exceeded";

type BulkItem = z.infer<typeof bulkUpsertSegmentsSchema>["items"][number];

/**
 * POST /segments/bulk: creates or replaces up to 1,000 catalog segments, all or nothing, in
 * ONE D1 round trip. Each item follows PUT /segments' rules; every refused item is reported
 * with its `items[i]` path, and then no row changes.
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
      "organization_forbidden",
      "quota_exceeded",
      "segment_not_found",
      "segment_owner_conflict",
      "payload_too_large",
      ...IDEMPOTENCY_DOCS.errors,
    ],
    headers: IDEMPOTENCY_DOCS.requestHeaders,
    errorMeta: { quota_exceeded: quotaExceededMetaSchema },
    // Every refused item at once: the hidden ones (404) first, then the owner conflicts (409).
    errorsFollowing: { segment_not_found: ["segment_owner_conflict"] },
    requestExample: {
      items: [
        { segment_type: "CONTEXTUAL", segment_id: 104, name: "Cycling pages" },
        { segment_type: "3P", segment_id: 302, name: "Org 1234: newsletter readers", organization_id: 1234 },
      ],
    },
  }),
  requireAuth,
  requirePermission("write:segments"),
  requireJsonBody,
  validate("json", bulkUpsertSegmentsSchema),
  async function bulkUpsertSegmentsHandler(c) {
    const input = c.req.valid("json");
    const { items } = input;
    const now = new Date();
    const claim = await idempotencyClaim(c, "POST /segments/bulk", 200, input, now);
    const forbidden = items.flatMap((item, i): ErrorDetail[] =>
      item.organization_id != null && !c.get("caller").organizationIds.has(item.organization_id)
        ? [{ code: "organization_forbidden", field: `items[${i}].organization_id`, message: "Your access token does not grant access to this organization." }]
        : [],
    );
    if (forbidden.length > 0) throw new ApiError(forbidden);

    const result = await upsertSegments(
      database(c),
      items.map((item) => ({ segmentType: item.segment_type, segmentId: item.segment_id, name: item.name, organizationId: item.organization_id ?? null })),
      [...c.get("caller").organizationIds],
      now.toISOString(),
      c.get("storageLimits").segmentsPerOrganization,
      claim,
    );
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

// 404s first, as for a single PUT (the status follows the first error), then the 409s.
function refusedItems(items: BulkItem[], refused: Extract<BulkUpsertOutcome, { outcome: "refused" }>): ApiError {
  const hidden = refused.hidden.map((i) => segmentNotFoundDetail(items[i]!.segment_type, items[i]!.segment_id, `items[${i}].segment_id`));
  const conflicts = refused.ownerConflicts.map(({ index, currentOrganizationId }): ErrorDetail => {
    const owner = currentOrganizationId === null ? "global (null)" : `organization ${currentOrganizationId}`;
    return {
      code: "segment_owner_conflict",
      field: `items[${index}].organization_id`,
      message: `This segment is ${owner}; its owner cannot change. Send the same organization_id to replace it.`,
    };
  });
  return new ApiError([...hidden, ...conflicts]);
}
