import { decodeProtectedHeader, errors, jwtVerify } from "jose";
import { ApiError } from "../errors";
import type { AuthConfig } from "../config";
import { isCanonicalCompactJws } from "./canonical-token";
import { callerFromClaims, TooManyOrganizations, type Caller } from "./caller";
import { signingKeysFor, SigningKeysUnavailable, type KeySetCopy } from "./signing-keys";
import { rememberedCaller, rememberVerified } from "./verified-tokens";

/** Tokens above this size are refused before any parsing or crypto work. */
export const MAX_TOKEN_BYTES = 16 * 1024;
const CLOCK_TOLERANCE_SECONDS = 5;
const ACCEPTED_TYPES = new Set(["jwt", "at+jwt", "application/at+jwt"]);

/**
 * Verifies an Auth0 access token (RS256 against the issuer's JWKS; `exp` required, `nbf`
 * honoured, `iss` and `aud` checked) and returns the caller it proves. A token this isolate
 * verified before is not verified again until its `exp` or until the key set copy that
 * verified it is replaced (src/auth/verified-tokens.ts): RS256 and its parsing were a large
 * share of a request's CPU (npm run profile).
 *
 * @example const caller = await verifyAccessToken(token, config);
 */
export async function verifyAccessToken(token: string, config: AuthConfig): Promise<Caller> {
  if (token.length > MAX_TOKEN_BYTES) throw invalidToken("The access token is too large.");
  const remembered = rememberedCaller(token, config);
  if (remembered) return remembered;
  // Before any parsing or crypto: one signed token has exactly one accepted text.
  if (!isCanonicalCompactJws(token)) throw invalidToken("The access token is not a well-formed JWT.");
  let typ: unknown;
  try {
    typ = decodeProtectedHeader(token).typ;
  } catch {
    throw invalidToken("The access token is not a well-formed JWT.");
  }
  if (typ !== undefined && !(typeof typ === "string" && ACCEPTED_TYPES.has(typ.toLowerCase()))) {
    throw invalidToken("The access token has an unexpected type (typ).");
  }
  try {
    let keySet: KeySetCopy | undefined;
    const { payload } = await jwtVerify(token, signingKeysFor(config.jwksUri, (copy) => (keySet = copy)), {
      algorithms: ["RS256"],
      // Auth0 writes the issuer with a trailing slash; accept the configured one either way.
      issuer: [config.issuer, config.issuer.slice(0, -1)],
      audience: config.audience,
      requiredClaims: ["exp"],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    });
    const caller = callerFromClaims(payload, config);
    // `exp` is a number here: it is required, and jose rejects any other type.
    if (keySet) rememberVerified(token, config, caller, payload.exp!, keySet);
    return caller;
  } catch (err) {
    if (err instanceof SigningKeysUnavailable) {
      console.error(JSON.stringify({ level: "error", event: "jwks_unavailable", jwks_uri: config.jwksUri.href, cause: String(err.cause) }));
      throw new ApiError(
        { code: "auth_unavailable", message: "Access tokens cannot be verified right now. Retry shortly." },
        { "Retry-After": "5" },
      );
    }
    throw invalidToken(describeRejection(err));
  }
}

// Specific enough to fix a client, vague enough to give an attacker nothing new.
function describeRejection(err: unknown): string {
  if (err instanceof TooManyOrganizations) return err.message;
  if (err instanceof errors.JWTExpired) return "The access token has expired.";
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === "nbf") return "The access token is not valid yet.";
    if (err.claim === "iss") return "The access token was issued by an untrusted issuer.";
    if (err.claim === "aud") return "The access token is not meant for this API.";
    if (err.claim === "exp") return "The access token has no expiry.";
    return `The access token's "${err.claim}" claim is invalid.`;
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return "The access token must be signed with RS256.";
  if (err instanceof errors.JWKSNoMatchingKey) return "The access token was signed with an unknown key.";
  return "The access token could not be verified.";
}

export function invalidToken(message: string): ApiError {
  return new ApiError(
    { code: "invalid_token", message },
    { "WWW-Authenticate": `Bearer realm="${REALM}", error="invalid_token", error_description="${message}"` },
  );
}

export const REALM = "segment-groups-api";
