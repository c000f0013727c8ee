import { Hono } from "hono";
import * as z from "zod/mini";
import type { AppEnv } from "../../app-env";
import { listedOrganizations, requireAuthNamingOrganizations, requirePermission } from "../../auth";
import { database } from "../../db/context";
import type { Database } from "../../db/database";
import { listSegmentGroups as listStoredSegmentGroups, type ListView, type SegmentGroupFilters } from "../../db/segment-groups/list";
import { listSegmentGroupsUsingSegment, type SegmentReference } from "../../db/segment-groups/list-by-segment";
import { toSegmentGroup, toSegmentGroupSummary, type SegmentGroupRow } from "../../db/segment-groups/row";
import { describeRoute } from "../../openapi/describe-route";
import { encodeCursor, NOT_THIS_LISTING, pageMetaSchema } from "../../pagination";
import { ApiError } from "../../errors";
import { isSharded } from "../../db/shards/bindings";
import { movesDigest, shardsOf } from "../../db/shards/route";
import { shardedFeedCursor } from "./sharded-feed";
import { isShardedListCursor, readShardedPage } from "./sharded-list";
import { success } from "../../responses";
import { validate } from "../../validation/validate";
import { listSegmentGroupsQuerySchema } from "./list-query";
import { feedCursor, feedScope } from "./changes-schemas";
import { type ListCursor, assertNotOlderThan, isOneDatabaseSegmentCursor, isSegmentCursor, listCursorOf, listingIssuedFor, readAtLeastFor } from "./list-cursor";
import { segmentGroupSchema, segmentGroupSummarySchema } from "./schemas";

/**
 * GET /segment_groups: the groups of the token's organizations, newest first, a page at a time,
 * each exactly as GET /segment_groups/{id} returns it. One D1 query per page, members included.
 */
/**
 * The page's rows and `meta`: of the listing in `created_at` order, or with `segment` of the
 * reverse lookup, in index key (creation) order, whose cursor is the key the next page continues below.
 */
async function readPage(db: Database, filters: SegmentGroupFilters, query: { cursor?: ListCursor; limit: number; segment?: SegmentReference }, view: ListView) {
  const { cursor, limit } = query;
  if (query.segment === undefined) {
    const after = cursor !== undefined && !isSegmentCursor(cursor) ? ([cursor[0], cursor[1]] as [string, string]) : undefined;
    const { rows, hasMore, feed } = await listStoredSegmentGroups(db, filters, { limit, after, view });
    const last = (rows as SegmentGroupRow[]).at(-1);
    const next: { after: SegmentGroupRow } | null = hasMore && last !== undefined ? { after: last } : null;
    return { rows: rows as SegmentGroupRow[], next, feed };
  }
  const before = cursor !== undefined && isOneDatabaseSegmentCursor(cursor) ? cursor[0] : undefined;
  const { rows, nextBefore, feed } = await listSegmentGroupsUsingSegment(db, filters, query.segment, { limit, before, view });
  const next: { below: number } | null = nextBefore === null ? null : { below: nextBefore };
  return { rows: rows as SegmentGroupRow[], next, feed };
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
    };
    const view = query.view ?? "full";
    // One digest of the organizations listed binds both the listing's cursor and its changes_cursor.
    const scope = await feedScope(query.organization_id, filters.organizationIds);
    if (isSharded(c.env)) {
      const parts = await shardsOf(c, filters.organizationIds);
      const issuedFor = await listingIssuedFor(filters, query.segment, scope.organizations);
      if (query.cursor !== undefined && !isShardedListCursor(query.cursor)) throw ApiError.of("invalid_value", NOT_THIS_LISTING, "cursor");
      // A move renumbers an organization's rows on its new shard: a cursor from before it expires.
      const moves = await movesDigest(parts);
      if (query.cursor !== undefined && query.cursor[5] !== moves) throw ApiError.of("invalid_value", "was issued before one of these organizations moved to another database; start again without it", "cursor");
      const page = await readShardedPage(c, parts, filters, { limit: query.limit, view, segment: query.segment, cursor: query.cursor, issuedFor, moves });
      const toItem = (row: SegmentGroupRow) => (view === "full" ? toSegmentGroup(row) : toSegmentGroupSummary(row));
      const meta = { next_cursor: page.nextCursor, has_more: page.nextCursor !== null, changes_cursor: shardedFeedCursor(page.heads, scope, moves) };
      return success(c, (page.rows as SegmentGroupRow[]).map(toItem), 200, { "Cache-Control": "private, no-cache" }, meta);
    }
    const cursor = query.cursor;
    if (cursor !== undefined && isShardedListCursor(cursor)) throw ApiError.of("invalid_value", NOT_THIS_LISTING, "cursor");
    const issuedFor = await listingIssuedFor(filters, query.segment, scope.organizations);
    const { rows, next, feed } = await readPage(database(c, readAtLeastFor(cursor, issuedFor)), filters, { ...query, cursor }, view);
    // The change feed's position at this page's snapshot: a client that loads the list follows the feed from there.
    const position = feed.head;
    assertNotOlderThan(cursor, position);
    const cursorOf = listCursorOf(c, issuedFor, position);
    const nextCursor = next === null ? null : encodeCursor("after" in next ? cursorOf.after(next.after) : cursorOf.below(next.below));
    const meta = { next_cursor: nextCursor, has_more: next !== null };
    const toItem = (row: SegmentGroupRow) => (view === "full" ? toSegmentGroup(row) : toSegmentGroupSummary(row));
    const changesCursor = feedCursor(position, feed.purgedThrough, scope);
    // Per caller and ever-changing: browsers and shared caches must not reuse it unchecked.
    return success(c, rows.map(toItem), 200, { "Cache-Control": "private, no-cache" }, { ...meta, changes_cursor: changesCursor });
  },
);
