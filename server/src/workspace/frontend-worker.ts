/** A worker thread of `frontend-jobs.ts`: runs the frontends on each job it is sent and posts the models back. */
import { parentPort } from 'node:worker_threads';
import { describeError } from '../model/limits';
import type { JobReply, JobRequest } from './frontend-jobs';
import { frontendModels } from './frontends';

const port = parentPort;
if (port) {
  port.on('message', (job: JobRequest) => {
    const errors: { where: string; message: string }[] = [];
    frontendModels(job.sources, {
      ...job.options,
      onInternalError: (where, err) => errors.push({ where, message: describeError(err) }),
    }).then(
      (models) => port.postMessage({ models, errors } satisfies JobReply),
      (err: unknown) => port.postMessage({ failed: describeError(err) } satisfies JobReply),
    );
  });
}
