/**
 * OpenAPI's formats as golive checks them: int32 and int64 ranges; float,
 * double, byte, binary and password as annotations. Runtime-neutral: ajv
 * registers these very definitions in Node (json-schema.ts), and the k6
 * bundle hands them to ahead-of-time validators (schema-runtime.ts), so a
 * format judges the same in both engines (ajv-formats' own `byte` would
 * check base64 in k6 only).
 */
const INT32 = 2 ** 31;
const any = () => true;

export const OPENAPI_FORMATS = {
  int32: { type: 'number' as const, validate: (n: number) => Number.isInteger(n) && n >= -INT32 && n < INT32 },
  int64: { type: 'number' as const, validate: (n: number) => Number.isInteger(n) },
  float: { type: 'number' as const, validate: any },
  double: { type: 'number' as const, validate: any },
  byte: any,
  binary: any,
  password: any,
};

/** The module id ahead-of-time validators `require` the formats by (json-schema.ts, schema-runtime.ts). */
export const OPENAPI_FORMATS_MODULE = 'golive/openapi-formats';
