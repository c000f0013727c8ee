export { requireAuth, requirePermission, assertOrganizationAccess, listedOrganizations } from "./require-auth";
export { verifyAccessToken, MAX_TOKEN_BYTES } from "./verify-access-token";
export type { Caller } from "./caller";
