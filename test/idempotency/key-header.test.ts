import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/errors";
import { canonicalJson, requestFingerprint } from "../../src/idempotency/fingerprint";
import { readIdempotencyKey } from "../../src/idempotency/key-header";

function refusal(header: string) {
  try {
    readIdempotencyKey(header);
  } catch (err) {
    if (err instanceof ApiError) return err.details;
    throw err;
  }
  return undefined;
}

describe("Idempotency-Key header", () => {
  it("is optional", () => {
    expect(readIdempotencyKey(undefined)).toBeUndefined();
  });

  it("takes 1 to 255 printable ASCII characters as they are", () => {
    for (const key of ["a", "x".repeat(255), "8e03978e-40d5-43e8-bc93-6894a57f9324", "with spaces ~!#$%&'()*+,/:;<=>?@[]^`{|}"]) {
      expect(readIdempotencyKey(key)).toBe(key);
    }
  });

  it("takes the draft's quoted string form as the same key, with its escapes", () => {
    expect(readIdempotencyKey('"8e03978e"')).toBe("8e03978e");
    expect(readIdempotencyKey('"say \\"hi\\" \\\\ bye"')).toBe('say "hi" \\ bye');
  });

  it("refuses anything else with invalid_value on the header", () => {
    const refused = ["", "x".repeat(256), "clé", "tab\there", "\u007f", '"unterminated', '"a"b"', '""', `"${"x".repeat(256)}"`, '"bad \\n escape"'];
    for (const header of refused) {
      expect(refusal(header), JSON.stringify(header)).toEqual([{ code: "invalid_value", field: "Idempotency-Key", message: expect.stringContaining("1–255 printable ASCII") }]);
    }
  });
});

describe("request fingerprint", () => {
  it("is one per request whatever the JSON spelling: keys sorted, absent values dropped", async () => {
    expect(canonicalJson({ b: [2, { d: 1, c: null }], a: "x", u: undefined })).toBe('{"a":"x","b":[2,{"c":null,"d":1}]}');
    expect(await requestFingerprint({ a: 1, b: 2 })).toBe(await requestFingerprint({ b: 2, a: 1 }));
    expect(await requestFingerprint({ a: 1, b: 2 })).toMatch(/^[0-9a-f]{64}$/);
  });

  it("changes with any value, and with the order of array items", async () => {
    const base = await requestFingerprint({ items: [1, 2] });
    expect(await requestFingerprint({ items: [2, 1] })).not.toBe(base);
    expect(await requestFingerprint({ items: [1, 2, 3] })).not.toBe(base);
    expect(await requestFingerprint({ items: ["1", 2] })).not.toBe(base);
  });
});
