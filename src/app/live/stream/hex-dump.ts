/** Bytes shown in the hex view; Kii payloads are at most 4 KB, the tap's wrapper a bit more. */
export const HEX_DUMP_LIMIT = 64 * 1024;

/**
 * Classic hex dump lines: 8-digit hex offset, 16 bytes in hex (two groups of 8), and the
 * printable ASCII with dots for everything else, so any payload can be shown as plain text.
 */
export function hexDump(bytes: Uint8Array, limit = HEX_DUMP_LIMIT): string[] {
  const lines: string[] = [];
  const end = Math.min(bytes.length, limit);
  for (let offset = 0; offset < end; offset += 16) {
    const row = bytes.subarray(offset, Math.min(offset + 16, end));
    let hex = '';
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      if (i === 8) hex += ' ';
      if (i < row.length) {
        hex += row[i].toString(16).padStart(2, '0') + ' ';
        ascii += row[i] >= 0x20 && row[i] < 0x7f ? String.fromCharCode(row[i]) : '.';
      } else {
        hex += '   ';
      }
    }
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex} |${ascii}|`);
  }
  return lines;
}

/** The payload's bytes: kept as received when not UTF-8, else the UTF-8 of its text. */
export function payloadBytes(message: {
  readonly text: string;
  readonly binary: Uint8Array | null;
}): Uint8Array {
  return message.binary ?? new TextEncoder().encode(message.text);
}
