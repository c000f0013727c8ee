import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { getUsage } from "./get-usage";

/** GET /usage: what each organization stores, against its quotas. */
export const usageRouter = new Hono<AppEnv>().route("/", getUsage);
