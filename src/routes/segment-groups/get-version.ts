import { Hono } from "hono";
// Namespace import: lets the bundler drop the parts of zod we never use.
import * as z from "zod/mini";
import type { AppEnv } from "../../app-env";
import { requireAuth, requirePermission } from "../../auth";
import { findOnShards } from "../../db/shards/route";
import { findVersion } from "../../db/segment-groups/versions";
import { ApiError } from "../../errors";
import { describeRoute } from "../../openapi/describe-route";
import { success } from "../../responses";
import { validate } from "../../validation/validate";
import { segmentGroupVersionSchema } from "./changes-schemas";
import { toVersion } from "./list-versions";
import { segmentGroupNotFound } from "./not-found";
import { segmentGroupParamsSchema } from "./schemas";

const versionParamsSchema = z.extend(segmentGroupParamsSchema, {
  version: z
    .pipe(
      z.string().check(z.regex(/^[0-9a-f]{32}$/i, { message: "must be a version (an ETag value: 32 hexadecimal digits)" })),
      z.transform((version: string) => version.toLowerCase()),
    )
    .register(z.globalRegistry, { description: "A version from the group's history or its ETag (without the quotes)." }),
});

/** GET /segment_groups/{id}/versions/{version}: one version of a group, as the history lists it. */
export const getVersion = new Hono<AppEnv>().get(
  "/segment_groups/:id/versions/:version",
  describeRoute({
    operationId: "getSegmentGroupVersion",
    summary: "Read one version of a segment group",
    tags: ["Segment groups"],
    success: { status: 200, description: "The version.", data: segmentGroupVersionSchema, headers: { "Cache-Control": "private, no-cache" } },
    errors: ["segment_group_not_found", "version_not_found"],
  }),
  requireAuth,
  requirePermission("read:segment_groups"),
  validate("param", versionParamsSchema),
  async function getVersionHandler(c) {
    const { id, version } = c.req.valid("param");
    const result = await findOnShards(c, c.get("caller").organizationIds, async (db, organizationIds) => {
      const answer = await findVersion(db, { groupId: id, organizationIds, version });
      return answer.outcome === "not_found" ? undefined : answer;
    });
    if (result === undefined) throw segmentGroupNotFound(id);
    if (result.outcome === "version_not_found") throw ApiError.of("version_not_found", `Segment group ${id} has no version ${version}.`, "version");
    return success(c, toVersion(result.row), 200, { "Cache-Control": "private, no-cache" });
  },
);
