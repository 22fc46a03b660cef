import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import type { ModelBundle } from '../models/bundle';
import { BundleError } from './sessions';

export interface TokenizedPrompt {
  ids: BigInt64Array;
  attentionMask: BigInt64Array;
}

/**
 * The bundle's tokenizer (a Hugging Face tokenizer.json, read by @huggingface/tokenizers),
 * padded or truncated to the manifest's maxLength the way diffusers' pipelines call their
 * tokenizers: padding="max_length", truncation, special tokens added.
 */
export class PromptTokenizer {
  private constructor(
    private readonly tokenizer: Tokenizer,
    private readonly maxLength: number,
    private readonly padId: number,
  ) {}

  static async load(bundle: ModelBundle): Promise<PromptTokenizer> {
    const spec = bundle.manifest.tokenizer;
    if (!spec) throw new BundleError(`${path.join(bundle.dir, 'manifest.json')}: the model uses a prompt but names no tokenizer`);
    const json = await readJson(path.join(bundle.dir, spec.file));
    const config = spec.config ? await readJson(path.join(bundle.dir, spec.config)) : {};
    let tokenizer: Tokenizer;
    try {
      tokenizer = new Tokenizer(json, config);
    } catch (err) {
      throw new BundleError(`${path.join(bundle.dir, spec.file)}: not a tokenizer the studio can read (${(err as Error).message})`);
    }
    return new PromptTokenizer(tokenizer, spec.maxLength, padTokenId(tokenizer, json, config));
  }

  encode(text: string): TokenizedPrompt {
    const ids = this.truncated(text);
    const out = new BigInt64Array(this.maxLength).fill(BigInt(this.padId));
    const mask = new BigInt64Array(this.maxLength);
    ids.forEach((id, i) => {
      out[i] = BigInt(id);
      mask[i] = 1n;
    });
    return { ids: out, attentionMask: mask };
  }

  /**
   * Hugging Face truncation keeps the special tokens and cuts the text: T5's closing </s>
   * survives a prompt longer than maxLength. Cutting the encoded ids instead would drop it,
   * and the text encoder would see a sequence it never saw in training (found by the parity
   * test in tools/dwm_export).
   */
  private truncated(text: string): number[] {
    const withSpecial = this.tokenizer.encode(text).ids;
    if (withSpecial.length <= this.maxLength) return withSpecial;
    const plain = this.tokenizer.encode(text, { add_special_tokens: false }).ids;
    // The post-processor wraps the text as prefix + text + suffix (T5: no prefix, </s> suffix).
    const extra = withSpecial.length - plain.length;
    let prefix = -1;
    for (let k = 0; k <= extra && prefix < 0; k++) if (plain.every((id, i) => withSpecial[k + i] === id)) prefix = k;
    const suffix = extra - prefix;
    if (prefix < 0 || suffix < 0 || prefix + suffix >= this.maxLength) return withSpecial.slice(0, this.maxLength);
    return [
      ...withSpecial.slice(0, prefix),
      ...plain.slice(0, this.maxLength - prefix - suffix),
      ...withSpecial.slice(withSpecial.length - suffix),
    ];
  }
}

async function readJson(file: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new BundleError(`${file}: cannot be read as JSON (${(err as Error).message})`);
  }
}

/** The pad token: tokenizer.json's padding settings, else the config's pad_token, else id 0 (T5's <pad>). */
function padTokenId(tokenizer: Tokenizer, json: Record<string, unknown>, config: Record<string, unknown>): number {
  const padding = json.padding as { pad_id?: unknown } | null | undefined;
  if (padding && typeof padding.pad_id === 'number') return padding.pad_id;
  const padToken = config.pad_token;
  const name = typeof padToken === 'string' ? padToken : (padToken as { content?: string } | undefined)?.content;
  if (name) {
    const id = tokenizer.token_to_id(name);
    if (id !== undefined) return id;
  }
  return 0;
}
