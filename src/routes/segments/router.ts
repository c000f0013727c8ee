import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { bulkUpsertSegments } from "./bulk-upsert-segments";
import { deleteSegment } from "./delete-segment";
import { getSegment } from "./get-segment";
import { listSegments } from "./list-segments";
import { putSegment } from "./put-segment";

/** Every /segments route (the catalog), one file each. */
export const segmentsRouter = new Hono<AppEnv>()
  .route("/", listSegments)
  .route("/", getSegment)
  .route("/", putSegment)
  .route("/", bulkUpsertSegments)
  .route("/", deleteSegment);
