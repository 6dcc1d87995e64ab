import { describe, expect, it } from 'vitest';
import { CandidateStream, DEFAULT_SEARCH_SPACE, sampleArchitectures, type SearchSpace } from '../src/core/arch/sampler.ts';
import { formatGenome } from '../src/core/arch/genome.ts';

function drain(stream: CandidateStream, chunk: number): string[] {
  const out: string[] = [];
  while (!stream.done) {
    const { archs, genomes } = stream.next(chunk);
    if (archs.length === 0) break;
    expect(archs.map(formatGenome)).toEqual(genomes);
    out.push(...genomes);
  }
  return out;
}

describe('CandidateStream', () => {
  it('draws the same architectures whatever the chunk size', () => {
    const expected = sampleArchitectures(DEFAULT_SEARCH_SPACE, 1200, 7).map(formatGenome);
    expect(new Set(expected).size).toBe(1200);
    for (const chunk of [1, 97, 500, 5000]) {
      const s = new CandidateStream(DEFAULT_SEARCH_SPACE, 1200, 7);
      expect(s.target).toBe(1200);
      expect(drain(s, chunk)).toEqual(expected);
      expect(s.count).toBe(1200);
    }
  });

  it('stops at the size of a small space', () => {
    const tiny: SearchSpace = { ...DEFAULT_SEARCH_SPACE, ops: ['zero', 'conv3x3'], channels: { min: 8, max: 8, step: 8 }, hidden: [64], timesteps: { min: 4, max: 4, step: 1 } };
    const s = new CandidateStream(tiny, 5000, 1);
    const all = drain(s, 100);
    expect(all.length).toBe(s.target);
    expect(s.target).toBeLessThan(5000);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(sampleArchitectures(tiny, 5000, 1).map(formatGenome));
  });

  it('rejects a space with no valid cell', () => {
    expect(() => new CandidateStream({ ...DEFAULT_SEARCH_SPACE, ops: ['zero'] }, 10, 1)).toThrow(/no valid cell/);
  });
});
