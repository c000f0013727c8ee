import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { assertOrganizationAccess, requireAuth, requirePermission } from "../../auth";
import { database } from "../../db/context";
import { newEtag, newSegmentGroupId } from "../../db/ids";
import { subgroupsDocument } from "../../db/segment-groups/document";
import { insertSegmentGroup } from "../../db/segment-groups/insert";
import { toSegmentGroup } from "../../db/segment-groups/row";
import { etagHeader } from "../../http/conditional";
import { requireJsonBody } from "../../middleware/json-body";
import { describeRoute } from "../../openapi/describe-route";
import { success } from "../../responses";
import { validate } from "../../validation/validate";
import { createSegmentGroupSchema, segmentGroupSchema } from "./schemas";
import { segmentsNotFound } from "./segment-subgroups";

/**
 * POST /segment_groups. Checks run in the contract's order: token (401), permission (403),
 * media type and size (415/413), body (400), organization (403), catalog (404), then 201.
 */
export const createSegmentGroup = new Hono<AppEnv>().post(
  "/segment_groups",
  describeRoute({
    operationId: "createSegmentGroup",
    summary: "Create a segment group",
    tags: ["Segment groups"],
    success: {
      status: 201,
      description: "The segment group as stored, with its id and timestamps.",
      data: segmentGroupSchema,
      headers: { Location: "The new group's URL.", ETag: "Its version; send it back in If-Match." },
    },
    errors: ["blank", "duplicate_segment", "organization_forbidden", "segment_not_found"],
    requestExample: {
      name: "Sports fans who run",
      type: "CONTEXTUAL",
      organization_id: 1234,
      status: true,
      segment_subgroup: [
        {
          segment_operator: "AND",
          segment_members: [
            { segment_id: 101, segment_type: "CONTEXTUAL" },
            { segment_id: 201, segment_type: "3P" },
          ],
        },
        { segment_operator: "OR", segment_members: [{ segment_id: 301, segment_type: "3P" }] },
      ],
    },
  }),
  requireAuth,
  requirePermission("create:segment_groups"),
  requireJsonBody,
  validate("json", createSegmentGroupSchema),
  async function createSegmentGroupHandler(c) {
    const input = c.req.valid("json");
    assertOrganizationAccess(c.var.caller, input.organization_id);

    const now = new Date();
    const id = newSegmentGroupId(now.getTime());
    const createdAt = now.toISOString();
    const etag = newEtag();
    const outcome = await insertSegmentGroup(database(c), {
      id,
      organizationId: input.organization_id,
      name: input.name,
      type: input.type,
      status: input.status,
      subgroups: subgroupsDocument(input.segment_subgroup),
      now: createdAt,
      etag,
      createdBy: c.var.caller.subject ?? null,
    });
    if (outcome.outcome === "segments_not_found") throw segmentsNotFound(input.segment_subgroup, outcome.missingMembers);

    // The row as the database returned it, not the request echoed back.
    const group = outcome.group;
    return success(c, toSegmentGroup(group), 201, { Location: `/segment_groups/${group.id}`, ETag: etagHeader(group.etag) });
  },
);
