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
