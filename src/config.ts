import type { Bindings } from "./app-env";

export interface AuthConfig {
  /** Normalised to end with exactly one "/", as Auth0 writes it in `iss`. */
  issuer: string;
  audience: string;
  jwksUri: URL;
  organizationsClaim: string;
  /** Whether the token's `scope` grants permissions too (AUTH0_PERMISSIONS_FROM_SCOPE); else only its `permissions` claim. */
  permissionsFromScope: boolean;
}

export class ConfigurationError extends Error {
  override name = "ConfigurationError";
}

/**
 * Reads the Auth0 settings from the Worker's vars. Throws ConfigurationError naming the
 * offending variable so the log line says exactly what to fix.
 */
export function readAuthConfig(env: Partial<Bindings>): AuthConfig {
  const issuer = requireUrl(env, "AUTH0_ISSUER_BASE_URL");
  const audience = env.AUTH0_AUDIENCE?.trim();
  if (!audience) throw new ConfigurationError("AUTH0_AUDIENCE is not set");
  const issuerWithSlash = issuer.href.endsWith("/") ? issuer.href : `${issuer.href}/`;
  const jwksUri = env.AUTH0_JWKS_URI?.trim()
    ? requireUrl(env, "AUTH0_JWKS_URI")
    : new URL(".well-known/jwks.json", issuerWithSlash);
  const organizationsClaim = env.AUTH0_ORGANIZATIONS_CLAIM?.trim() || "organization_ids";
  const permissionsFromScope = readBoolean(env, "AUTH0_PERMISSIONS_FROM_SCOPE");
  return { issuer: issuerWithSlash, audience, jwksUri, organizationsClaim, permissionsFromScope };
}

// "true" or "false" exactly (unset or empty: false), so a typo such as "yes" fails loudly.
function readBoolean(env: Partial<Bindings>, name: "AUTH0_PERMISSIONS_FROM_SCOPE"): boolean {
  const raw = env[name]?.trim() ?? "";
  if (raw === "" || raw === "false") return false;
  if (raw === "true") return true;
  throw new ConfigurationError(`${name} must be "true" or "false", not "${raw}"`);
}

function requireUrl(env: Partial<Bindings>, name: "AUTH0_ISSUER_BASE_URL" | "AUTH0_JWKS_URI"): URL {
  const raw = env[name]?.trim();
  if (!raw) throw new ConfigurationError(`${name} is not set`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigurationError(`${name} is not a valid URL`);
  }
  // Plain http is only for the local issuer on this machine; anything remote must be https.
  if (!isSecureOrLoopback(url)) {
    throw new ConfigurationError(`${name} must be an https URL (http is allowed on loopback only)`);
  }
  return url;
}

/**
 * Reads CORS_ALLOWED_ORIGINS: comma-separated exact origins (`https://console.example.com`),
 * empty or unset for none. An entry with a path, a wildcard or anything but its exact origin
 * spelling is refused, so a typo fails loudly instead of silently opening (or closing) CORS.
 */
export function readCorsOrigins(env: Partial<Bindings>): ReadonlySet<string> {
  const origins = new Set<string>();
  for (const entry of (env.CORS_ALLOWED_ORIGINS ?? "").split(",").map((e) => e.trim())) {
    if (entry === "") continue;
    let url: URL | undefined;
    try {
      url = new URL(entry);
    } catch {
      url = undefined;
    }
    if (!url || url.origin !== entry || entry.includes("*") || !isSecureOrLoopback(url)) {
      throw new ConfigurationError(
        `CORS_ALLOWED_ORIGINS: "${entry}" is not an exact origin such as https://console.example.com (no path, no wildcard; http on loopback only)`,
      );
    }
    origins.add(entry);
  }
  return origins;
}

function isSecureOrLoopback(url: URL): boolean {
  return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname));
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** How much each organization may store, and how long history is kept (the `[vars]` below). */
export interface StorageLimits {
  /** Versions older than this many days are purged by the Cron Trigger (HISTORY_RETENTION_DAYS)… */
  historyRetentionDays: number;
  /** …except each group's newest this many (HISTORY_KEEP_VERSIONS). */
  historyKeepVersions: number;
  /** Groups one organization may hold (QUOTA_GROUPS_PER_ORGANIZATION). */
  groupsPerOrganization: number;
  /** Private catalog segments one organization may own (QUOTA_SEGMENTS_PER_ORGANIZATION). */
  segmentsPerOrganization: number;
}

export const STORAGE_LIMIT_DEFAULTS = {
  HISTORY_RETENTION_DAYS: 90,
  HISTORY_KEEP_VERSIONS: 10,
  QUOTA_GROUPS_PER_ORGANIZATION: 10_000,
  QUOTA_SEGMENTS_PER_ORGANIZATION: 100_000,
} as const;

type StorageVar = keyof typeof STORAGE_LIMIT_DEFAULTS;

/**
 * Reads the retention and quota vars: each a positive decimal integer, its default when unset or
 * empty. Anything else (0, "10k", "1.5") is refused rather than read as "no limit" or "no history".
 */
export function readStorageLimits(env: Partial<Bindings>): StorageLimits {
  return {
    historyRetentionDays: positiveIntegerVar(env, "HISTORY_RETENTION_DAYS"),
    historyKeepVersions: positiveIntegerVar(env, "HISTORY_KEEP_VERSIONS"),
    groupsPerOrganization: positiveIntegerVar(env, "QUOTA_GROUPS_PER_ORGANIZATION"),
    segmentsPerOrganization: positiveIntegerVar(env, "QUOTA_SEGMENTS_PER_ORGANIZATION"),
  };
}

function positiveIntegerVar(env: Partial<Bindings>, name: StorageVar): number {
  const raw = String((env as Record<string, unknown>)[name] ?? "").trim();
  if (raw === "") return STORAGE_LIMIT_DEFAULTS[name];
  const value = Number(raw);
  if (!/^[0-9]+$/.test(raw) || !Number.isSafeInteger(value) || value < 1) {
    throw new ConfigurationError(`${name} must be a positive integer (got "${raw}")`);
  }
  return value;
}
