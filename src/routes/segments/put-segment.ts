import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { actFor, requireAuthNamingOrganizations, requirePermission } from "../../auth";
import { assertMayWriteGlobal, keySpaceConflict } from "./key-spaces";
import { database } from "../../db/context";
import { isSharded } from "../../db/shards/bindings";
import { everyShard, organizationDatabaseToWrite } from "../../db/shards/route";
import { upsertGlobalSegment } from "../../db/segments/global-writes";
import { toSegment } from "../../db/segments/row";
import { upsertSegment } from "../../db/segments/upsert";
import { requireJsonBody } from "../../middleware/json-body";
import { describeRoute } from "../../openapi/describe-route";
import { success } from "../../responses";
import { validate } from "../../validation/validate";
import { putSegmentSchema, segmentParamsSchema, segmentSchema } from "./schemas";
import { quotaExceeded, quotaExceededMetaSchema } from "../../errors/quota-exceeded";

/**
 * PUT /segments/{segment_type}/{segment_id}: creates (201) or replaces (200) a segment in one
 * key space: `organization_id`'s own, or the global catalog (null or absent; `write:catalog`).
 * What other organizations own never changes the answer; a key in the other key space is 409.
 */
export const putSegment = new Hono<AppEnv>().put(
  "/segments/:segment_type/:segment_id",
  describeRoute({
    operationId: "putSegment",
    summary: "Create or replace a catalog segment",
    tags: ["Segment catalog"],
    success: { status: 200, description: "Replaced: the segment existed.", data: segmentSchema },
    otherResponses: [{ status: 201, description: "Created: the segment did not exist.", data: segmentSchema }],
    errors: ["blank", "invalid_unicode", "insufficient_permissions", "organization_forbidden", "quota_exceeded", "segment_owner_conflict"],
    errorMeta: { quota_exceeded: quotaExceededMetaSchema },
    requestExample: { name: "Cyclists", organization_id: 1234 },
  }),
  requireAuthNamingOrganizations,
  requirePermission("write:segments"),
  requireJsonBody,
  validate("param", segmentParamsSchema),
  validate("json", putSegmentSchema),
  async function putSegmentHandler(c) {
    const { segment_type, segment_id } = c.req.valid("param");
    const body = c.req.valid("json");
    const organizationId = body.organization_id ?? null;
    if (organizationId === null) assertMayWriteGlobal(c.get("caller"), "organization_id");
    await actFor(c, organizationId === null ? [] : [organizationId]);

    const segment = { segmentType: segment_type, segmentId: segment_id, name: body.name };
    const now = new Date().toISOString();
    const quota = c.get("storageLimits").segmentsPerOrganization;
    // A private segment lives on its owner's shard; a global one on every shard (src/db/segments/global-writes.ts).
    let result;
    if (organizationId !== null) result = await upsertSegment(await organizationDatabaseToWrite(c, organizationId), { ...segment, organizationId }, now, quota);
    else if (isSharded(c.env)) result = await upsertGlobalSegment(everyShard(c), { ...segment, organizationId }, now, quota);
    else result = await upsertSegment(database(c), { ...segment, organizationId }, now, quota);
    if (result.outcome === "quota_exceeded") throw quotaExceeded("private segments", organizationId!, result.limit, "organization_id");
    if (result.outcome === "key_space_conflict") throw keySpaceConflict(organizationId, result.privateOwners, "organization_id");
    return success(c, toSegment(result.segment), result.created ? 201 : 200);
  },
);
