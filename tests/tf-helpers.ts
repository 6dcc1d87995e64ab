/** Test helper: switch tfjs to a Node backend (cpu, or single-threaded wasm) through the studio's backend module. */
import '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../src/tf/backend-node.ts';

export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  if (tf.getBackend() === name) return;
  const choice = await initNodeBackend(name);
  if (choice.backend !== name) throw new Error(`backend ${name} failed to initialise: ${choice.reason}`);
}
