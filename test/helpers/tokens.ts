import { PERMISSIONS } from "../../src/auth/permissions";
import { env } from "cloudflare:workers";
import { importJWK, SignJWT, type JWK, type JWTPayload } from "jose";

/** The API identifier the Worker is configured with (wrangler.toml), so tests never restate it. */
export const AUDIENCE = env.AUTH0_AUDIENCE!;
export const ALL_PERMISSIONS: string[] = [...PERMISSIONS];

const rootJwk = JSON.parse(env.TEST_SIGNING_JWK) as JWK & { kid: string };
const rootKey = importJWK(rootJwk, "RS256");

export interface TokenOptions {
  /** Claims merged over the defaults; `undefined` removes a default claim. */
  claims?: Record<string, unknown>;
  /** Header fields merged over `{alg: "RS256", kid, typ: "at+jwt"}`. */
  header?: Record<string, unknown>;
  key?: CryptoKey;
  issuer?: string;
}

/**
 * A real RS256 access token from the local issuer's key, shaped like Auth0's: permissions,
 * organizations, `iss`, `aud`, `exp` an hour ahead.
 */
export async function mintToken(options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: options.issuer ?? env.AUTH0_ISSUER_BASE_URL,
    aud: AUDIENCE,
    sub: "auth0|test-user",
    iat: now,
    exp: now + 3600,
    permissions: ALL_PERMISSIONS,
    organization_ids: [1234],
    ...options.claims,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  const header = { alg: "RS256", kid: rootJwk.kid, typ: "at+jwt", ...options.header };
  return new SignJWT(claims as JWTPayload)
    .setProtectedHeader(header as { alg: string })
    .sign(options.key ?? (await rootKey));
}

/** Token for the given organizations with the given permissions (all by default). */
export function tokenFor(organizationIds: number[], permissions: readonly string[] = ALL_PERMISSIONS): Promise<string> {
  return mintToken({ claims: { organization_ids: organizationIds, permissions } });
}
