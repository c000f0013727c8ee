import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { getPlacement } from "./get-placement";
import { moveOrganization } from "./move-organization";

/** The platform operators' routes (`manage:shards`): where organizations live, and moving them. */
export const adminRouter = new Hono<AppEnv>().route("/", getPlacement).route("/", moveOrganization);
