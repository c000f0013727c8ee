import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { requireAuth, requirePermission } from "../../auth";
import { database } from "../../db/context";
import { writeFirstThenCopies } from "../../db/shards/route";
import { bytesFromHex, toSketchMetadata } from "../../db/sketches/row";
import { deleteUniverseSketch, findUniverseSketch, putUniverseSketch } from "../../db/sketches/universe";
import { describeRoute } from "../../openapi/describe-route";
import { success } from "../../responses";
import { validate } from "../../validation/validate";
import { sketchNotFound } from "../../reach/errors";
import { putUniverseSketchQuerySchema, universeSketchSchema } from "../../reach/schemas";
import { requireSketchBody, sketchBytes, uploadedSketch, wantsBytes } from "../../reach/sketch-body";

// The universe sketch (every user the platform can reach): the platform's, like global
// segments, so writing it needs `write:catalog`; only a group whose logic takes a complement uses it.

/** PUT /reach/universe: stores the universe sketch, by the body rules of a segment's sketch. */
export const putUniverseSketchRoute = new Hono<AppEnv>().put(
  "/reach/universe",
  describeRoute({
    operationId: "putUniverseSketch",
    summary: "Upload the universe's Theta sketch",
    description: "The sketch of every user the platform can reach; a group whose logic takes a complement (an OR group excluding a subgroup) needs it.",
    tags: ["Reach"],
    success: { status: 200, description: "The sketch replaced the previous universe sketch.", data: universeSketchSchema },
    otherResponses: [{ status: 201, description: "The first universe sketch.", data: universeSketchSchema }],
    errors: ["invalid_sketch"],
  }),
  requireAuth,
  requirePermission("write:catalog"),
  requireSketchBody,
  validate("query", putUniverseSketchQuerySchema),
  async function putUniverseSketchHandler(c) {
    const { lg_k } = c.req.valid("query");
    const sketch = uploadedSketch(c.get("sketchBody"), lg_k, new Date().toISOString());
    // Every shard holds the universe, as it holds the global catalog: reach is computed on an organization's own shard.
    const result = await writeFirstThenCopies(c, (db) => putUniverseSketch(db, sketch), () => true);
    const data = toSketchMetadata(result.sketch);
    return result.created ? success(c, data, 201) : success(c, data, 200);
  },
);

/** GET /reach/universe: the universe sketch's metadata, or its bytes (`Accept: application/octet-stream`). */
export const getUniverseSketchRoute = new Hono<AppEnv>().get(
  "/reach/universe",
  describeRoute({
    operationId: "getUniverseSketch",
    summary: "Read the universe's Theta sketch",
    tags: ["Reach"],
    success: {
      status: 200,
      description: "The sketch's metadata; with `Accept: application/octet-stream`, its bytes exactly as uploaded.",
      data: universeSketchSchema,
      binary: true,
      headers: { Vary: "Accept" },
    },
    errors: ["sketch_not_found"],
  }),
  requireAuth,
  requirePermission("read:segments"),
  async function getUniverseSketchHandler(c) {
    const raw = wantsBytes(c.req.header("Accept"));
    const found = await findUniverseSketch(database(c), raw);
    if (!found) throw sketchNotFound("The universe");
    if (raw) return sketchBytes(c, bytesFromHex(found.hex!));
    return success(c, toSketchMetadata(found.sketch), 200, { Vary: "Accept" });
  },
);

/** DELETE /reach/universe: removes the universe sketch (204). */
export const deleteUniverseSketchRoute = new Hono<AppEnv>().delete(
  "/reach/universe",
  describeRoute({
    operationId: "deleteUniverseSketch",
    summary: "Delete the universe's Theta sketch",
    tags: ["Reach"],
    success: { status: 204, description: "Deleted." },
    errors: ["sketch_not_found"],
  }),
  requireAuth,
  requirePermission("write:catalog"),
  async function deleteUniverseSketchHandler(c) {
    if (!(await writeFirstThenCopies(c, deleteUniverseSketch, (deleted) => deleted))) throw sketchNotFound("The universe");
    return c.body(null, 204);
  },
);
