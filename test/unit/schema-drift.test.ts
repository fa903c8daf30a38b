import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { printSamaranSchema, SCHEMA_HEADER } from '../../src/api/schema';

describe('schema.graphql', () => {
  it('is exactly what the code generates (run `npm run schema` after changing types)', () => {
    const committed = fs.readFileSync(path.join(__dirname, '../../schema.graphql'), 'utf8');
    expect(committed.startsWith(SCHEMA_HEADER)).toBe(true);
    expect(committed).toBe(printSamaranSchema());
  });

  it('names the contract operations', () => {
    const sdl = printSamaranSchema();
    for (const name of ['me:', 'waves:', 'subjects(', 'subject(', 'openWave(', 'register(', 'recordOutcome(']) {
      expect(sdl).toContain(name);
    }
  });

  it('has no personal field on the pseudonymous types', () => {
    const sdl = printSamaranSchema();
    for (const typeName of ['Subject', 'Application', 'SubjectEdge', 'SubjectConnection']) {
      const body = new RegExp(`type ${typeName} \\{([^}]*)\\}`).exec(sdl)![1]!;
      const fields = body.replace(/"""[\s\S]*?"""/g, '').match(/^\s+(\w+)/gm)!.map((line) => line.trim());
      expect(fields.length).toBeGreaterThan(0);
      for (const field of fields) expect(field).not.toMatch(/nik|name|birth|email|phone|address|token/i);
    }
  });
});
