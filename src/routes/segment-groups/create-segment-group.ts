import { Hono, type Context } from "hono";
import type { AppEnv } from "../../app-env";
import { actFor, requireAuthNamingOrganizations, requirePermission } from "../../auth";
import { organizationDatabaseToRead, organizationDatabaseToWrite } from "../../db/shards/route";
import { newEtag, newSegmentGroupId } from "../../db/ids";
import { subgroupsDocument, type StoredSubgroup } from "../../db/segment-groups/document";
import { dryRunInsertSegmentGroup } from "../../db/segment-groups/dry-run";
import { insertSegmentGroup } from "../../db/segment-groups/insert";
import { toSegmentGroup, type SegmentGroupRow } from "../../db/segment-groups/row";
import { etagHeader } from "../../http/conditional";
import { idempotencyClaim, idempotencyKeyReused, replayedHeaders } from "../../idempotency";
import { requireJsonBody } from "../../middleware/json-body";
import { describeRoute } from "../../openapi/describe-route";
import { IDEMPOTENCY_DOCS } from "../../openapi/idempotency";
import { success } from "../../responses";
import { validate } from "../../validation/validate";
import { quotaExceeded, quotaExceededMetaSchema } from "../../errors/quota-exceeded";
import { dryRunQuerySchema, isDryRun, segmentGroupDraftSchema } from "./dry-run";
import { CREATE_GROUP_EXAMPLE, createSegmentGroupSchema, segmentGroupSchema } from "./schemas";
import { priorAnswerOnOtherShards } from "../../idempotency/on-shards";
import { segmentsNotFound } from "./segment-subgroups";

/**
 * POST /segment_groups. Checks run in the contract's order: token (401), permission (403),
 * media type and size (415/413), body and Idempotency-Key syntax (400), organization (403),
 * then, in the write's one batch, the key's earlier use (replay or 422), the organization's
 * quota of groups (403), catalog (404), 201.
 * `?dry_run=true` runs the same checks and answers 200 with the group it would store.
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
      headers: { Location: "The new group's URL.", ETag: "Its version; send it back in If-Match.", ...IDEMPOTENCY_DOCS.responseHeaders },
    },
    otherResponses: [
      { status: 200, description: "Dry run (`dry_run=true`): the group as it would be stored, without an id; nothing was written.", data: segmentGroupDraftSchema },
    ],
    errors: ["blank", "invalid_unicode", "duplicate_segment", "only_exclusions", "organization_forbidden", "quota_exceeded", "segment_not_found", ...IDEMPOTENCY_DOCS.errors],
    errorMeta: { quota_exceeded: quotaExceededMetaSchema },
    headers: IDEMPOTENCY_DOCS.requestHeaders,
    requestExample: CREATE_GROUP_EXAMPLE,
  }),
  requireAuthNamingOrganizations,
  requirePermission("create:segment_groups"),
  requireJsonBody,
  validate("query", dryRunQuerySchema),
  validate("json", createSegmentGroupSchema),
  async function createSegmentGroupHandler(c) {
    const input = c.req.valid("json");
    const dryRun = isDryRun(c.req.valid("query"));
    const now = new Date();
    // Checked on a dry run too (its syntax), though a dry run stores no answer under it.
    const claim = await idempotencyClaim(c, "POST /segment_groups", 201, input, now);
    await actFor(c, [input.organization_id]);

    const id = newSegmentGroupId(now.getTime());
    const createdAt = now.toISOString();
    const etag = newEtag();
    const newGroup = {
      id,
      organizationId: input.organization_id,
      name: input.name,
      type: input.type,
      status: input.status,
      subgroupOperator: input.subgroup_operator,
      subgroups: subgroupsDocument(input.segment_subgroup),
      now: createdAt,
      etag,
      createdBy: c.get("caller").subject ?? null,
      quota: c.get("storageLimits").groupsPerOrganization,
    };
    if (dryRun) {
      // A dry run places nothing: an organization that has never written reads from DB, as empty as any shard.
      const draft = await dryRunInsertSegmentGroup(await organizationDatabaseToRead(c, input.organization_id), newGroup);
      if (draft.outcome === "quota_exceeded") throw quotaExceeded("groups", input.organization_id, draft.limit, "organization_id");
      if (draft.outcome === "segments_not_found") throw segmentsNotFound(input.segment_subgroup, draft.missingMembers);
      const { id: _, ...wouldBeStored } = toSegmentGroup(draft.group);
      return success(c, wouldBeStored, 200);
    }
    const db = await organizationDatabaseToWrite(c, input.organization_id);
    const elsewhere = await priorAnswerOnOtherShards<SegmentGroupRow>(c, claim, db);
    if (elsewhere?.outcome === "key_reused") throw idempotencyKeyReused();
    if (elsewhere?.outcome === "replayed") return created(c, elsewhere.snapshot, elsewhere.status as 201, true);
    const outcome = await insertSegmentGroup(db, newGroup, claim);
    switch (outcome.outcome) {
      case "segments_not_found":
        throw segmentsNotFound(input.segment_subgroup, outcome.missingMembers);
      case "quota_exceeded":
        throw quotaExceeded("groups", input.organization_id, outcome.limit, "organization_id");
      case "key_reused":
        throw idempotencyKeyReused();
      case "created":
        return created(c, outcome.group, 201, false, newGroup.subgroups.subgroups);
      case "replayed":
        return created(c, outcome.snapshot, outcome.status as 201, true);
    }
  },
);

// The row as the database returned it (then, or when the key was first used), never the request
// echoed back; its document as the objects this write stored as that text, when it has them.
function created(c: Context<AppEnv>, group: SegmentGroupRow, status: 201, replayed: boolean, stored?: readonly StoredSubgroup[]) {
  const headers = { Location: `/segment_groups/${group.id}`, ETag: etagHeader(group.etag), ...replayedHeaders(replayed) };
  return success(c, toSegmentGroup(group, stored), status, headers);
}
