/**
 * A training thread of the command line's pool (src/cli/thread-pool.ts): the
 * training protocol (src/protocol/training.ts) of a Node training engine on
 * the thread's parent port, as src/workers/training.worker.ts serves it to
 * the page. Each thread holds its own tfjs backend and data sets.
 */
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs-core';
import { trainingApi } from '../workers/training-api.ts';
import { createNodeEngine } from './engine-node.ts';

// tfjs's Node advice banner and kernel notices would clutter the command's stderr.
tf.env().set('PROD', true);

const api = trainingApi(createNodeEngine(), undefined);

// A Node MessagePort is an EventTarget whose message events carry `data`, as comlink expects.
Comlink.expose(api, parentPort as unknown as Comlink.Endpoint);
