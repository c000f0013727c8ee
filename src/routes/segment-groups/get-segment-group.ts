import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { requireAuth, requirePermission } from "../../auth";
import { findOnShards } from "../../db/shards/route";
import { toSegmentGroup } from "../../db/segment-groups/row";
import { findSegmentGroup } from "../../db/segment-groups/select";
import { etagHeader, notModified } from "../../http/conditional";
import { describeRoute } from "../../openapi/describe-route";
import { success } from "../../responses";
import { validate } from "../../validation/validate";
import { segmentGroupNotFound } from "./not-found";
import { segmentGroupParamsSchema, segmentGroupSchema } from "./schemas";

/**
 * GET /segment_groups/{id}: the group as the 201 returned it, with its ETag. A group of an
 * organization the token does not hold is a 404, so ids reveal nothing across organizations.
 */
export const getSegmentGroup = new Hono<AppEnv>().get(
  "/segment_groups/:id",
  describeRoute({
    operationId: "getSegmentGroup",
    summary: "Read a segment group",
    tags: ["Segment groups"],
    success: {
      status: 200,
      description: "The segment group.",
      data: segmentGroupSchema,
      headers: { ETag: "Its current version; send it back in If-Match.", "Cache-Control": "private, no-cache" },
    },
    otherResponses: [
      {
        status: 304,
        description: "Not modified: If-None-Match holds the current version. No body.",
        headers: { ETag: "The current version.", "Cache-Control": "private, no-cache" },
      },
    ],
    errors: ["segment_group_not_found"],
    headers: { "If-None-Match": "An ETag you hold: the answer is 304 with no body if it is still current." },
  }),
  requireAuth,
  requirePermission("read:segment_groups"),
  validate("param", segmentGroupParamsSchema),
  async function getSegmentGroupHandler(c) {
    const { id } = c.req.valid("param");
    const row = await findOnShards(c, c.get("caller").organizationIds, (db, organizationIds) => findSegmentGroup(db, id, organizationIds));
    if (!row) throw segmentGroupNotFound(id);

    const headers = { ETag: etagHeader(row.etag), "Cache-Control": "private, no-cache" };
    if (notModified(c.req.header("If-None-Match"), row.etag)) return c.body(null, 304, headers);
    return success(c, toSegmentGroup(row), 200, headers);
  },
);
