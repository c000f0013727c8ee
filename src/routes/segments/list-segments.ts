import { Hono } from "hono";
import * as z from "zod/mini";
import type { AppEnv } from "../../app-env";
import { listedOrganizations, requireAuthNamingOrganizations, requirePermission } from "../../auth";
import { database } from "../../db/context";
import { findSegmentPage } from "../../db/segments/list";
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

    const rows = await findSegmentPage(database(c), {
      callerOrganizationIds: caller.organizationIds,
      organizationId: query.organization_id,
      type: query.type,
      q: query.q,
      after: query.cursor && [query.cursor[0], query.cursor[1], query.cursor[2]],
      limit: query.limit + 1,
    });
    const page = pageOf(rows, query.limit, (row) => [row.segment_type, row.segment_id, row.owner_scope, issuedFor], toSegment);
    return success(c, page.items, 200, {}, page.meta);
  },
);
