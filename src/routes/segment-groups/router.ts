import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { createSegmentGroup } from "./create-segment-group";
import { deleteSegmentGroup } from "./delete-segment-group";
import { estimateReachRoute } from "./estimate-reach";
import { evaluateSegmentGroup } from "./evaluate-segment-group";
import { getGroupReachRoute } from "./get-group-reach";
import { getSegmentGroup } from "./get-segment-group";
import { getVersion } from "./get-version";
import { listChanges } from "./list-changes";
import { listSegmentGroups } from "./list-segment-groups";
import { listVersions } from "./list-versions";
import { updateSegmentGroup } from "./update-segment-group";

/** Every /segment_groups route, one file each. The feed comes before GET /segment_groups/:id, which would take "changes" for an id. */
export const segmentGroupsRouter = new Hono<AppEnv>()
  .route("/", createSegmentGroup)
  .route("/", listSegmentGroups)
  .route("/", listChanges)
  .route("/", getSegmentGroup)
  .route("/", updateSegmentGroup)
  .route("/", deleteSegmentGroup)
  .route("/", evaluateSegmentGroup)
  .route("/", listVersions)
  .route("/", getVersion)
  .route("/", getGroupReachRoute)
  .route("/", estimateReachRoute);
