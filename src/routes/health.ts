import { Hono } from "hono";
import * as z from "zod/mini";
import type { AppEnv } from "../app-env";
import { everyShard } from "../db/shards/route";
import { describeRoute } from "../openapi/describe-route";
import { success } from "../responses";

/** GET /health: no auth; 200 only when the Worker and its database both answer. */
export const health = new Hono<AppEnv>().get(
  "/health",
  describeRoute({
    operationId: "getHealth",
    summary: "Check the Worker and its database",
    tags: ["Operations"],
    success: { status: 200, description: "Both answer.", data: z.object({ status: z.literal("ok"), database: z.literal("ok") }) },
    errors: ["database_unavailable"],
  }),
  async function checkHealth(c) {
    // Every shard must answer: any organization may live on any of them.
    await Promise.all(everyShard(c).map(({ db }) => db.first(db.statement("SELECT 1"))));
    return success(c, { status: "ok" as const, database: "ok" as const });
  },
);
