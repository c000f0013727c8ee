import { expect } from "vitest";
import { call, describeResponse, type ApiResponse } from "./api";
import { seedSegments } from "./db";
import { tokenFor } from "./tokens";
import { manifest, sketchBytes } from "../sketch/theta-fixtures";

/** Sends `bytes` as a sketch upload (PUT, application/octet-stream unless told otherwise). */
export async function putSketch(path: string, bytes: Uint8Array, options: { token?: string; contentType?: string } = {}): Promise<ApiResponse> {
  return call("PUT", path, {
    token: options.token ?? (await tokenFor([1234])),
    rawBody: bytes as Uint8Array<ArrayBuffer>,
    headers: { "Content-Type": options.contentType ?? "application/octet-stream" },
  });
}

/** The vectors DataSketches wrote that the API accepts (all but the other seed's). */
export const ACCEPTED_VECTORS = manifest.sketches.filter((vector) => vector.name !== "wrong_seed");

/** The catalog id of vector `name` as a global 3P segment (seedVectorCatalog). */
export const vectorSegmentId = (name: string) => 60_000 + manifest.sketches.findIndex((vector) => vector.name === name);

/** Every accepted vector as a global 3P segment with its sketch uploaded, and the universe sketch. */
export async function seedVectorCatalog(): Promise<void> {
  await seedSegments(ACCEPTED_VECTORS.map((vector) => ({ segment_type: "3P" as const, segment_id: vectorSegmentId(vector.name), name: vector.name })));
  const admin = await tokenFor([1234]);
  for (const vector of ACCEPTED_VECTORS) {
    const res = await putSketch(`/segments/3P/${vectorSegmentId(vector.name)}/sketch`, sketchBytes(vector.name), { token: admin });
    expect([200, 201], describeResponse(res)).toContain(res.status);
  }
  const universe = await putSketch("/reach/universe", sketchBytes("universe"), { token: admin });
  expect([200, 201], describeResponse(universe)).toContain(universe.status);
}
