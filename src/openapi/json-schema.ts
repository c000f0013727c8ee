// Build time only (scripts/openapi.ts, tests): the Worker never imports the JSON Schema converter.
import { toJSONSchema, type $ZodType } from "zod/v4/core";

export type JsonSchema = Record<string, unknown>;

/**
 * zod → JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) for one document. Schemas
 * named with `.meta({ id })` become `components/schemas` entries referenced by `$ref`;
 * requests are described as zod reads them (`io: "input"`), responses as the API writes them
 * (`io: "output"`).
 */
export class SchemaConverter {
  readonly components: Record<string, JsonSchema> = {};

  convert(schema: $ZodType, io: "input" | "output"): JsonSchema {
    const { $schema: _dialect, $defs, ...json } = toJSONSchema(schema, {
      target: "draft-2020-12",
      io,
      // Refinements and transforms have no JSON Schema form; they document as their base type.
      unrepresentable: "any",
      override: dropFlaggedPatterns,
    }) as JsonSchema & { $defs?: Record<string, JsonSchema> };

    const definitions = Object.entries($defs ?? {}).map(([name, definition]) => [name, rewriteRefs(definition, new Map())] as const);
    const renames = new Map(definitions.map(([name, definition]) => [name, this.#nameFor(name, definition as JsonSchema, io)]));
    for (const [name, definition] of definitions) this.components[renames.get(name)!] = rewriteRefs(definition, renames) as JsonSchema;
    return rewriteRefs(json, renames) as JsonSchema;
  }

  // The same id may describe a request (input) and a response (output) that differ, e.g. when
  // a transform changes the type; the variant seen second gets its own name.
  #nameFor(name: string, definition: JsonSchema, io: "input" | "output"): string {
    const existing = this.components[name];
    if (existing === undefined || sameJson(existing, definition)) return name;
    const variant = `${name}${io === "input" ? "Input" : "Output"}`;
    const other = this.components[variant];
    if (other !== undefined && !sameJson(other, definition)) throw new Error(`Two different schemas use the id "${name}"`);
    return variant;
  }
}

// JSON Schema patterns have no flags: a case-insensitive zod regex would be documented as
// case-sensitive, so such a pattern is left out rather than shown wrong.
function dropFlaggedPatterns(ctx: { zodSchema: unknown; jsonSchema: JsonSchema }) {
  type Check = { _zod?: { def?: { pattern?: unknown } } };
  const checks = (ctx.zodSchema as { _zod?: { def?: { checks?: Check[] } } })._zod?.def?.checks ?? [];
  const flagged = checks.some((check) => {
    const pattern = check._zod?.def?.pattern;
    return pattern instanceof RegExp && pattern.flags.replace(/[gu]/g, "") !== "";
  });
  if (flagged) delete ctx.jsonSchema.pattern;
}

function rewriteRefs(value: unknown, renames: Map<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, renames));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === "$ref" && typeof v === "string" && v.startsWith("#/$defs/")) {
      const name = v.slice("#/$defs/".length);
      out.$ref = `#/components/schemas/${renames.get(name) ?? name}`;
    } else {
      out[key] = rewriteRefs(v, renames);
    }
  }
  return out;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
