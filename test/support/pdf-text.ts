import { inflateSync } from 'node:zlib';

/**
 * The text of a PDF that Chromium printed (page.pdf()), enough to check what a printed page says: each
 * page's content streams are read in order, every string shown (Tj, TJ, ', ") is decoded through its
 * font's ToUnicode map, and a new text object or line starts a new line. Chromium writes CJK text in
 * fonts with one- or two-byte codes and a ToUnicode CMap for each; other PDFs may need more than this.
 */
export function pdfText(pdf: Buffer): string {
  const source = pdf.toString('latin1');
  const objects = new Map<number, { dict: string; stream?: Buffer }>();
  for (const match of source.matchAll(/(\d+) 0 obj\s*([\s\S]*?)endobj/g)) {
    const body = match[2]!;
    const streamAt = body.indexOf('stream');
    if (streamAt < 0) {
      objects.set(Number(match[1]), { dict: body });
      continue;
    }
    const dict = body.slice(0, streamAt);
    let start = streamAt + 'stream'.length;
    if (body[start] === '\r') start++;
    if (body[start] === '\n') start++;
    const end = body.lastIndexOf('endstream');
    let data = Buffer.from(body.slice(start, end), 'latin1');
    if (/\/FlateDecode/.test(dict)) data = inflateSync(data);
    objects.set(Number(match[1]), { dict, stream: data });
  }
  const ref = (text: string, key: string) => Number(new RegExp(`/${key}\\s+(\\d+) 0 R`).exec(text)?.[1] ?? NaN);

  const cmaps = new Map<number, { width: number; map: Map<number, string> }>();
  const toUnicode = (fontObject: number) => {
    let cmap = cmaps.get(fontObject);
    if (cmap) return cmap;
    cmap = { width: 1, map: new Map() };
    const stream = objects.get(ref(objects.get(fontObject)?.dict ?? '', 'ToUnicode'))?.stream?.toString('latin1') ?? '';
    const hex = (h: string) => parseInt(h, 16);
    const utf16 = (h: string) => Buffer.from(h, 'hex').swap16().toString('utf16le');
    const range = /<([0-9A-Fa-f]+)>/.exec(/begincodespacerange([\s\S]*?)endcodespacerange/.exec(stream)?.[1] ?? '');
    if (range) cmap.width = range[1]!.length / 2;
    for (const block of stream.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
      for (const [, code, uni] of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) cmap.map.set(hex(code!), utf16(uni!));
    }
    for (const block of stream.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
      for (const [, from, to, uni] of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
        const first = utf16(uni!);
        for (let code = hex(from!); code <= hex(to!); code++) {
          cmap.map.set(code, first.slice(0, -1) + String.fromCharCode(first.charCodeAt(first.length - 1) + code - hex(from!)));
        }
      }
    }
    cmaps.set(fontObject, cmap);
    return cmap;
  };

  const lines: string[] = [];
  const pages = [...objects.values()].filter((o) => /\/Type\s*\/Page\b/.test(o.dict));
  for (const page of pages) {
    // The page's fonts: /Resources << /Font << /F1 12 0 R … >> >> (inline, or in a resources object).
    const resources = /\/Resources\s+(\d+) 0 R/.exec(page.dict) ? objects.get(Number(/\/Resources\s+(\d+) 0 R/.exec(page.dict)![1]))?.dict ?? '' : page.dict;
    const fontDict = /\/Font\s+(\d+) 0 R/.exec(resources) ? objects.get(Number(/\/Font\s+(\d+) 0 R/.exec(resources)![1]))?.dict ?? '' : (/\/Font\s*<<([\s\S]*?)>>/.exec(resources)?.[1] ?? '');
    const fonts = new Map([...fontDict.matchAll(/\/([\w.+-]+)\s+(\d+) 0 R/g)].map((m) => [m[1]!, Number(m[2])]));
    const contents = /\/Contents\s*\[([^\]]*)\]/.exec(page.dict)?.[1] ?? /\/Contents\s+(\d+ 0 R)/.exec(page.dict)?.[1] ?? '';
    let font = { width: 1, map: new Map<number, string>() };
    let line = '';
    const flush = () => {
      if (line.trim() !== '') lines.push(line);
      line = '';
    };
    for (const [, id] of contents.matchAll(/(\d+) 0 R/g)) {
      const ops = objects.get(Number(id))?.stream?.toString('latin1') ?? '';
      for (const token of ops.matchAll(/\/([\w.+-]+)\s+[-\d.]+\s+Tf|<([0-9A-Fa-f\s]*)>|\b(BT|ET|T\*|Td|TD)\b/g)) {
        if (token[1]) font = fonts.has(token[1]) ? toUnicode(fonts.get(token[1])!) : font;
        else if (token[2] !== undefined) {
          const hex = token[2].replace(/\s/g, '');
          for (let i = 0; i + font.width * 2 <= hex.length; i += font.width * 2) line += font.map.get(parseInt(hex.slice(i, i + font.width * 2), 16)) ?? '';
        } else if (token[3] === 'BT' || token[3] === 'T*' || token[3] === 'TD') flush();
      }
    }
    flush();
  }
  return lines.join('\n');
}
