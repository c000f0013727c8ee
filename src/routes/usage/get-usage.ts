import { Hono } from "hono";
// Namespace import: lets the bundler drop the parts of zod we never use.
import * as z from "zod/mini";
import type { AppEnv } from "../../app-env";
import { listedOrganizations, requireAuthNamingOrganizations } from "../../auth";
import { shardDatabase } from "../../db/context";
import { shardsOf } from "../../db/shards/route";
import { readUsage } from "../../db/usage";
import { describeRoute } from "../../openapi/describe-route";
import { success } from "../../responses";
import { positiveIdParam } from "../../validation/integer-param";
import { validate } from "../../validation/validate";

const count = (description: string) => z.int().check(z.minimum(0)).register(z.globalRegistry, { description });

const usageSchema = z
  .object({
    organization_id: z.int().register(z.globalRegistry, { description: "The organization." }),
    groups: count("Its segment groups."),
    segments: count("Its private catalog segments (global ones belong to no organization)."),
    versions: count("Its groups' stored versions: the history and the change feed, one per write, tombstones included."),
    stored_bytes: count("Bytes of its groups' documents (subgroups and members) and of every stored version's copy of a group."),
    quota: z
      .object({
        groups: count("The most segment groups it may hold (QUOTA_GROUPS_PER_ORGANIZATION)."),
        segments: count("The most private segments it may own (QUOTA_SEGMENTS_PER_ORGANIZATION)."),
      })
      .register(z.globalRegistry, { description: "Past these, a write that would add one answers 403 quota_exceeded." }),
  })
  .register(z.globalRegistry, { id: "OrganizationUsage" });

const usageQuerySchema = z.strictObject({
  organization_id: z.optional(positiveIdParam).register(z.globalRegistry, { description: "Only this organization; it must be one of the token's." }),
});

/**
 * GET /usage: what each of the caller's organizations stores, and its quotas. Any valid token
 * may ask, whatever its permissions: it only shows the token's own organizations. One D1
 * statement, one row read per organization (the counters of organization_usage).
 */
export const getUsage = new Hono<AppEnv>().get(
  "/usage",
  describeRoute({
    operationId: "getUsage",
    summary: "Read what your organizations store",
    description:
      "Per organization: its groups, private segments, stored versions and bytes, with its quotas. Any valid token, whatever its permissions; " +
      "`organization_id` narrows to one of the token's organizations, otherwise every organization the token names, in ascending order.",
    tags: ["Usage"],
    success: { status: 200, description: "One entry per organization, in ascending id order.", data: z.array(usageSchema), headers: { "Cache-Control": "private, no-cache" } },
    errors: ["organization_forbidden"],
  }),
  requireAuthNamingOrganizations,
  validate("query", usageQuerySchema),
  async function getUsageHandler(c) {
    const organizationIds = await listedOrganizations(c, c.req.valid("query").organization_id);
    const limits = c.get("storageLimits");
    const quota = { groups: limits.groupsPerOrganization, segments: limits.segmentsPerOrganization };
    // Each organization's counters live on its shard: one statement per shard, at once.
    const parts = await shardsOf(c, organizationIds);
    const pages = await Promise.all(parts.map((part) => readUsage(shardDatabase(c, part.shard), part.organizationIds)));
    const rows = pages.flat().sort((a, b) => a.organization_id - b.organization_id);
    return success(c, rows.map((row) => ({ ...row, quota })), 200, { "Cache-Control": "private, no-cache" });
  },
);
