import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { actFor, requireAuthNamingOrganizations, requirePermission } from "../../auth";
import { organizationDatabaseToRead } from "../../db/shards/route";
import { subgroupsDocument } from "../../db/segment-groups/document";
import { findDraftReachInputs } from "../../db/sketches/reach-inputs";
import { requireJsonBody } from "../../middleware/json-body";
import { describeRoute } from "../../openapi/describe-route";
import { success } from "../../responses";
import { validate } from "../../validation/validate";
import { CREATE_GROUP_EXAMPLE, createSegmentGroupSchema } from "./schemas";
import { segmentsNotFound } from "./segment-subgroups";
import { computeReach } from "../../reach/compute-reach";
import { groupReachSchema } from "../../reach/schemas";

/**
 * POST /segment_groups/reach: the reach of a group not stored, e.g. while it is being built.
 * The body is POST /segment_groups' and is checked as its dry run checks it (same errors,
 * `segment_not_found` per member included); nothing is written, so reading groups suffices.
 */
export const estimateReachRoute = new Hono<AppEnv>().post(
  "/segment_groups/reach",
  describeRoute({
    operationId: "estimateSegmentGroupReach",
    summary: "Estimate the reach of a group before storing it",
    tags: ["Reach"],
    success: { status: 200, description: "The estimate and its bounds, for the group and each subgroup; nothing was written.", data: groupReachSchema },
    errors: ["blank", "invalid_unicode", "duplicate_segment", "only_exclusions", "organization_forbidden", "segment_not_found", "sketch_missing", "universe_required"],
    requestExample: CREATE_GROUP_EXAMPLE,
  }),
  requireAuthNamingOrganizations,
  requirePermission("read:segment_groups"),
  requireJsonBody,
  validate("json", createSegmentGroupSchema),
  async function estimateReachHandler(c) {
    const input = c.req.valid("json");
    await actFor(c, [input.organization_id]);
    const document = subgroupsDocument(input.segment_subgroup);
    const db = await organizationDatabaseToRead(c, input.organization_id);
    const sizes = document.subgroups.map((subgroup) => subgroup.segment_members.length);
    const found = await findDraftReachInputs(db, document.memberKeys, sizes, input.organization_id);
    if (found.outcome === "segments_not_found") throw segmentsNotFound(input.segment_subgroup, found.missingMembers);
    const logic = { subgroup_operator: input.subgroup_operator, segment_subgroup: document.subgroups };
    return success(c, await computeReach(db, logic, input.organization_id, found));
  },
);
