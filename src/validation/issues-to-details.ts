import type { core } from "zod/mini";
import type { ErrorCode, ErrorDetail } from "../errors";
import { fieldPath } from "./field-path";

/**
 * Turns every zod issue into one `{code, field, message}`, in the order zod found them. The
 * messages are ours, never zod's defaults, so they stay stable across zod releases.
 */
export function issuesToDetails(issues: readonly core.$ZodIssue[], input: unknown): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        details.push({ code: "unknown_field", field: fieldPath([...issue.path, key]), message: "is not a known field" });
      }
      continue;
    }
    const { code, message } = describe(issue, valueAt(input, issue.path));
    const field = fieldPath(issue.path);
    details.push(field === "" ? { code: rootCode(code), message: rootMessage(issue) } : { code, field, message });
  }
  return details;
}

function describe(issue: core.$ZodIssue, value: unknown): { code: ErrorCode; message: string } {
  // A missing field is "required" whatever check it would have failed (type, enum, ...).
  if (value === undefined && (issue.code === "invalid_type" || issue.code === "invalid_value")) {
    return { code: "required", message: "is required" };
  }
  switch (issue.code) {
    case "invalid_type":
      return { code: "invalid_type", message: `must be ${article(issue.expected)}, not ${jsonTypeOf(value)}` };
    case "invalid_value":
      return { code: "invalid_value", message: `must be one of: ${issue.values.map((v) => JSON.stringify(v)).join(", ")}` };
    case "too_small":
      if (issue.origin === "string") return { code: "too_short", message: `must be at least ${issue.minimum} characters` };
      if (issue.origin === "array") return { code: "too_short", message: `must have at least ${issue.minimum} item${issue.minimum === 1 ? "" : "s"}` };
      return { code: "too_small", message: `must be ${issue.inclusive ? "at least" : "greater than"} ${issue.minimum}` };
    case "too_big":
      if (issue.origin === "string") return { code: "too_long", message: `must be at most ${issue.maximum} characters` };
      if (issue.origin === "array") return { code: "too_long", message: `must have at most ${issue.maximum} items` };
      return { code: "too_large", message: `must be ${issue.inclusive ? "at most" : "less than"} ${issue.maximum}` };
    case "invalid_format":
      // Our schemas always give format checks a readable message.
      return { code: "invalid_value", message: issue.message };
    case "custom": {
      const params = issue.params as { code?: ErrorCode } | undefined;
      return { code: params?.code ?? "invalid_value", message: issue.message };
    }
    default:
      return { code: "invalid_value", message: "is not valid" };
  }
}

// A body that is not an object at all has no field to point at.
function rootCode(code: ErrorCode): ErrorCode {
  return code === "invalid_type" || code === "required" ? "invalid_body" : code;
}
function rootMessage(issue: core.$ZodIssue): string {
  if (issue.code === "invalid_type") return "The request body must be a JSON object.";
  // Our own refinements of the whole body carry a message written for the client.
  return issue.code === "custom" ? issue.message : "The request body is not valid.";
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number" && !Number.isInteger(value)) return "a decimal number";
  return article(typeof value);
}

function article(type: string): string {
  const name = type === "int" ? "integer" : type;
  return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`;
}
