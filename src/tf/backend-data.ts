/**
 * The parts of tfjs's cpu and wasm backends that this project's fused
 * kernels (kernels.ts, lif-kernels.ts) reach into: tensor values on cpu, the
 * wasm heap and its memory. Typed here once; tfjs does not export them.
 */
import type * as tf from '@tensorflow/tfjs-core';

/** The part of tfjs-backend-cpu's MathBackendCPU the kernels use. */
export interface CpuBackendLike {
  data: { get(dataId: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32' | 'int32', values: Float32Array | Int32Array): tf.TensorInfo;
}

/** The part of tfjs-backend-wasm's BackendWasm the kernels use. */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: 'float32' | 'int32'): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  getMemoryOffset(dataId: object): number;
  disposeData(dataId: object, force?: boolean): boolean;
  /** the Emscripten module; `asm.memory` is its WebAssembly.Memory */
  wasm: { asm?: { memory?: WebAssembly.Memory } };
}

/**
 * A cpu tensor's values as float32. tfjs-backend-cpu keeps some float32
 * tensors in other typed arrays (a bool tensor cast to float32 keeps its
 * Uint8Array), which are converted; `kernel` names the caller in the error
 * when the values are not numbers at all.
 */
export function cpuFloat32(backend: CpuBackendLike, info: tf.TensorInfo, kernel: string): Float32Array {
  const v = backend.data.get(info.dataId).values;
  if (v instanceof Float32Array) return v;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Float32Array.from(v as unknown as ArrayLike<number>);
  throw new Error(`${kernel}: cpu tensor values of dtype ${info.dtype} are not a typed array`);
}
