import { describe, expect, it } from "vitest";
import apiDoc from "../../docs/api.md?raw";
import { createApp } from "../../src/app";
import { buildOpenApiDocument } from "../../src/openapi/document";
import { UPDATABLE_FIELDS } from "../../src/routes/segment-groups/schemas";

// docs/api.md restates the OpenAPI document in prose; these tests fail when a field reaches the
// document (a request field, a parameter, a response field) without reaching the prose.

type Json = Record<string, any>;
const document: Json = buildOpenApiDocument(createApp().routes, "docs-test");

/** Every property name under `schema`, following $refs into the document's components. */
function propertyNames(schema: unknown, into: Map<string, Set<string>>, where: string, visited = new Set<string>()): void {
  if (schema === null || typeof schema !== "object") return;
  const node = schema as Json;
  if (typeof node.$ref === "string") {
    if (visited.has(node.$ref)) return;
    visited.add(node.$ref);
    const target = node.$ref.replace(/^#\//, "").split("/").reduce((at: Json, key: string) => at?.[key], document);
    propertyNames(target, into, where, visited);
    return;
  }
  for (const [name, property] of Object.entries((node.properties ?? {}) as Json)) {
    into.set(name, (into.get(name) ?? new Set()).add(where));
    propertyNames(property, into, where, visited);
  }
  for (const value of Object.values(node)) if (value && typeof value === "object") propertyNames(value, into, where, visited);
}

/** Each field name of the document, with the operations (and parts) it appears in. */
function documentFields(): Map<string, Set<string>> {
  const fields = new Map<string, Set<string>>();
  for (const [path, operations] of Object.entries(document.paths as Json)) {
    for (const [method, operation] of Object.entries(operations as Json)) {
      const name = `${method.toUpperCase()} ${path}`;
      for (const parameter of operation.parameters ?? []) {
        fields.set(parameter.name, (fields.get(parameter.name) ?? new Set()).add(`${name} (${parameter.in} parameter)`));
      }
      propertyNames(operation.requestBody, fields, `${name} (request)`);
      propertyNames(operation.responses, fields, `${name} (responses)`);
    }
  }
  return fields;
}

/** Names the prose shows as code: `name`, or a path through it such as `meta.next_cursor` or `segment_subgroup[].exclude`. */
function namesInCode(markdown: string): Set<string> {
  const names = new Set<string>();
  for (const [, span] of markdown.matchAll(/`([^`\n]+)`/g)) {
    if (!/^[\w-]+(\[\w*\])?(\.[\w-]+(\[\w*\])?)*$/.test(span!)) continue;
    for (const segment of span!.split(".")) names.add(segment.replace(/\[\w*\]$/, ""));
  }
  return names;
}

describe("docs/api.md follows the OpenAPI document", () => {
  it("names every request and response field and every parameter of the document", () => {
    const fields = documentFields();
    expect(fields.size, "fields found in the document").toBeGreaterThan(30);
    const documented = namesInCode(apiDoc);
    const missing = [...fields].filter(([name]) => !documented.has(name)).map(([name, where]) => `\`${name}\`: ${[...where].slice(0, 3).join("; ")}`);
    expect(missing, `docs/api.md never shows these fields as code (\`name\` or a path through it):\n${missing.join("\n")}`).toEqual([]);
  });

  it("quotes PATCH's message for a body that changes nothing as the schema writes it", () => {
    const message = `Send at least one of: ${UPDATABLE_FIELDS.join(", ")}.`;
    expect(apiDoc.includes(`("${message}")`), `docs/api.md should quote ("${message}")`).toBe(true);
  });

  it("reads a field shown only inside a path, and not one shown only in prose or JSON", () => {
    const names = namesInCode('`meta.next_cursor`, `segment_subgroup[].exclude`, `items[17].name`; a subgroup_operator; `{"data": 1}`');
    expect([...names]).toEqual(["meta", "next_cursor", "segment_subgroup", "exclude", "items", "name"]);
  });
});
