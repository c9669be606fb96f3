import { hexDump, payloadBytes } from './hex-dump';

describe('hexDump', () => {
  it('writes offsets, two groups of eight bytes and the printable characters', () => {
    const bytes = new TextEncoder().encode('{"a":"<b>"}\n\u0000xyz');
    expect(hexDump(bytes)).toEqual([
      '00000000  7b 22 61 22 3a 22 3c 62  3e 22 7d 0a 00 78 79 7a  |{"a":"<b>"}..xyz|',
    ]);
  });

  it('pads the last line and counts offsets in hex', () => {
    const bytes = new Uint8Array(18).map((_, i) => i + 0x41);
    expect(hexDump(bytes)).toEqual([
      '00000000  41 42 43 44 45 46 47 48  49 4a 4b 4c 4d 4e 4f 50  |ABCDEFGHIJKLMNOP|',
      '00000010  51 52                                             |QR|',
    ]);
  });

  it('shows bytes that are not text as dots and stops at the limit', () => {
    const lines = hexDump(new Uint8Array([0xff, 0x80, 0x7f, 0x20]), 2);
    expect(lines).toEqual(['00000000  ff 80                                             |..|']);
    expect(hexDump(new Uint8Array(0))).toEqual([]);
  });

  it('dumps the received bytes, or the UTF-8 of the text', () => {
    expect(payloadBytes({ text: 'é', binary: null })).toEqual(new Uint8Array([0xc3, 0xa9]));
    const raw = new Uint8Array([0xff]);
    expect(payloadBytes({ text: '\ufffd', binary: raw })).toBe(raw);
  });
});
