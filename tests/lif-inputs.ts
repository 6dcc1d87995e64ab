/**
 * Seeded LIF input currents, shared by the Node tests (tests/lif-tf.test.ts)
 * and the WebGL fixture page (e2e/fixtures/lif-webgl.ts), so both compare
 * the kernels on the same kind of inputs. No imports: the fixture page
 * bundles it.
 */

/** mulberry32: a tiny seeded generator, so every run sees the same inputs (also the spike kernels' tests and fixture). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller; two uniforms per call). */
function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/**
 * `n` input currents: 0.7 + 0.9·N(0, 1), or, `dyadic`, multiples of 1/8 in
 * [−0.25, 2.25] (exact in float32).
 */
export function lifInputValues(seed: number, n: number, dyadic: boolean): Float32Array {
  const r = mulberry32(seed);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = dyadic ? Math.floor(r() * 21) / 8 - 0.25 : 0.7 + 0.9 * gaussian(r);
  return v;
}
