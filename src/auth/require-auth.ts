import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors";
import { enforceRateLimits } from "../middleware/rate-limit";
import { tagMiddleware } from "../openapi/describe-route";
import type { Permission } from "./permissions";
import { invalidToken, REALM, verifyAccessToken } from "./verify-access-token";

// RFC 6750: the scheme is case-insensitive and the token is token68-shaped.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * Authenticates the request from `Authorization: Bearer <jwt>` (and from nowhere else), stores
 * the verified caller as `c.get("caller")`, then enforces the caller's and its organizations'
 * rate limits. Both in one middleware, so no authenticated route can forget the limits.
 *
 * @example app.post("/things", requireAuth, requirePermission("create:things"), handler)
 */
export const requireAuth = tagMiddleware(
  createMiddleware<AppEnv>(async function authenticate(c, next) {
    const header = c.req.header("Authorization");
    if (!header || !/^bearer(\s|$)/i.test(header.trim())) {
      throw new ApiError(
        { code: "missing_token", message: "Send an access token as 'Authorization: Bearer <token>'." },
        { "WWW-Authenticate": `Bearer realm="${REALM}"` },
      );
    }
    const match = BEARER.exec(header.trim());
    if (!match) throw invalidToken("The Authorization header must be 'Bearer <token>'.");
    const caller = await verifyAccessToken(match[1]!, c.get("authConfig"));
    c.set("caller", caller);
    await enforceRateLimits(c, caller);
    await next();
  }),
  { kind: "auth" },
);

/**
 * Lets the request through only if the caller's token grants `permission` (in its
 * `permissions` claim or `scope`).
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
 * The organizations a listing covers: the one its `organization_id` filter names (403 unless
 * the token holds it), else every organization of the token.
 */
export function listedOrganizations(caller: { organizationIds: ReadonlySet<number> }, organizationId: number | undefined): number[] {
  if (organizationId === undefined) return [...caller.organizationIds];
  assertOrganizationAccess(caller, organizationId);
  return [organizationId];
}
