import { Hono } from "hono";
import * as z from "zod/mini";
import type { AppEnv } from "../../app-env";
import { listedOrganizations, requireAuth, requirePermission } from "../../auth";
import { database } from "../../db/context";
import type { FeedState } from "../../db/segment-groups/changes";
import { listSegmentGroups as listStoredSegmentGroups, segmentGroupKey } from "../../db/segment-groups/list";
import { listSegmentGroupsUsingSegment } from "../../db/segment-groups/list-by-segment";
import { toSegmentGroup, toSegmentGroupSummary, type SegmentGroupRow } from "../../db/segment-groups/row";
import { describeRoute } from "../../openapi/describe-route";
import { encodeCursor, pageFrom, pageMetaSchema, type Page } from "../../pagination";
import { success } from "../../responses";
import { validate } from "../../validation/validate";
import { isSegmentCursor, listSegmentGroupsQuerySchema } from "./list-query";
import { feedCursor } from "./changes-schemas";
import { segmentGroupSchema, segmentGroupSummarySchema } from "./schemas";

/**
 * GET /segment_groups: the groups of the token's organizations, newest first, a page at a time,
 * each exactly as GET /segment_groups/{id} returns it. One D1 query per page, members included.
 */
/** A page's `meta` when the next page starts below index key `nextBefore` (null: none). */
function nextPageMeta(nextBefore: number | null): Page<unknown>["meta"] {
  return { next_cursor: nextBefore === null ? null : encodeCursor([nextBefore]), has_more: nextBefore !== null };
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
    const toItem = (row: SegmentGroupRow) => (view === "full" ? toSegmentGroup(row) : toSegmentGroupSummary(row));
    const cursor = query.cursor;
    let page: Page<ReturnType<typeof toItem>>;
    let feed: FeedState;
    if (query.segment !== undefined) {
      // The reverse lookup pages in index key (creation) order, its cursor the key to continue below.
      const before = cursor !== undefined && isSegmentCursor(cursor) ? cursor[0] : undefined;
      const found = await listSegmentGroupsUsingSegment(database(c), filters, query.segment, { limit: query.limit, before, view });
      page = { items: found.rows.map((row) => toItem(row as SegmentGroupRow)), meta: nextPageMeta(found.nextBefore) };
      feed = found.feed;
    } else {
      const after = cursor !== undefined && !isSegmentCursor(cursor) ? cursor : undefined;
      const found = await listStoredSegmentGroups(database(c), filters, { limit: query.limit, after, view });
      page = pageFrom(found.rows as SegmentGroupRow[], found.hasMore, segmentGroupKey, toItem);
      feed = found.feed;
    }
    // The change feed's position at this page's snapshot: a client that loads the list follows the feed from there.
    const changesCursor = feedCursor(Math.max(feed.head, feed.purgedThrough), feed.purgedThrough);
    // Per caller and ever-changing: browsers and shared caches must not reuse it unchecked.
    return success(c, page.items, 200, { "Cache-Control": "private, no-cache" }, { ...page.meta, changes_cursor: changesCursor });
  },
);
