/** A worker thread of `frontend-jobs.ts`: runs the frontends on each job it is sent and posts the models back. */
import { parentPort } from 'node:worker_threads';
import { describeError } from '../model/limits';
import type { JobReply, JobRequest } from './frontend-jobs';
import { frontendModels } from './frontends';

const port = parentPort;
if (port) {
  // Jobs are answered one after the other, in the order they came: the next may wait here while one runs.
  let queue = Promise.resolve();
  port.on('message', (job: JobRequest) => {
    queue = queue.then(() => {
      const errors: { where: string; message: string }[] = [];
      return frontendModels(job.sources, {
        ...job.options,
        onInternalError: (where, err) => errors.push({ where, message: describeError(err) }),
      }).then(
        (models) => port.postMessage({ models, errors } satisfies JobReply),
        (err: unknown) => port.postMessage({ failed: describeError(err) } satisfies JobReply),
      );
    });
  });
}
