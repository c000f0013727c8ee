import type { JWTPayload } from "jose";

/** Who is calling, as proven by a verified access token. */
export interface Caller {
  subject: string | undefined;
  permissions: ReadonlySet<string>;
  organizationIds: ReadonlySet<number>;
}

/**
 * Auth0 RBAC puts permissions in a `permissions` array; OAuth scopes arrive as one
 * space-separated `scope` string. Either grants a permission.
 */
export function callerFromClaims(payload: JWTPayload, organizationsClaim: string): Caller {
  const permissions = new Set<string>();
  if (Array.isArray(payload.permissions)) {
    for (const p of payload.permissions) if (typeof p === "string") permissions.add(p);
  }
  if (typeof payload.scope === "string") {
    for (const s of payload.scope.split(" ")) if (s) permissions.add(s);
  }
  return {
    subject: payload.sub,
    permissions,
    organizationIds: readOrganizationIds(payload[organizationsClaim]),
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
  return ids;
}
