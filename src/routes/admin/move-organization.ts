import { Hono } from "hono";
// Namespace import: lets the bundler drop the parts of zod we never use.
import * as z from "zod/mini";
import type { AppEnv } from "../../app-env";
import { requireAuth, requirePermission } from "../../auth";
import { directoryDatabase, shardDatabase } from "../../db/context";
import { shardNames } from "../../db/shards/bindings";
import { forgetPlacements } from "../../db/shards/directory";
import { advanceMove } from "../../db/shards/move";
import { ApiError } from "../../errors";
import { describeRoute } from "../../openapi/describe-route";
import { requireJsonBody } from "../../middleware/json-body";
import { success } from "../../responses";
import { validate } from "../../validation/validate";
import { organizationParamsSchema } from "./schemas";

const moveSchema = z.strictObject({
  shard: z.string().check(z.regex(/^DB(_[A-Za-z0-9]{1,32})?$/)).register(z.globalRegistry, { description: "The binding of the shard to move the organization to: `DB`, `DB_2`…" }),
});

const moveStepSchema = z
  .object({
    organization_id: z.int(),
    phase: z.enum(["draining", "cleaning", "done"]).register(z.globalRegistry, {
      description:
        "`draining`: its writes answer 503 until the move ends; call again after `retry_after` seconds. `cleaning`: it lives on the new shard; call again to delete its old rows. `done`: it lives on `shard`.",
    }),
    shard: z.string().register(z.globalRegistry, { description: "Where it is moving, or lives once done." }),
    retry_after: z.nullable(z.int()).register(z.globalRegistry, { description: "Seconds until the next step may run; null once done." }),
    copied: z.optional(z.record(z.string(), z.int())).register(z.globalRegistry, { description: "The copy step only: the rows copied, by table." }),
  })
  .register(z.globalRegistry, { id: "OrganizationMove" });

/**
 * POST /admin/organizations/{id}/move: one step of moving an organization to another shard
 * (src/db/shards/move.ts; docs/storage.md, "Moving an organization"). Each call runs the next step
 * that is due; `npm run shards:move` calls until `done`. For the platform's operators only.
 */
export const moveOrganization = new Hono<AppEnv>().post(
  "/admin/organizations/:organization_id/move",
  describeRoute({
    operationId: "moveOrganization",
    summary: "Move an organization to another shard, one step at a time",
    description:
      "202 with `Retry-After` while the move drains writes (they answer 503 meanwhile) or waits to clean the old shard; 200 once the organization lives on `shard`. Repeat the call until then; each call is safe to repeat.",
    tags: ["Operations"],
    success: { status: 200, description: "Done: the organization lives on `shard`.", data: moveStepSchema },
    otherResponses: [{ status: 202, description: "A step ran or is waiting: call again after Retry-After.", data: moveStepSchema, headers: { "Retry-After": "Seconds until the next step." } }],
    errors: ["move_in_progress"],
    requestExample: { shard: "DB_2" },
  }),
  requireAuth,
  requirePermission("manage:shards"),
  requireJsonBody,
  validate("param", organizationParamsSchema),
  validate("json", moveSchema),
  async function moveOrganizationHandler(c) {
    const { organization_id } = c.req.valid("param");
    const { shard } = c.req.valid("json");
    const names = shardNames(c.env);
    if (!names.includes(shard)) throw ApiError.of("invalid_value", `is not a shard of this deployment: one of ${names.join(", ")}`, "shard");
    const step = await advanceMove({ directory: directoryDatabase(c), shard: (name) => shardDatabase(c, name), names }, organization_id, shard);
    // This isolate's own placements are stale from here; other isolates' expire (directory.ts).
    forgetPlacements();
    if (step.phase === "refused") throw ApiError.of("move_in_progress", `Organization ${organization_id} cannot move now: ${step.message}.`, "shard");
    if (step.phase === "done") return success(c, { organization_id, phase: step.phase, shard: step.shard, retry_after: null });
    const data = { organization_id, phase: step.phase, shard, retry_after: step.retryAfterSeconds, ...(step.phase === "cleaning" && step.copied ? { copied: step.copied } : {}) };
    return success(c, data, 202, { "Retry-After": String(step.retryAfterSeconds) });
  },
);
