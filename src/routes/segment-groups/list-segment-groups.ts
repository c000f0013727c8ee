import { Hono } from "hono";
import * as z from "zod/mini";
import type { AppEnv } from "../../app-env";
import { listedOrganizations, requireAuth, requirePermission } from "../../auth";
import { database } from "../../db/context";
import type { Database } from "../../db/database";
import { listSegmentGroups as listStoredSegmentGroups, segmentGroupKey, type ListView, type SegmentGroupFilters } from "../../db/segment-groups/list";
import { listSegmentGroupsUsingSegment } from "../../db/segment-groups/list-by-segment";
import { toSegmentGroup, toSegmentGroupSummary, type SegmentGroupRow } from "../../db/segment-groups/row";
import { describeRoute } from "../../openapi/describe-route";
import { encodeCursor, pageFrom, pageMetaSchema } from "../../pagination";
import { success } from "../../responses";
import { validate } from "../../validation/validate";
import { isSegmentCursor, listSegmentGroupsQuerySchema } from "./list-query";
import { feedCursor } from "./changes-schemas";
import { segmentGroupSchema, segmentGroupSummarySchema } from "./schemas";

/**
 * GET /segment_groups: the groups of the token's organizations, newest first, a page at a time,
 * each exactly as GET /segment_groups/{id} returns it. One D1 query per page, members included.
 */
/**
 * The page's rows and `meta`: of the listing in `created_at` order, or with `segment` of the
 * reverse lookup, in index key (creation) order, whose cursor is the key the next page continues below.
 */
async function readPage(db: Database, filters: SegmentGroupFilters, query: z.output<typeof listSegmentGroupsQuerySchema>, view: ListView) {
  const { cursor, limit } = query;
  if (query.segment === undefined) {
    const after = cursor !== undefined && !isSegmentCursor(cursor) ? cursor : undefined;
    const { rows, hasMore, feed } = await listStoredSegmentGroups(db, filters, { limit, after, view });
    const { meta } = pageFrom(rows as SegmentGroupRow[], hasMore, segmentGroupKey, () => null);
    return { rows: rows as SegmentGroupRow[], meta, feed };
  }
  const before = cursor !== undefined && isSegmentCursor(cursor) ? cursor[0] : undefined;
  const { rows, nextBefore, feed } = await listSegmentGroupsUsingSegment(db, filters, query.segment, { limit, before, view });
  const meta = { next_cursor: nextBefore === null ? null : encodeCursor([nextBefore]), has_more: nextBefore !== null };
  return { rows: rows as SegmentGroupRow[], meta, feed };
}

export const listSegmentGroups = new Hono<AppEnv>().get(
  "/segment_groups",
  describeRoute({
    operationId: "listSegmentGroups",
    summary: "List segment groups",
    description:
      "Newest first (ties by id; with `segment`, in creation order). Page with `limit` and the previous page's `meta.next_cursor`; groups created or deleted meanwhile never make a page skip or repeat one.",
    tags: ["Segment groups"],
    success: {
      status: 200,
      description: "One page of segment groups; an empty array when none match.",
      data: z.array(z.union([segmentGroupSchema, segmentGroupSummarySchema])),
      meta: z.extend(pageMetaSchema, {
        changes_cursor: z.string().register(z.globalRegistry, {
          description:
            "The change feed's position when this page was read: after loading every page, follow GET /segment_groups/changes with `after` = the first page's `changes_cursor`.",
        }),
      }),
      headers: { "Cache-Control": "private, no-cache" },
    },
    errors: ["blank", "invalid_unicode", "organization_forbidden"],
  }),
  requireAuth,
  requirePermission("read:segment_groups"),
  validate("query", listSegmentGroupsQuerySchema),
  async function listSegmentGroupsHandler(c) {
    const query = c.req.valid("query");
    const filters = {
      organizationIds: listedOrganizations(c.get("caller"), query.organization_id),
      type: query.type,
      status: query.status,
      nameQuery: query.q,
    };
    const view = query.view ?? "full";
    const { rows, meta, feed } = await readPage(database(c), filters, query, view);
    const toItem = (row: SegmentGroupRow) => (view === "full" ? toSegmentGroup(row) : toSegmentGroupSummary(row));
    // The change feed's position at this page's snapshot: a client that loads the list follows the feed from there.
    const changesCursor = feedCursor(Math.max(feed.head, feed.purgedThrough), feed.purgedThrough);
    // Per caller and ever-changing: browsers and shared caches must not reuse it unchecked.
    return success(c, rows.map(toItem), 200, { "Cache-Control": "private, no-cache" }, { ...meta, changes_cursor: changesCursor });
  },
);
