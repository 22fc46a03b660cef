import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelBundle } from '../../../src/main/models/bundle';
import { PromptTokenizer } from '../../../src/main/pipeline/tokenize';
import { bundleAt, TINY_BUNDLE, tempDir } from './helpers';

/**
 * Truncation must keep the special tokens, as Hugging Face tokenizers do with truncation=True:
 * T5 (CogVideoX, Wan) closes every prompt with </s>, also one longer than maxLength. The
 * parity test in tools/dwm_export found the studio cutting it off.
 */
const words = ['<pad>', '</s>', '<unk>', '[CLS]', 'a', 'hand', 'opens', 'the', 'drawer', 'slowly'];
function tokenizerJson(single: unknown[]) {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: ['<pad>', '</s>', '<unk>', '[CLS]'].map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: {
      type: 'TemplateProcessing',
      single,
      pair: single,
      special_tokens: {
        '</s>': { id: '</s>', ids: [1], tokens: ['</s>'] },
        '[CLS]': { id: '[CLS]', ids: [3], tokens: ['[CLS]'] },
      },
    },
    decoder: null,
    model: { type: 'WordLevel', vocab: Object.fromEntries(words.map((w, i) => [w, i])), unk_token: '<unk>' },
  };
}
const A = { Sequence: { id: 'A', type_id: 0 } };
const special = (id: string) => ({ SpecialToken: { id, type_id: 0 } });

async function bundleWith(json: unknown, maxLength: number): Promise<ModelBundle> {
  const dir = await tempDir('tok');
  await fs.cp(TINY_BUNDLE, dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'tokenizer', 'tokenizer.json'), JSON.stringify(json));
  const bundle = await bundleAt(dir);
  return { ...bundle, manifest: { ...bundle.manifest, tokenizer: { file: 'tokenizer/tokenizer.json', maxLength } } };
}

const ids = (t: PromptTokenizer, s: string) => Array.from(t.encode(s).ids, Number);

describe('PromptTokenizer truncation', () => {
  it('keeps T5-style closing </s> when the prompt is longer than maxLength', async () => {
    const tok = await PromptTokenizer.load(await bundleWith(tokenizerJson([A, special('</s>')]), 4));
    expect(ids(tok, 'a hand opens the drawer slowly')).toEqual([4, 5, 6, 1]);
    expect(ids(tok, 'a hand')).toEqual([4, 5, 1, 0]);
    expect(Array.from(tok.encode('a hand').attentionMask, Number)).toEqual([1, 1, 1, 0]);
  });

  it('keeps a leading and a closing special token', async () => {
    const tok = await PromptTokenizer.load(await bundleWith(tokenizerJson([special('[CLS]'), A, special('</s>')]), 5));
    expect(ids(tok, 'a hand opens the drawer slowly')).toEqual([3, 4, 5, 6, 1]);
    expect(ids(tok, 'the drawer')).toEqual([3, 7, 8, 1, 0]);
  });
});
