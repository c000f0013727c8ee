import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";

export const REQUEST_ID_HEADER = "X-Request-Id";
/** The longest client request id the log keeps; longer or other characters: not kept at all. */
export const MAX_CLIENT_REQUEST_ID_LENGTH = 128;
const CLIENT_REQUEST_ID = /^[\w\-.:=]+$/;

/**
 * Gives every request an id of the server's own (a random UUID) in `c.get("requestId")` and the
 * X-Request-Id response header. A client's X-Request-Id never becomes the request's id, so no
 * caller can make its request carry another's id in the logs or in `meta.request_id`; a well-
 * formed one (at most 128 characters of `A-Z a-z 0-9 _ - . : =`) is kept as
 * `c.get("clientRequestId")`, which the request log writes as `client_request_id`.
 *
 * @example app.use(requestId); app.use(requestLog);
 */
export const requestId = createMiddleware<AppEnv>(async function assignRequestId(c, next) {
  const id = crypto.randomUUID();
  c.set("requestId", id);
  const clientId = c.req.header(REQUEST_ID_HEADER);
  if (clientId && clientId.length <= MAX_CLIENT_REQUEST_ID_LENGTH && CLIENT_REQUEST_ID.test(clientId)) c.set("clientRequestId", clientId);
  c.header(REQUEST_ID_HEADER, id);
  await next();
});
