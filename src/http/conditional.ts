import { ApiError } from "../errors";

/** The ETag header value for a stored version tag (always strong). */
export function etagHeader(tag: string): string {
  return `"${tag}"`;
}

// An entity-tag list per RFC 9110 §8.8.3: `"x"`, `W/"x"`, comma-separated.
const ENTITY_TAG = /^\s*(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"\s*$/;
const MAX_TAGS = 20;

interface EntityTag {
  weak: boolean;
  tag: string;
}

function parseTagList(header: string, name: string): EntityTag[] {
  const parts = header.split(",");
  const tags = parts.map((part) => ENTITY_TAG.exec(part));
  if (parts.length > MAX_TAGS || tags.some((m) => m === null)) {
    throw ApiError.of("invalid_value", `must be "*" or a list of at most ${MAX_TAGS} quoted entity tags`, name);
  }
  return tags.map((m) => ({ weak: m![1] !== undefined, tag: m![2]! }));
}

/**
 * The versions an `If-Match` header accepts: `null` when the write is unconditional (no
 * header, or `*`, which any existing resource matches), else the strong tags listed. Weak tags
 * never match for If-Match (strong comparison, RFC 9110 §13.1.1), so a list of only weak tags
 * is an empty list: the write fails with 412.
 */
export function acceptedVersions(ifMatch: string | undefined): string[] | null {
  if (ifMatch === undefined || ifMatch.trim() === "*") return null;
  return parseTagList(ifMatch, "If-Match")
    .filter((t) => !t.weak)
    .map((t) => t.tag);
}

/** Whether `If-None-Match` already holds the current version (weak comparison): answer 304. */
export function notModified(ifNoneMatch: string | undefined, currentTag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === "*") return true;
  return parseTagList(ifNoneMatch, "If-None-Match").some((t) => t.tag === currentTag);
}

export function preconditionFailed(): ApiError {
  return ApiError.of(
    "precondition_failed",
    "The segment group changed since you read it (If-Match does not match its ETag). Fetch it again and retry.",
    "If-Match",
  );
}
