import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { requireAuth, requirePermission } from "../../auth";
import { writeOnShards } from "../../db/shards/route";
import { newEtag } from "../../db/ids";
import { deleteSegmentGroup as deleteStoredSegmentGroup } from "../../db/segment-groups/delete";
import { acceptedVersions, preconditionFailed } from "../../http/conditional";
import { describeRoute } from "../../openapi/describe-route";
import { validate } from "../../validation/validate";
import { segmentGroupNotFound } from "./not-found";
import { segmentGroupParamsSchema } from "./schemas";

/**
 * DELETE /segment_groups/{id}: removes the group with its subgroups and members; 204 with no
 * body. A group of another organization is a 404 like one that never existed; with If-Match,
 * a group at another version is a 412 and stays.
 */
export const deleteSegmentGroup = new Hono<AppEnv>().delete(
  "/segment_groups/:id",
  describeRoute({
    operationId: "deleteSegmentGroup",
    summary: "Delete a segment group",
    tags: ["Segment groups"],
    success: { status: 204, description: "Deleted, with its subgroups and members." },
    errors: ["segment_group_not_found", "precondition_failed"],
    headers: { "If-Match": "ETags from an earlier read: delete the group only if it is still at one of them." },
  }),
  requireAuth,
  requirePermission("delete:segment_groups"),
  validate("param", segmentGroupParamsSchema),
  async function deleteSegmentGroupHandler(c) {
    const { id } = c.req.valid("param");
    const accepted = acceptedVersions(c.req.header("If-Match"));
    const version = newEtag();
    const now = new Date().toISOString();
    // The group lives on one shard: the shards of the token's other organizations answer "not found".
    const result = await writeOnShards(c, c.get("caller").organizationIds, (db, organizationIds) => deleteStoredSegmentGroup(db, {
      id,
      organizationIds,
      acceptedVersions: accepted,
      // The tombstone is a version of its own in the group's history.
      version,
      now,
      deletedBy: c.get("caller").subject ?? null,
    }), (answer) => answer.outcome !== "not_found");
    if (result.outcome === "not_found") throw segmentGroupNotFound(id);
    if (result.outcome === "version_mismatch") throw preconditionFailed();
    return c.body(null, 204);
  },
);
