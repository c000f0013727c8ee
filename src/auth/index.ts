export { requireAuth, requirePermission, assertOrganizationAccess, listedOrganizations, insufficientPermissions } from "./require-auth";
export { verifyAccessToken, MAX_TOKEN_BYTES } from "./verify-access-token";
export type { Caller } from "./caller";
