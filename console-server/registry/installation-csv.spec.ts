import { CsvImportError, parseInstallationCsv } from './installation-csv';

describe('parseInstallationCsv', () => {
  it('reads IDs and deviceType:registrationID, one per line, with LF ends', () => {
    const parsed = parseInstallationCsv('abc123\nMQTT:reg-1\nandroid:fcm:token:with:colons\n');
    expect(parsed.header).toBeFalse();
    expect(parsed.refs).toEqual([
      { line: 1, ref: { installationID: 'abc123' } },
      { line: 2, ref: { deviceType: 'MQTT', registrationID: 'reg-1' } },
      { line: 3, ref: { deviceType: 'ANDROID', registrationID: 'fcm:token:with:colons' } },
    ]);
    expect(parsed.duplicates).toEqual([]);
    expect(parsed.invalid).toEqual([]);
  });

  it('skips a BOM, a header, blank lines and CRLF/CR ends, keeping file line numbers', () => {
    const parsed = parseInstallationCsv(
      '\uFEFFInstallation ID,note\r\n\r\nid1,first\r\n  \rid2\r\n,\n',
    );
    expect(parsed.header).toBeTrue();
    expect(parsed.refs).toEqual([
      { line: 3, ref: { installationID: 'id1' } },
      { line: 5, ref: { installationID: 'id2' } },
    ]);
  });

  it('reads quoted cells, doubled quotes, and a quoted cell spanning lines', () => {
    const parsed = parseInstallationCsv(
      '"id-1","a, note"\n" IOS:tok"\n"multi\nline",x\n"bad""q"\nid-5',
    );
    expect(parsed.refs.map((r) => r.ref)).toEqual([
      { installationID: 'id-1' },
      { deviceType: 'IOS', registrationID: 'tok' },
      { installationID: 'id-5' },
    ]);
    expect(parsed.invalid.map((i) => [i.line, i.text])).toEqual([
      [3, 'multi\nline'],
      [5, 'bad"q'],
    ]);
    expect(parsed.refs[2].line).toBe(6);
  });

  it('reports duplicate lines with the line that came first', () => {
    const parsed = parseInstallationCsv('a1\nMQTT:r\na1\nmqtt:r\na2');
    expect(parsed.refs.length).toBe(3);
    expect(parsed.duplicates).toEqual([
      { line: 3, text: 'a1', firstLine: 1 },
      { line: 4, text: 'mqtt:r', firstLine: 2 },
    ]);
  });

  it('names why a line is unusable', () => {
    const parsed = parseInstallationCsv('FAX:123\nhas space\n"open quote');
    expect(parsed.invalid).toEqual([
      { line: 1, text: 'FAX:123', reason: jasmine.stringContaining('not a device type') },
      { line: 2, text: 'has space', reason: jasmine.stringContaining('not an installation ID') },
      { line: 3, text: 'open quote', reason: 'a quote is not closed' },
    ]);
  });

  it('only counts the first line as a possible header', () => {
    const parsed = parseInstallationCsv('a1\nid\n');
    expect(parsed.header).toBeFalse();
    expect(parsed.refs.map((r) => r.ref)).toEqual([
      { installationID: 'a1' },
      { installationID: 'id' },
    ]);
  });

  it('refuses more rows than allowed (header and blank lines not counted)', () => {
    expect(parseInstallationCsv('id\n\na\nb\nc', { maxRows: 3 }).refs.length).toBe(3);
    expect(() => parseInstallationCsv('a\nb\nc\nd', { maxRows: 3 })).toThrowMatching(
      (error) => error instanceof CsvImportError && error.code === 'TOO_MANY_ROWS',
    );
  });

  it('returns nothing for an empty file or one with only a BOM', () => {
    expect(parseInstallationCsv('').refs).toEqual([]);
    expect(parseInstallationCsv('\uFEFF').refs).toEqual([]);
  });
});
