/**
 * The parts of Wavefront .mtl that name files. Texture statements may carry options before
 * the file name (`map_Kd -o 0.5 0.5 1 -bm 1 tex/wood.png`); the file name is what is left,
 * and may contain spaces.
 */

/** Statements whose argument is a texture file (lower-cased). */
const MAP_KEYWORDS = new Set([
  'map_ka',
  'map_kd',
  'map_ks',
  'map_ke',
  'map_ns',
  'map_d',
  'map_bump',
  'bump',
  'map_disp',
  'disp',
  'decal',
  'norm',
  'map_norm',
  'refl',
  'map_refl',
  'map_pr',
  'map_pm',
  'map_ps',
  'map_aniso',
  'map_anisor',
]);

/** How many arguments each option takes; -o/-s/-t take one to three numbers. */
const OPTION_ARGS: Record<string, number | 'upTo3'> = {
  '-blendu': 1,
  '-blendv': 1,
  '-bm': 1,
  '-boost': 1,
  '-cc': 1,
  '-clamp': 1,
  '-imfchan': 1,
  '-mm': 2,
  '-o': 'upTo3',
  '-s': 'upTo3',
  '-t': 'upTo3',
  '-texres': 1,
  '-type': 1,
};

export interface MtlMapStatement {
  keyword: string;
  /** Option tokens exactly as written, in order. */
  options: string[];
  /** The texture path as written (backslashes kept). */
  path: string;
  /** Leading whitespace of the line, kept when the line is rewritten. */
  indent: string;
}

export function parseMtlMapLine(line: string): MtlMapStatement | null {
  const indent = /^\s*/.exec(line)?.[0] ?? '';
  const body = line.slice(indent.length).replace(/\s+#.*$/, '');
  const words = body.split(/\s+/).filter((w) => w !== '');
  const keyword = words[0];
  if (keyword === undefined || !MAP_KEYWORDS.has(keyword.toLowerCase())) return null;
  let i = 1;
  const options: string[] = [];
  while (i < words.length) {
    const word = words[i] as string;
    const spec = OPTION_ARGS[word.toLowerCase()];
    if (spec === undefined) break;
    options.push(word);
    i++;
    const max = spec === 'upTo3' ? 3 : spec;
    for (let k = 0; k < max && i < words.length - 1; k++) {
      // -o/-s/-t stop at the first non-number; never swallow the last word, which is the file.
      if (spec === 'upTo3' && k > 0 && !Number.isFinite(Number(words[i]))) break;
      options.push(words[i] as string);
      i++;
    }
  }
  if (i >= words.length) return null;
  return { keyword, options, path: words.slice(i).join(' '), indent };
}

export function formatMtlMapLine(statement: MtlMapStatement, path: string): string {
  return `${statement.indent}${[statement.keyword, ...statement.options, path].join(' ')}`;
}
