import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';

/**
 * Every message of the console has exactly one Japanese translation, with the same placeholders.
 *
 * Reads the English source extracted from the code and every `src/locale/*.ja.xlf`. `npm test`
 * extracts a fresh source into a temporary file first and names it in KPC_I18N_SOURCE, so the
 * check follows the code, not a committed copy someone forgot to regenerate; run alone, it
 * reads `src/locale/messages.xlf` (`npx ng extract-i18n --output-path src/locale --format xlf`).
 * Runs in Node only: no page, no server.
 *
 * A translation whose ID is no longer in the source (stale) fails too: the production build
 * ignores it silently, so it would stay as dead text that translators keep maintaining, and a
 * renamed ID would look translated while the new one is not. Removing it is a one-line fix.
 */

const localeDir = join(import.meta.dirname, '..', 'src', 'locale');
const sourceFile = process.env.KPC_I18N_SOURCE ?? join(localeDir, 'messages.xlf');

interface Unit {
  id: string;
  file: string;
  source: string;
  target: string | undefined;
}

const decode = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** The trans-units of one XLIFF 1.2 file (the shape `ng extract-i18n` writes). */
function readUnits(file: string): Unit[] {
  const xml = readFileSync(file.includes('/') ? file : join(localeDir, file), 'utf8');
  const units: Unit[] = [];
  for (const match of xml.matchAll(/<trans-unit\b([^>]*)>([\s\S]*?)<\/trans-unit>/g)) {
    const id = /\bid="([^"]*)"/.exec(match[1])?.[1];
    if (!id) throw new Error(`${file}: a trans-unit without an id`);
    const body = match[2];
    const source = /<source>([\s\S]*?)<\/source>/.exec(body)?.[1] ?? '';
    const target = /<target\b[^>]*\/>/.test(body)
      ? ''
      : /<target\b[^>]*>([\s\S]*?)<\/target>/.exec(body)?.[1];
    units.push({ id: decode(id), file, source, target });
  }
  return units;
}

/**
 * What a translation must keep from its source: `<x id="..."/>` placeholders (interpolations,
 * elements, nested ICU) and the variables of ICU expressions (`{VAR_PLURAL, plural, ...}`), as a
 * sorted list so that order may change (Japanese word order differs) but not the count.
 */
function placeholders(text: string): string[] {
  const found = [...text.matchAll(/<x\b[^>]*\bid="([^"]*)"[^>]*\/>/g)].map((m) => `x:${m[1]}`);
  const icu = [...text.matchAll(/\{\s*(VAR_[A-Z_0-9]+)\s*,\s*(plural|select)\s*,/g)].map(
    (m) => `icu:${m[1]}:${m[2]}`,
  );
  return [...found, ...icu].sort();
}

const hasText = (target: string | undefined) =>
  target !== undefined && target.replace(/<[^>]*>/g, 'x').trim() !== '';

test.describe('Japanese translations', () => {
  const source = readUnits(sourceFile);
  const jaFiles = readdirSync(localeDir)
    .filter((name) => name.endsWith('.ja.xlf'))
    .sort();
  const translations = jaFiles.flatMap(readUnits);
  const byId = new Map<string, Unit[]>();
  for (const unit of translations) byId.set(unit.id, [...(byId.get(unit.id) ?? []), unit]);
  const sourceIds = new Set(source.map((unit) => unit.id));

  test('the source and the Japanese files are there', () => {
    expect(source.length, 'trans-units in messages.xlf').toBeGreaterThan(0);
    expect(jaFiles.length, 'src/locale/*.ja.xlf files').toBeGreaterThan(0);
    const ids = new Set(source.map((unit) => unit.id));
    expect(ids.size, 'IDs repeated in messages.xlf').toBe(source.length);
  });

  test('every message has a non-empty Japanese target', () => {
    const missing = source
      .filter((unit) => !(byId.get(unit.id) ?? []).some((t) => hasText(t.target)))
      .map((unit) => `${unit.id}: "${decode(unit.source)}"`);
    expect(missing, "messages without a Japanese target (add them to the area's *.ja.xlf)").toEqual(
      [],
    );
  });

  test('no message is translated twice', () => {
    const twice = [...byId]
      .filter(([, units]) => units.length > 1)
      .map(([id, units]) => `${id} in ${units.map((u) => u.file).join(', ')}`);
    expect(twice, 'IDs that appear more than once across the *.ja.xlf files').toEqual([]);
  });

  test('no translation is left for a message that no longer exists', () => {
    const stale = translations
      .filter((unit) => !sourceIds.has(unit.id))
      .map((unit) => `${unit.id} (${unit.file})`);
    expect(stale, 'translated IDs not in messages.xlf (remove them, or re-extract)').toEqual([]);
  });

  test("names the vendor thing ID one way, as Kii's Japanese documentation does", () => {
    // Kii's Japanese guides write vendorThingID as is in running text and tables; a second
    // spelling in labels makes an operator wonder whether they are two different IDs.
    const other = source
      .filter((unit) => /vendor thing ID/i.test(decode(unit.source)))
      .flatMap((unit) => (byId.get(unit.id) ?? []).filter((t) => hasText(t.target)))
      .filter(
        (t) => !t.target!.includes('vendorThingID') || /Vendor Thing ID|ベンダー/.test(t.target!),
      )
      .map((t) => `${t.id} (${t.file}): "${decode(t.target!)}"`);
    expect(other, 'translations of "vendor thing ID" that do not say vendorThingID').toEqual([]);
  });

  test('every translation keeps the placeholders of its source', () => {
    const mismatched = source.flatMap((unit) =>
      (byId.get(unit.id) ?? [])
        .filter((t) => hasText(t.target))
        .filter((t) => placeholders(t.target!).join(' ') !== placeholders(unit.source).join(' '))
        .map(
          (t) =>
            `${unit.id} (${t.file}): source [${placeholders(unit.source)}], ` +
            `target [${placeholders(t.target!)}]`,
        ),
    );
    expect(mismatched).toEqual([]);
  });
});
