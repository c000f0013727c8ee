import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { requireAuth, requirePermission } from "../../auth";
import { writeOnShards } from "../../db/shards/route";
import { newEtag } from "../../db/ids";
import { subgroupsDocument } from "../../db/segment-groups/document";
import { dryRunUpdateSegmentGroup } from "../../db/segment-groups/dry-run";
import { toSegmentGroup } from "../../db/segment-groups/row";
import { updateSegmentGroup as updateStoredSegmentGroup } from "../../db/segment-groups/update";
import { ApiError } from "../../errors";
import { acceptedVersions, etagHeader, preconditionFailed } from "../../http/conditional";
import { requireJsonPatchBody } from "../../middleware/json-body";
import { describeRoute } from "../../openapi/describe-route";
import { success } from "../../responses";
import { validate } from "../../validation/validate";
import { dryRunQuerySchema, isDryRun } from "./dry-run";
import { segmentGroupNotFound } from "./not-found";
import { segmentGroupParamsSchema, segmentGroupSchema, updateSegmentGroupSchema } from "./schemas";
import { segmentsNotFound } from "./segment-subgroups";

/**
 * PATCH /segment_groups/{id}: changes any of name, type, status and segment_subgroup (replaced
 * whole) in one batch. After the body: 404 group, 400 organization_id moved, 412 If-Match,
 * 404 segments, then 200 with the whole group and its new ETag. `?dry_run=true` runs the same
 * checks and answers 200 with the group as it would be stored (no ETag: nothing changed).
 */
export const updateSegmentGroup = new Hono<AppEnv>().patch(
  "/segment_groups/:id",
  describeRoute({
    operationId: "updateSegmentGroup",
    summary: "Change a segment group",
    description:
      "Send any of name, type, status, segment_subgroup and subgroup_operator; segment_subgroup replaces every subgroup. " +
      "organization_id may be sent only as it is. With If-Match, the change happens only at that version (else 412). " +
      "With `dry_run=true`, every check runs and the answer is the group as it would be stored, with no ETag; nothing is written.",
    tags: ["Segment groups"],
    success: { status: 200, description: "The segment group as now stored.", data: segmentGroupSchema, headers: { ETag: "Its new version (absent on a dry run)." } },
    errors: ["blank", "invalid_unicode", "duplicate_segment", "only_exclusions", "segment_group_not_found", "immutable_field", "precondition_failed", "segment_not_found"],
    headers: { "If-Match": "ETags from an earlier read: change the group only if it is still at one of them." },
    requestExample: { name: "Sports fans who run daily", status: false },
  }),
  requireAuth,
  requirePermission("update:segment_groups"),
  requireJsonPatchBody,
  validate("param", segmentGroupParamsSchema),
  validate("query", dryRunQuerySchema),
  validate("json", updateSegmentGroupSchema),
  async function updateSegmentGroupHandler(c) {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    const dryRun = isDryRun(c.req.valid("query"));
    const accepted = acceptedVersions(c.req.header("If-Match"));

    const subgroups = input.segment_subgroup && subgroupsDocument(input.segment_subgroup);
    const update = dryRun ? dryRunUpdateSegmentGroup : updateStoredSegmentGroup;
    const now = new Date().toISOString();
    const etag = newEtag();
    // The group lives on one shard: the shards of the token's other organizations answer "not found".
    const result = await writeOnShards(c, c.get("caller").organizationIds, (db, organizationIds) => update(db, {
      id,
      organizationIds,
      acceptedVersions: accepted,
      organizationId: input.organization_id,
      name: input.name,
      type: input.type,
      status: input.status,
      subgroupOperator: input.subgroup_operator,
      subgroups,
      now,
      etag,
      updatedBy: c.get("caller").subject ?? null,
    }), (answer) => answer.outcome !== "not_found");

    // The write decided; the outcomes come in the documented order of checks.
    switch (result.outcome) {
      case "updated":
        // A document sent is the one stored (as its text): its objects need no parsing back.
        return success(c, toSegmentGroup(result.group, subgroups?.subgroups), 200, dryRun ? {} : { ETag: etagHeader(result.group.etag) });
      case "not_found":
        throw segmentGroupNotFound(id);
      case "organization_mismatch":
        throw ApiError.of("immutable_field", `A segment group cannot move to another organization; it belongs to ${result.organizationId}.`, "organization_id");
      case "version_mismatch":
        throw preconditionFailed();
      case "segments_not_found":
        throw segmentsNotFound(input.segment_subgroup ?? [], result.missingMembers);
    }
  },
);
