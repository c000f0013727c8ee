/**
 * Every permission the API checks, as defined on the Auth0 API (RBAC). The local issuer grants
 * all of them by default, and the deploy guide lists them.
 */
export const PERMISSIONS = [
  "create:segment_groups",
  "read:segment_groups",
  "update:segment_groups",
  "delete:segment_groups",
  "read:segments",
  "write:segments",
] as const;

export type Permission = (typeof PERMISSIONS)[number];
