import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { deleteSegmentSketchRoute } from "./delete-segment-sketch";
import { estimateReachRoute } from "./estimate-reach";
import { getGroupReachRoute } from "./get-group-reach";
import { getSegmentSketchRoute } from "./get-segment-sketch";
import { putSegmentSketchRoute } from "./put-segment-sketch";
import { deleteUniverseSketchRoute, getUniverseSketchRoute, putUniverseSketchRoute } from "./universe-sketch";

/** Reach: segments' and the universe's Theta sketches, and the estimates made from them (docs/reach.md). */
export const reachRouter = new Hono<AppEnv>()
  .route("/", putSegmentSketchRoute)
  .route("/", getSegmentSketchRoute)
  .route("/", deleteSegmentSketchRoute)
  .route("/", putUniverseSketchRoute)
  .route("/", getUniverseSketchRoute)
  .route("/", deleteUniverseSketchRoute)
  .route("/", getGroupReachRoute)
  .route("/", estimateReachRoute);
