import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { bulkUpsertSegments } from "./bulk-upsert-segments";
import { deleteSegment } from "./delete-segment";
import { deleteSegmentSketchRoute } from "./delete-segment-sketch";
import { getSegment } from "./get-segment";
import { getSegmentSketchRoute } from "./get-segment-sketch";
import { listSegments } from "./list-segments";
import { putSegment } from "./put-segment";
import { putSegmentSketchRoute } from "./put-segment-sketch";

/** Every /segments route (the catalog), one file each. */
export const segmentsRouter = new Hono<AppEnv>()
  .route("/", listSegments)
  .route("/", getSegment)
  .route("/", putSegment)
  .route("/", bulkUpsertSegments)
  .route("/", deleteSegment)
  .route("/", putSegmentSketchRoute)
  .route("/", getSegmentSketchRoute)
  .route("/", deleteSegmentSketchRoute);
