/**
 * Every permission the API checks, as defined on the Auth0 API (RBAC); the deploy guide lists
 * them. `write:catalog` is the platform's: with `write:segments`, it creates, renames and
 * deletes global segments, which every organization's groups may use.
 */
export const PERMISSIONS = [
  "create:segment_groups",
  "read:segment_groups",
  "update:segment_groups",
  "delete:segment_groups",
  "read:segments",
  "write:segments",
  "write:catalog",
  "manage:shards",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

/**
 * What a permission grants beyond the routes that name it with requirePermission (the README's
 * and docs/deploy.md's permission tables add it to the permission's row).
 */
export const PERMISSION_NOTES: Partial<Record<Permission, string>> = {
  "write:catalog": "with `write:segments`, the global segments (no `organization_id`) and their sketches on the `write:segments` routes: the platform's catalog admins only",
};

/** What a tenant's token holds: every permission but the platform's `write:catalog` and `manage:shards`. The local issuer grants these unless asked for others. */
export const TENANT_PERMISSIONS: readonly Permission[] = PERMISSIONS.filter((p) => p !== "write:catalog" && p !== "manage:shards");
