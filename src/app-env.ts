import type { RequestIdVariables } from "hono/request-id";
import type { Caller } from "./auth/caller";
import type { AuthConfig } from "./config";
import type { Database, D1Usage } from "./db/database";
import type { ErrorCode } from "./errors/codes";

/**
 * The Worker's bindings: `Cloudflare.Env` is generated from wrangler.toml by `npm run types`
 * (worker-configuration.d.ts), plus the optional vars wrangler.toml does not set.
 */
export type Bindings = Cloudflare.Env & {
  AUTH0_JWKS_URI?: string;
};

export interface AppEnv {
  Bindings: Bindings;
  Variables: RequestIdVariables & {
    authConfig: AuthConfig;
    /** From CORS_ALLOWED_ORIGINS (src/config.ts). */
    corsOrigins: ReadonlySet<string>;
    caller: Caller;
    /** The first error code of an error response, set by errorResponse for the request log. */
    errorCode: ErrorCode;
    /** The request's database (src/db/context.ts) and what it has asked of D1 so far. */
    database: Database;
    d1Usage: D1Usage;
    /** The parsed request body, set by requireJsonBody (src/middleware/json-body.ts) for validate("json"). */
    jsonBody: unknown;
    /** The raw request body, set by requireSketchBody (src/reach/sketch-body.ts). */
    sketchBody: Uint8Array;
    /** The request's D1 session, once opened: its bookmark goes back in x-d1-bookmark. */
    d1Session: D1DatabaseSession;
  };
}
