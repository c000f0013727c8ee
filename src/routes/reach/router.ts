import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { deleteUniverseSketchRoute, getUniverseSketchRoute, putUniverseSketchRoute } from "./universe-sketch";

/** The universe's Theta sketch, the platform's (docs/reach.md); segments' sketches and groups' reach live with their resources. */
export const reachRouter = new Hono<AppEnv>().route("/", putUniverseSketchRoute).route("/", getUniverseSketchRoute).route("/", deleteUniverseSketchRoute);
