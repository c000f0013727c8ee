import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { withDatabase } from "../db/client";
import { success } from "../responses";

/** GET /health: no auth; 200 only when the Worker and its database both answer. */
export const health = new Hono<AppEnv>().get("/health", async function checkHealth(c) {
  await withDatabase(c.var.requestId, () => c.env.DB.prepare("SELECT 1").first());
  return success(c, { status: "ok", database: "ok" });
});
