import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { assertOrganizationAccess, requireAuth, requirePermission } from "../../auth";
import { database, withDatabase } from "../../db/client";
import { newEtag, newSegmentGroupId } from "../../db/ids";
import { insertSegmentGroup } from "../../db/segment-groups";
import { ApiError } from "../../errors";
import { etagHeader } from "../../http/conditional";
import { requireJsonBody } from "../../middleware/json-body";
import { describeRoute } from "../../openapi/describe-route";
import { success } from "../../responses";
import { fieldPath } from "../../validation/field-path";
import { validate } from "../../validation/validate";
import { createSegmentGroupSchema, segmentGroupSchema, type CreateSegmentGroupInput } from "./schemas";

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
    const outcome = await withDatabase(c.var.requestId, () =>
      insertSegmentGroup(database(c.env.DB), {
        id,
        organizationId: input.organization_id,
        name: input.name,
        type: input.type,
        status: input.status,
        subgroups: input.segment_subgroup.map((s) => ({
          operator: s.segment_operator,
          members: s.segment_members.map((m) => ({ segmentType: m.segment_type, segmentId: m.segment_id })),
        })),
        now: createdAt,
        etag,
      }),
    );
    if (!outcome.inserted) throw segmentsNotFound(input, outcome.missingMembers);

    const data = { id, ...input, created_at: createdAt, updated_at: createdAt };
    return success(c, data, 201, { Location: `/segment_groups/${id}`, ETag: etagHeader(etag) });
  },
);

function segmentsNotFound(input: CreateSegmentGroupInput, missing: number[]): ApiError {
  const paths = input.segment_subgroup.flatMap((s, sp) =>
    s.segment_members.map((m, mp) => ({ member: m, path: fieldPath(["segment_subgroup", sp, "segment_members", mp, "segment_id"]) })),
  );
  return new ApiError(
    missing.map((index) => {
      const { member, path } = paths[index]!;
      return {
        code: "segment_not_found" as const,
        field: path,
        message: `No ${member.segment_type} segment ${member.segment_id} is available to this organization.`,
      };
    }),
  );
}
