import { Hono } from "hono";
import * as z from "zod/mini";
import type { AppEnv } from "../../app-env";
import { requireAuth, requirePermission } from "../../auth";
import { directoryDatabase } from "../../db/context";
import { PRIMARY_SHARD } from "../../db/shards/bindings";
import { describeRoute } from "../../openapi/describe-route";
import { success } from "../../responses";
import { validate } from "../../validation/validate";
import { organizationParamsSchema } from "./schemas";

const placementSchema = z
  .object({
    organization_id: z.int(),
    shard: z.string().register(z.globalRegistry, { description: "The shard it lives on (`DB` until its first write places it)." }),
    placed: z.boolean().register(z.globalRegistry, { description: "False until its first write: it has no rows anywhere yet." }),
    state: z.enum(["active", "moving"]).register(z.globalRegistry, { description: "`moving`: a move is draining or copying it; its writes answer 503." }),
    moving_to: z.nullable(z.string()).register(z.globalRegistry, { description: "While moving: the shard it goes to." }),
    previous_shard: z.nullable(z.string()).register(z.globalRegistry, { description: "After a move, until cleaned: the shard its old rows are still on." }),
    changed_at: z.nullable(z.string()).register(z.globalRegistry, { format: "date-time", description: "When its placement last changed." }),
  })
  .register(z.globalRegistry, { id: "OrganizationPlacement" });

const READ = "SELECT shard, state, moving_to, previous_shard, changed_at FROM organization_shards WHERE organization_id = ?1";

/** GET /admin/organizations/{id}: where an organization lives, read from the directory itself (never a cached copy). */
export const getPlacement = new Hono<AppEnv>().get(
  "/admin/organizations/:organization_id",
  describeRoute({
    operationId: "getOrganizationPlacement",
    summary: "Where an organization lives",
    tags: ["Operations"],
    success: { status: 200, description: "Its placement.", data: placementSchema },
    errors: [],
  }),
  requireAuth,
  requirePermission("manage:shards"),
  validate("param", organizationParamsSchema),
  async function getPlacementHandler(c) {
    const { organization_id } = c.req.valid("param");
    const directory = directoryDatabase(c);
    const row = await directory.first<{ shard: string; state: "active" | "moving"; moving_to: string | null; previous_shard: string | null; changed_at: string }>(
      directory.statement(READ, organization_id),
    );
    const placement = row ?? { shard: PRIMARY_SHARD, state: "active" as const, moving_to: null, previous_shard: null, changed_at: null };
    return success(c, { organization_id, placed: row !== undefined, ...placement });
  },
);
