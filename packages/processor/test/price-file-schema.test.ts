/**
 * The JSON Schema of price files (schema/price-file.schema.json, draft 2020-12) against the
 * shipped data and the example price files. The schema is for editors; `ai-margin prices validate`
 * (validate.ts) stays the authority, so every file the schema accepts here must load too.
 *
 * Validation against the schema needs a real draft 2020-12 validator (`ajv`, `ajv/dist/2020`);
 * those cases are skipped when it is not installed. The other cases need nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { PriceBook } from '../src/prices/price-book';

const ROOT = resolve(__dirname, '..', '..', '..');
const SCHEMA_FILE = resolve(__dirname, '..', 'schema', 'price-file.schema.json');
const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
const DATA_DIR = resolve(__dirname, '..', 'src', 'prices', 'data');
const FIXTURES = resolve(__dirname, 'fixtures', 'prices');

/** The `$schema` value a file at `file` uses: the schema's path relative to it, or its $id URL. */
const SCHEMA_URL = schema.$id as string;

const shipped = readdirSync(DATA_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => join(DATA_DIR, f));
/** Example price files: the test fixtures that are meant to be valid, and the packed-smoke file. */
const examples = [
  ...readdirSync(FIXTURES)
    .filter((f) => /\.(json|ya?ml)$/.test(f))
    .map((f) => join(FIXTURES, f)),
  join(ROOT, 'scripts', 'packed-smoke', 'prices.json'),
];
const invalidExamples = [join(FIXTURES, 'bad', 'bad-date.yaml')];

function read(file: string): Record<string, unknown> {
  const text = readFileSync(file, 'utf8');
  return (/\.ya?ml$/.test(file) ? parseYaml(text) : JSON.parse(text)) as Record<string, unknown>;
}
const name = (file: string) => relative(ROOT, file);

type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null };
function loadAjv(): Validate | undefined {
  try {
    const req = createRequire(import.meta.url);
    const mod = req('ajv/dist/2020') as { default?: unknown };
    const Ajv2020 = (mod.default ?? mod) as new (
      opts: object,
    ) => {
      compile(s: object): Validate;
    };
    return new Ajv2020({ allErrors: true, strict: true }).compile(schema);
  } catch (err) {
    if ((err as { code?: string }).code === 'MODULE_NOT_FOUND') return undefined;
    throw err;
  }
}
const validate = loadAjv();

describe('price file JSON Schema', () => {
  it('is a draft 2020-12 schema whose every $ref resolves', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(SCHEMA_URL).toMatch(/\/packages\/processor\/schema\/price-file\.schema\.json$/);
    const defs = schema.$defs as Record<string, unknown>;
    const refs = [...JSON.stringify(schema).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/\$defs\//);
      expect(defs[ref.slice('#/$defs/'.length)], ref).toBeDefined();
    }
  });

  it.each([...shipped, ...examples].map(name))(
    '%s: a "$schema" key, if any, points at the schema',
    (file) => {
      const data = read(join(ROOT, file));
      if (data.$schema === undefined) return;
      const value = data.$schema as string;
      if (value.startsWith('https://')) expect(value).toBe(SCHEMA_URL);
      else expect(resolve(dirname(join(ROOT, file)), value)).toBe(SCHEMA_FILE);
    },
  );

  it('the loader accepts and ignores "$schema" at the root and in providers[]', () => {
    const book = PriceBook.load({
      includeShipped: false,
      userFiles: [
        {
          name: 'with-schema.json',
          data: {
            $schema: SCHEMA_URL,
            providers: [
              {
                $schema: SCHEMA_URL,
                provider: 'openai',
                currency: 'USD',
                models: [
                  {
                    id: 'schema-test',
                    periods: [
                      { effectiveFrom: '2025-01-01', prices: { input: 1, output: 2 }, source: 't' },
                    ],
                  },
                ],
              },
            ],
          },
        },
      ],
    });
    expect(book.list().map((e) => e.model)).toEqual(['schema-test']);
  });

  describe.skipIf(validate === undefined)('with ajv (draft 2020-12)', () => {
    it.each([...shipped, ...examples].map(name))('%s validates', (file) => {
      const data = read(join(ROOT, file));
      const ok = validate!(data);
      expect(validate!.errors ?? [], file).toEqual([]);
      expect(ok).toBe(true);
      // The authority agrees.
      expect(() => PriceBook.load({ userFiles: [join(ROOT, file)] })).not.toThrow();
    });

    it.each(invalidExamples.map(name))('%s does not validate', (file) => {
      expect(validate!(read(join(ROOT, file)))).toBe(false);
    });
  });
});
