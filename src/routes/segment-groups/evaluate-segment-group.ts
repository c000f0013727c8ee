import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { requireAuth, requirePermission } from "../../auth";
import { findOnShards } from "../../db/shards/route";
import { findSegmentGroup } from "../../db/segment-groups/select";
import { groupLogicOf } from "../../db/segment-groups/row";
import { evaluateGroup, indexUserSegments } from "../../logic/evaluate";
import { requireJsonBody } from "../../middleware/json-body";
import { describeRoute } from "../../openapi/describe-route";
import { success } from "../../responses";
import { validate } from "../../validation/validate";
import { evaluateSegmentGroupSchema, segmentGroupEvaluationSchema } from "./evaluate-schemas";
import { segmentGroupNotFound } from "./not-found";
import { segmentGroupParamsSchema } from "./schemas";

/**
 * POST /segment_groups/{id}/evaluate: whether the group matches a user, given the catalog
 * segments the user is in. One D1 read (the group's row); the logic runs in the Worker. A
 * group of another organization is a 404, as for GET.
 */
export const evaluateSegmentGroup = new Hono<AppEnv>().post(
  "/segment_groups/:id/evaluate",
  describeRoute({
    operationId: "evaluateSegmentGroup",
    summary: "Evaluate a segment group for a user",
    description:
      "Send the catalog segments a user is in (0 to 10,000; repeats are harmless). The answer says whether the group matches, " +
      "and for each subgroup in order whether its members, joined by its `segment_operator`, match (before `exclude`). " +
      "The rules are in the API description, \"Group logic\".",
    tags: ["Segment groups"],
    success: { status: 200, description: "The evaluation.", data: segmentGroupEvaluationSchema },
    errors: ["segment_group_not_found"],
    requestExample: {
      segments: [
        { segment_id: 101, segment_type: "CONTEXTUAL" },
        { segment_id: 201, segment_type: "3P" },
      ],
    },
  }),
  requireAuth,
  requirePermission("read:segment_groups"),
  requireJsonBody,
  validate("param", segmentGroupParamsSchema),
  validate("json", evaluateSegmentGroupSchema),
  async function evaluateSegmentGroupHandler(c) {
    const { id } = c.req.valid("param");
    const { segments } = c.req.valid("json");
    const row = await findOnShards(c, c.get("caller").organizationIds, (db, organizationIds) => findSegmentGroup(db, id, organizationIds));
    if (!row) throw segmentGroupNotFound(id);
    return success(c, evaluateGroup(groupLogicOf(row), indexUserSegments(segments)), 200);
  },
);
