import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors";
import { tagMiddleware } from "../openapi/describe-route";

/** Request bodies above this are refused with 413 before they are parsed. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Admits only `application/json` bodies (any charset) of at most 1 MiB that parse as JSON,
 * then hands the parsed value to `validate("json")` as the `jsonBody` variable, so the body is
 * read and parsed once (Hono's own `c.req.json()` would parse it again: src/validation/validate.ts).
 *
 * @example app.post("/things", requireJsonBody, validate("json", schema), handler)
 */
export const requireJsonBody = jsonBody(["application/json"]);

/**
 * `requireJsonBody` for PATCH: also admits `application/merge-patch+json` (RFC 7396), whose
 * semantics PATCH /segment_groups/{id} follows for its top-level fields.
 */
export const requireJsonPatchBody = jsonBody(["application/json", "application/merge-patch+json"]);

function jsonBody(mediaTypes: readonly string[]) {
  const accepted = mediaTypes.map((t) => `'Content-Type: ${t}'`).join(" or ");
  const middleware = createMiddleware<AppEnv>(async function parseJsonBody(c, next) {
    const mediaType = c.req.header("Content-Type")?.split(";")[0]?.trim().toLowerCase();
    if (mediaType === undefined || !mediaTypes.includes(mediaType)) {
      throw ApiError.of("unsupported_media_type", `Send the request body as ${accepted}.`);
    }
    const bytes = await readBodyUpTo(c.req.raw, MAX_BODY_BYTES, tooLargeJson);
    let parsed: unknown;
    try {
      // Fatal decoding: invalid UTF-8 is a malformed body, not text with replacement characters.
      const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
      if (text.trim() === "") throw ApiError.of("empty_body", "The request body is empty; send a JSON object.");
      parsed = JSON.parse(text);
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw ApiError.of("malformed_json", "The request body is not valid UTF-8 JSON.");
    }
    c.set("jsonBody", parsed);
    // For any other reader of c.req.json(): the stream is consumed.
    c.req.bodyCache.json = Promise.resolve(parsed);
    await next();
  });
  return tagMiddleware(middleware, { kind: "json-body", mediaTypes });
}

/**
 * The request's body, at most `limit` bytes (over it: throws `tooLarge`, with the declared length
 * before reading the body when its Content-Length says so). A declared length is the body's length (HTTP framing), so one
 * native read suffices; only a chunked body is counted as it streams in.
 */
export async function readBodyUpTo(request: Request, limit: number, tooLarge: (declared?: number) => ApiError): Promise<Uint8Array> {
  const declared = request.headers.get("Content-Length");
  if (declared !== null && Number(declared) > limit) throw tooLarge(Number(declared));
  const bytes = declared !== null ? new Uint8Array(await request.arrayBuffer()) : await readBodyWithin(request, limit, tooLarge);
  if (bytes.byteLength > limit) throw tooLarge();
  return bytes;
}

/**
 * Counts bytes as they stream in, so a body without Content-Length (chunked) cannot make the
 * Worker buffer more than the limit; over it, throws `tooLarge()`.
 */
async function readBodyWithin(request: Request, limit: number, tooLarge: () => ApiError = tooLargeJson): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function tooLargeJson(): ApiError {
  return ApiError.of("payload_too_large", `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
}
