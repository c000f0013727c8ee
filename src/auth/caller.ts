import type { JWTPayload } from "jose";

/** Who is calling, as proven by a verified access token. */
export interface Caller {
  subject: string | undefined;
  permissions: ReadonlySet<string>;
  organizationIds: ReadonlySet<number>;
}

/**
 * The most organizations one token may name. Every route answers a token of this many
 * (test/auth/organizations-per-token.test.ts); a token naming more is refused as invalid, so no
 * request's cost can grow without bound with its token.
 */
export const MAX_ORGANIZATIONS_PER_TOKEN = 1_000;

/** A token's organizations claim names more than MAX_ORGANIZATIONS_PER_TOKEN organizations. */
export class TooManyOrganizations extends Error {
  override name = "TooManyOrganizations";
}

/**
 * Auth0 RBAC puts permissions in a `permissions` array, and only those count. The space-separated
 * OAuth `scope` counts too only when `permissionsFromScope` is set (AUTH0_PERMISSIONS_FROM_SCOPE):
 * with RBAC off, Auth0 grants a client whatever scope it asks for.
 */
export function callerFromClaims(payload: JWTPayload, claims: { organizationsClaim: string; permissionsFromScope: boolean }): Caller {
  const permissions = new Set<string>();
  if (Array.isArray(payload.permissions)) {
    for (const p of payload.permissions) if (typeof p === "string") permissions.add(p);
  }
  if (claims.permissionsFromScope && typeof payload.scope === "string") {
    for (const s of payload.scope.split(" ")) if (s) permissions.add(s);
  }
  return {
    subject: payload.sub,
    permissions,
    organizationIds: readOrganizationIds(payload[claims.organizationsClaim]),
  };
}

// Auth0 Actions often copy ids out of metadata as strings, so canonical decimal strings
// count too; anything else in the claim is ignored rather than trusted.
function readOrganizationIds(claim: unknown): Set<number> {
  const ids = new Set<number>();
  if (!Array.isArray(claim)) return ids;
  for (const value of claim) {
    const id = typeof value === "string" && /^[1-9]\d{0,15}$/.test(value) ? Number(value) : value;
    if (typeof id === "number" && Number.isSafeInteger(id) && id > 0) ids.add(id);
  }
  if (ids.size > MAX_ORGANIZATIONS_PER_TOKEN) {
    throw new TooManyOrganizations(`The access token names ${ids.size} organizations; at most ${MAX_ORGANIZATIONS_PER_TOKEN} are accepted.`);
  }
  return ids;
}
