import { Hono, type Context } from "hono";
import * as z from "zod/mini";
import type { AppEnv } from "../../app-env";
import { listedOrganizations, requireAuthNamingOrganizations, requirePermission } from "../../auth";
import { database, shardDatabase } from "../../db/context";
import { PRIMARY_SHARD, isSharded } from "../../db/shards/bindings";
import { shardsOf } from "../../db/shards/route";
import { findSegmentPage, type SegmentListQuery } from "../../db/segments/list";
import { toSegment } from "../../db/segments/row";
import { describeRoute } from "../../openapi/describe-route";
import { assertIssuedFor, issuedForDigest, organizationSet, pageMetaSchema, pageOf } from "../../pagination";
import { success } from "../../responses";
import { validate } from "../../validation/validate";
import { listSegmentsQuerySchema, segmentSchema } from "./schemas";

/**
 * GET /segments: the catalog the caller may use (global segments and their organizations'),
 * filtered and paged by key, in ONE query per page.
 */
export const listSegments = new Hono<AppEnv>().get(
  "/segments",
  describeRoute({
    operationId: "listSegments",
    summary: "List catalog segments",
    description:
      "Ordered by segment_type, then segment_id, then owner (global first; one key may be owned by several of your organizations). Page with `limit` and the previous page's `meta.next_cursor`; segments created or deleted meanwhile never make a page skip or repeat one.",
    tags: ["Segment catalog"],
    success: { status: 200, description: "One page of segments.", data: z.array(segmentSchema), meta: pageMetaSchema },
    errors: ["blank", "invalid_unicode", "organization_forbidden"],
  }),
  requireAuthNamingOrganizations,
  requirePermission("read:segments"),
  validate("query", listSegmentsQuerySchema),
  async function listSegmentsHandler(c) {
    const query = c.req.valid("query");
    await listedOrganizations(c, query.organization_id);
    const caller = c.get("caller");
    // Without organization_id the listing shows the token's organizations' segments: they bind the cursor too.
    const issuedFor = await issuedForDigest([query.organization_id ?? organizationSet(caller.organizationIds), query.type ?? null, query.q ?? null]);
    if (query.cursor !== undefined) assertIssuedFor(query.cursor[3], issuedFor, "cursor");

    const request = {
      callerOrganizationIds: caller.organizationIds,
      organizationId: query.organization_id,
      type: query.type,
      q: query.q,
      after: query.cursor && ([query.cursor[0], query.cursor[1], query.cursor[2]] as const),
      limit: query.limit + 1,
    };
    const rows = isSharded(c.env) ? await findSegmentPageOnShards(c, request) : await findSegmentPage(database(c), request);
    const page = pageOf(rows, query.limit, (row) => [row.segment_type, row.segment_id, row.owner_scope, issuedFor], toSegment);
    return success(c, page.items, 200, {}, page.meta);
  },
);

/**
 * Over shards: each shard of the organizations listed reads its page of their segments, DB also
 * the global ones (every shard holds a copy; one is read), and the pages merge in key order.
 */
async function findSegmentPageOnShards(c: Context<AppEnv>, request: SegmentListQuery) {
  const named = request.organizationId === undefined ? [...request.callerOrganizationIds] : [request.organizationId];
  const parts = await shardsOf(c, named);
  const reads = parts.map((part) => ({ shard: part.shard, organizationIds: part.organizationIds }));
  const globals = request.organizationId === undefined;
  if (globals && !reads.some((r) => r.shard === PRIMARY_SHARD)) reads.unshift({ shard: PRIMARY_SHARD, organizationIds: [] });
  const pages = await Promise.all(
    reads.map((read) =>
      findSegmentPage(shardDatabase(c, read.shard), {
        ...request,
        callerOrganizationIds: read.organizationIds,
        organizationId: request.organizationId === undefined ? undefined : read.organizationIds[0],
        globals: globals && read.shard === PRIMARY_SHARD,
      }),
    ),
  );
  const order = (a: { segment_type: string; segment_id: number; owner_scope: number }, b: typeof a) =>
    a.segment_type !== b.segment_type ? (a.segment_type < b.segment_type ? -1 : 1) : a.segment_id !== b.segment_id ? a.segment_id - b.segment_id : a.owner_scope - b.owner_scope;
  return pages.flat().sort(order).slice(0, request.limit);
}
