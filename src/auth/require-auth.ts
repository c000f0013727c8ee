import { createMiddleware } from "hono/factory";
import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors";
import { enforceAuthFailureLimit, enforceCallerLimit, enforceOrganizationLimits, organizationsInReach } from "../middleware/rate-limit";
import { tagMiddleware } from "../openapi/describe-route";
import type { Caller } from "./caller";
import type { Permission } from "./permissions";
import { invalidToken, REALM, verifyAccessToken } from "./verify-access-token";

// RFC 6750: the scheme is case-insensitive and the token is token68-shaped.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/** The caller proven by `Authorization: Bearer <jwt>` (and by nothing else), or a 401. */
async function authenticate(c: Context<AppEnv>): Promise<Caller> {
  const header = c.req.header("Authorization");
  if (!header || !/^bearer(\s|$)/i.test(header.trim())) {
    throw new ApiError(
      { code: "missing_token", message: "Send an access token as 'Authorization: Bearer <token>'." },
      { "WWW-Authenticate": `Bearer realm="${REALM}"` },
    );
  }
  const match = BEARER.exec(header.trim());
  if (!match) throw invalidToken("The Authorization header must be 'Bearer <token>'.");
  return verifyAccessToken(match[1]!, c.get("authConfig"));
}

/**
 * Authenticates the request, stores the verified caller as `c.get("caller")` and spends the
 * caller's rate-limit unit; a 401 first spends one unit of the client address's failure budget
 * (429 once it is exhausted). `organizations`: "in reach" also spends the units of the
 * organizations the request may act on (src/middleware/rate-limit.ts); "named" leaves them to
 * the handler, which knows which ones the request names (actFor, listedOrganizations).
 */
function authMiddleware(organizations: "in reach" | "named") {
  const middleware = createMiddleware<AppEnv>(async function requireCaller(c, next) {
    let caller: Caller;
    try {
      caller = await authenticate(c);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) await enforceAuthFailureLimit(c);
      throw err;
    }
    c.set("caller", caller);
    await enforceCallerLimit(c, caller);
    if (organizations === "in reach") await enforceOrganizationLimits(c, organizationsInReach(caller));
    await next();
  });
  return tagMiddleware(middleware, { kind: "auth" });
}

/**
 * For routes whose request names no organization before the database answers (a group or
 * segment addressed by its id): authentication and every rate limit, in one middleware, so no
 * such route can forget the limits.
 *
 * @example app.get("/things/:id", requireAuth, requirePermission("read:things"), handler)
 */
export const requireAuth = authMiddleware("in reach");

/**
 * For routes whose request names its organizations (a body's or a filter's `organization_id`):
 * authentication and the caller's limit; the handler then calls actFor or listedOrganizations,
 * which spend exactly the organizations named. test/app/rate-limits.test.ts checks every route
 * spends an organization's unit.
 *
 * @example app.post("/things", requireAuthNamingOrganizations, requirePermission("create:things"), handler)
 */
export const requireAuthNamingOrganizations = authMiddleware("named");

/**
 * Lets the request through only if the caller's token grants `permission` (in its
 * `permissions` claim, or its `scope` where AUTH0_PERMISSIONS_FROM_SCOPE allows).
 */
export function requirePermission(permission: Permission) {
  const middleware = createMiddleware<AppEnv>(async function checkPermission(c, next) {
    if (!c.get("caller").permissions.has(permission)) throw insufficientPermissions(permission, "This operation needs");
    await next();
  });
  return tagMiddleware(middleware, { kind: "permission", permission });
}

/** 403 `insufficient_permissions` for a missing `permission`; `needs` starts the message, `field` points at what asked for it. */
export function insufficientPermissions(permission: Permission, needs: string, field?: string): ApiError {
  const message = `${needs} the '${permission}' permission.`;
  return new ApiError(
    field === undefined ? { code: "insufficient_permissions", message } : { code: "insufficient_permissions", field, message },
    { "WWW-Authenticate": `Bearer realm="${REALM}", error="insufficient_scope", scope="${permission}"` },
  );
}

/** Throws 403 unless the caller may act for `organizationId`; `field` names where it came from. */
export function assertOrganizationAccess(
  caller: { organizationIds: ReadonlySet<number> },
  organizationId: number,
  field = "organization_id",
): void {
  if (!caller.organizationIds.has(organizationId)) {
    throw ApiError.of("organization_forbidden", "Your access token does not grant access to this organization.", field);
  }
}

/**
 * For a request that acts on the organizations it names: 403 unless the caller holds each,
 * then one rate-limit unit of each (429 when one is exhausted).
 */
export async function actFor(c: Context<AppEnv>, organizationIds: number[]): Promise<void> {
  for (const id of organizationIds) assertOrganizationAccess(c.get("caller"), id);
  await enforceOrganizationLimits(c, organizationIds);
}

/**
 * The organizations a listing covers: the one its `organization_id` filter names (403 unless
 * the token holds it), else every organization of the token. Spends the rate-limit units of the
 * one named, else of the organizations in reach.
 */
export async function listedOrganizations(c: Context<AppEnv>, organizationId: number | undefined): Promise<number[]> {
  const caller = c.get("caller");
  if (organizationId === undefined) {
    await enforceOrganizationLimits(c, organizationsInReach(caller));
    return [...caller.organizationIds];
  }
  await actFor(c, [organizationId]);
  return [organizationId];
}
