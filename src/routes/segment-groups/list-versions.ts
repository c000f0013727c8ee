import { Hono } from "hono";
// Namespace import: lets the bundler drop the parts of zod we never use.
import * as z from "zod/mini";
import type { AppEnv } from "../../app-env";
import { requireAuth, requirePermission } from "../../auth";
import { findOnParts, movesDigest, shardsOf } from "../../db/shards/route";
import type { ChangeRow } from "../../db/segment-groups/changes";
import { fromGroupSnapshot } from "../../db/segment-groups/row";
import { listVersions as listStoredVersions } from "../../db/segment-groups/versions";
import { describeRoute } from "../../openapi/describe-route";
import { assertIssuedFor, cursorParam, issuedForDigest, limitParam, pageFrom, pageMetaSchema } from "../../pagination";
import { success } from "../../responses";
import { validate } from "../../validation/validate";
import { segmentGroupVersionSchema } from "./changes-schemas";
import { segmentGroupNotFound } from "./not-found";
import { segmentGroupParamsSchema } from "./schemas";

const listVersionsQuerySchema = z.strictObject({
  limit: limitParam,
  // The last version's position, and the digest of the group it lists (a cursor is bound to its group).
  cursor: z.optional(cursorParam(z.tuple([z.int().check(z.minimum(1)), z.string()]))),
});

/** A stored event as a version in the history. */
export function toVersion(row: ChangeRow) {
  return {
    version: row.version,
    changed_at: row.changed_at,
    changed_by: row.changed_by,
    change: row.change,
    data: row.data === null ? null : fromGroupSnapshot(row.data),
  };
}

/**
 * GET /segment_groups/{id}/versions: who changed the group, when and to what, newest first,
 * paged like the list. Kept for the group's life and, after a delete, as long as its
 * tombstone. Another organization's group is a 404 exactly as for GET.
 */
export const listVersions = new Hono<AppEnv>().get(
  "/segment_groups/:id/versions",
  describeRoute({
    operationId: "listSegmentGroupVersions",
    summary: "List a segment group's versions",
    description: "Newest first. Page with `limit` and the previous page's `meta.next_cursor`. A deleted group's history stays as long as its tombstone (at least 30 days).",
    tags: ["Segment groups"],
    success: {
      status: 200,
      description: "One page of versions.",
      data: z.array(segmentGroupVersionSchema),
      meta: pageMetaSchema,
      headers: { "Cache-Control": "private, no-cache" },
    },
    errors: ["segment_group_not_found"],
  }),
  requireAuth,
  requirePermission("read:segment_groups"),
  validate("param", segmentGroupParamsSchema),
  validate("query", listVersionsQuerySchema),
  async function listVersionsHandler(c) {
    const { id } = c.req.valid("param");
    const query = c.req.valid("query");
    // A move renumbers a group's history on its new shard (src/db/shards/move.ts): its organizations' moves bind the cursor too.
    const parts = await shardsOf(c, c.get("caller").organizationIds);
    const moves = await movesDigest(parts);
    const issuedFor = await issuedForDigest(moves === "" ? [id] : [id, moves]);
    if (query.cursor !== undefined) assertIssuedFor(query.cursor[1], issuedFor, "cursor");
    const result = await findOnParts(c, parts, async (db, organizationIds) => {
      const answer = await listStoredVersions(db, { groupId: id, organizationIds, before: query.cursor?.[0], limit: query.limit });
      return answer.outcome === "not_found" ? undefined : answer;
    });
    if (result === undefined) throw segmentGroupNotFound(id);
    const page = pageFrom(result.rows, result.hasMore, (row) => [row.position, issuedFor], toVersion);
    return success(c, page.items, 200, { "Cache-Control": "private, no-cache" }, page.meta);
  },
);
