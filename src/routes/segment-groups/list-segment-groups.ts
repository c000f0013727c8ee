import { Hono } from "hono";
import * as z from "zod/mini";
import type { AppEnv } from "../../app-env";
import { listedOrganizations, requireAuthNamingOrganizations, requirePermission } from "../../auth";
import { database } from "../../db/context";
import { listSegmentGroups as listStoredSegmentGroups, type SegmentGroupKey } from "../../db/segment-groups/list";
import { toSegmentGroup, toSegmentGroupSummary, type SegmentGroupRow } from "../../db/segment-groups/row";
import { describeRoute } from "../../openapi/describe-route";
import { pageFrom, pageMetaSchema } from "../../pagination";
import { success } from "../../responses";
import { validate } from "../../validation/validate";
import { listSegmentGroupsQuerySchema } from "./list-query";
import { feedCursor, feedScope } from "./changes-schemas";
import { assertNotOlderThan, listCursorOf, listingIssuedFor, readAtLeastFor } from "./list-cursor";
import { segmentGroupSchema, segmentGroupSummarySchema } from "./schemas";

/**
 * GET /segment_groups: the groups of the token's organizations, newest first, a page at a time,
 * each exactly as GET /segment_groups/{id} returns it. One D1 query per page, members included.
 */
export const listSegmentGroups = new Hono<AppEnv>().get(
  "/segment_groups",
  describeRoute({
    operationId: "listSegmentGroups",
    summary: "List segment groups",
    description:
      "Newest first (ties by id). Page with `limit` and the previous page's `meta.next_cursor`; groups created or deleted meanwhile never make a page skip or repeat one.",
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
  requireAuthNamingOrganizations,
  requirePermission("read:segment_groups"),
  validate("query", listSegmentGroupsQuerySchema),
  async function listSegmentGroupsHandler(c) {
    const query = c.req.valid("query");
    const filters = {
      organizationIds: await listedOrganizations(c, query.organization_id),
      type: query.type,
      status: query.status,
      nameQuery: query.q,
      segment: query.segment,
    };
    const view = query.view ?? "full";
    const issuedFor = await listingIssuedFor(filters);
    const db = database(c, readAtLeastFor(query.cursor, issuedFor));
    const after: SegmentGroupKey | undefined = query.cursor && [query.cursor[0], query.cursor[1]];
    const { rows, hasMore, feed } = await listStoredSegmentGroups(db, filters, { limit: query.limit, after, view });
    // The change feed's position at this page's snapshot: a client that loads the list follows the feed from there.
    const position = feed.head;
    assertNotOlderThan(query.cursor, position);
    const toItem = (row: SegmentGroupRow) => (view === "full" ? toSegmentGroup(row) : toSegmentGroupSummary(row));
    const page = pageFrom(rows as SegmentGroupRow[], hasMore, listCursorOf(c, issuedFor, position), toItem);
    const changesCursor = feedCursor(position, feed.purgedThrough, await feedScope(query.organization_id, filters.organizationIds));
    // Per caller and ever-changing: browsers and shared caches must not reuse it unchecked.
    return success(c, page.items, 200, { "Cache-Control": "private, no-cache" }, { ...page.meta, changes_cursor: changesCursor });
  },
);
