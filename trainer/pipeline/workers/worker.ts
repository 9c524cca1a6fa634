// Inside a worker thread: runs the tasks the pool sends, one at a time, and answers with the result
// (typed arrays transferred) or with the error's message and the file it concerns.
import { parentPort } from 'node:worker_threads';
import { tasks } from './tasks.ts';
import { transferablesOf, type WorkerReply } from './pool.ts';

interface Request {
  id: number;
  kind: keyof typeof tasks;
  input: never;
}

const port = parentPort!;
port.on('message', (request: Request) => {
  void (async () => {
    let reply: WorkerReply;
    try {
      const progress = (done: number, total: number) => port.postMessage({ id: request.id, progress: [done, total] } satisfies WorkerReply);
      reply = { id: request.id, result: await tasks[request.kind](request.input, progress) };
    } catch (err) {
      const file = (err as { file?: unknown }).file;
      reply = { id: request.id, error: { message: err instanceof Error ? err.message : String(err), file: typeof file === 'string' ? file : undefined } };
    }
    port.postMessage(reply, transferablesOf(reply.result));
  })();
});
