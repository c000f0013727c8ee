import { Hono } from "hono";
import * as z from "zod/mini";
import type { AppEnv } from "../../app-env";
import { assertOrganizationAccess, requireAuth, requirePermission } from "../../auth";
import { database } from "../../db/context";
import { findSegmentPage } from "../../db/segments/list";
import { toSegment } from "../../db/segments/row";
import { describeRoute } from "../../openapi/describe-route";
import { pageMetaSchema, pageOf } from "../../pagination";
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
  requireAuth,
  requirePermission("read:segments"),
  validate("query", listSegmentsQuerySchema),
  async function listSegmentsHandler(c) {
    const query = c.req.valid("query");
    if (query.organization_id !== undefined) assertOrganizationAccess(c.get("caller"), query.organization_id);

    const rows = await findSegmentPage(database(c), {
      callerOrganizationIds: c.get("caller").organizationIds,
      organizationId: query.organization_id,
      type: query.type,
      q: query.q,
      after: query.cursor,
      limit: query.limit + 1,
    });
    const page = pageOf(rows, query.limit, (row) => [row.segment_type, row.segment_id, row.owner_scope], toSegment);
    return success(c, page.items, 200, {}, page.meta);
  },
);
