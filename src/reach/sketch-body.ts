import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import type { NewSketch } from "../db/sketches/row";
import { ApiError } from "../errors";
import { readBodyUpTo } from "../middleware/json-body";
import { tagMiddleware } from "../openapi/describe-route";
import { decodeCompactThetaSketch, InvalidSketchError, MAX_SKETCH_BYTES, summarizeSketch } from "../sketch";

const MEDIA_TYPE = "application/octet-stream";

/**
 * Admits a body sent as `application/octet-stream` (else 415) of at most MAX_SKETCH_BYTES, the
 * largest sketch the decoder accepts: a longer one is refused before it is read (by its
 * Content-Length, or as it streams in) as 400 `invalid_sketch`, the answer to any body that is
 * not a sketch this API takes. The bytes go to the handler as the `sketchBody` variable.
 */
export const requireSketchBody = tagMiddleware(
  createMiddleware<AppEnv>(async function readSketchBody(c, next) {
    const mediaType = c.req.header("Content-Type")?.split(";")[0]?.trim().toLowerCase();
    if (mediaType !== MEDIA_TYPE) throw ApiError.of("unsupported_media_type", `Send the sketch's bytes as 'Content-Type: ${MEDIA_TYPE}'.`);
    c.set("sketchBody", await readBodyUpTo(c.req.raw, MAX_SKETCH_BYTES, tooLong));
    await next();
  }),
  { kind: "binary-body", mediaTypes: [MEDIA_TYPE] },
);

/**
 * The uploaded sketch as a write stores it: its bytes, unchanged, and DataSketches' figures for
 * them. Bytes the decoder refuses are 400 `invalid_sketch` with its message. `lgK`: the
 * uploader's, which must allow the sketch's retained entries (at most 2^(lg_k + 1)).
 */
export function uploadedSketch(bytes: Uint8Array, lgK: number | undefined, now: string): NewSketch {
  let summary: ReturnType<typeof summarizeSketch>;
  try {
    summary = summarizeSketch(decodeCompactThetaSketch(bytes));
  } catch (err) {
    if (err instanceof InvalidSketchError) throw ApiError.of("invalid_sketch", err.message);
    throw err;
  }
  if (lgK !== undefined && summary.retained_entries > 2 ** (lgK + 1)) {
    throw ApiError.of("invalid_value", `The sketch retains ${summary.retained_entries} entries; one of lg_k ${lgK} retains at most ${2 ** (lgK + 1)}.`, "lg_k");
  }
  return { bytes, summary, lgK: lgK ?? null, now };
}

/** Whether the request's Accept asks for the raw bytes rather than JSON. */
export function wantsBytes(accept: string | undefined): boolean {
  return (accept ?? "").split(",").some((range) => range.split(";")[0]!.trim().toLowerCase() === MEDIA_TYPE);
}

function tooLong(declared?: number): ApiError {
  const what = declared === undefined ? "is longer" : `is ${declared} bytes long`;
  return ApiError.of("invalid_sketch", `The body ${what}; a sketch is at most ${MAX_SKETCH_BYTES} bytes (131,072 retained entries, lg_k 16).`);
}

/** A 200 carrying a sketch's bytes as they were uploaded. */
export function sketchBytes(c: Context<AppEnv>, bytes: Uint8Array) {
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { "Content-Type": MEDIA_TYPE, Vary: "Accept" });
}
