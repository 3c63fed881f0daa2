// `npm run batch -- --jobs-topic T --in items.jsonl --out results.jsonl`: submits a JSONL file
// as batch jobs and collects every item's result into a JSONL file, with a progress bar and a
// summary on stderr. It listens on its own temporary subscription to the results topic,
// created before the first job is published so no result can be missed. With --follow it holds
// no subscription: it polls each job's status (GET /jobs/{job_id}) until done or failed. With
// --input-uri it submits one gs:// job (uploading --in there first) and follows it.
// `npm run batch -- status <job_id>` prints one job's status.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { PubSub, type Message } from '@google-cloud/pubsub';
import { loadConfig } from '../shared/config.js';
import { ResultCollector } from './batch/collect.js';
import { uploadInput, parseGsObject } from './batch/gcs-job.js';
import { readItems, splitJobs, type InputItem, type JobMessage } from './batch/input.js';
import { progressBar } from './batch/progress.js';
import { describeStatus, fetchStatus, followJobs } from './batch/status.js';

const usage = `Usage: npm run batch -- --jobs-topic <topic> --in <items.jsonl> (--out <results.jsonl> | --follow)
  [--results-topic <topic>]   default: RESULTS_TOPIC
  [--project <id>]            for short topic names (default: the one in the topic path)
  [--models vertex,local] [--task RETRIEVAL_DOCUMENT] [--fallback] [--no-truncate] [--encoding float|base64]
  [--job-size 1000] [--job-prefix cli] [--timeout 3600]
  [--follow] [--interval 2]    poll job status instead of collecting results (no --out)
       npm run batch -- --jobs-topic <topic> --input-uri gs://<bucket>/<file.jsonl> [--in <file.jsonl>] --follow
  [--output-uri-prefix gs://<bucket>/<prefix>]   one gs:// job (--in: upload that file there first);
                               Vertex batch prediction output files under the prefix
       npm run batch -- status <job_id>
  [--url <gateway>]            default: GATEWAY_URL, else http://127.0.0.1:PORT (status and --follow)
  [--api-key <key>]            default: GATEWAY_API_KEY`;

function fail(message: string): never {
  process.stderr.write(`batch: ${message}\n${usage}\n`);
  process.exit(2);
}

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    follow: { type: 'boolean', default: false }, interval: { type: 'string', default: '2' },
    url: { type: 'string' }, 'api-key': { type: 'string' },
    'jobs-topic': { type: 'string' }, 'results-topic': { type: 'string' }, project: { type: 'string' },
    in: { type: 'string' }, out: { type: 'string' }, models: { type: 'string' }, task: { type: 'string' },
    fallback: { type: 'boolean', default: false }, 'no-truncate': { type: 'boolean', default: false },
    encoding: { type: 'string' }, 'job-size': { type: 'string', default: '1000' }, 'job-prefix': { type: 'string', default: 'cli' },
    timeout: { type: 'string', default: '3600' }, help: { type: 'boolean', default: false },
    'input-uri': { type: 'string' }, 'output-uri-prefix': { type: 'string' },
  },
});
if (args.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const settings = loadConfig();
// The client libraries otherwise probe Google's metadata server (and warn) even for the emulator.
if (settings.batch.pubsubEmulatorHost) process.env.METADATA_SERVER_DETECTION ??= 'none';
const statusClient = { gatewayUrl: args.url ?? settings.batch.gatewayUrl, apiKey: args['api-key'] ?? settings.batch.apiKey };

if (positionals[0] === 'status') {
  const jobId = positionals[1] ?? fail('status needs a job id');
  let status;
  try {
    status = await fetchStatus(statusClient, jobId);
  } catch (error) {
    process.stderr.write(`batch: ${(error as Error).message}\n`);
    process.exit(1);
  }
  if (!status) {
    process.stderr.write(`batch: job ${jobId} not found at ${statusClient.gatewayUrl} (not delivered yet, or another completion store)\n`);
    process.exit(1);
  }
  process.stderr.write(`batch: ${describeStatus(status)}\n`);
  process.stdout.write(`${JSON.stringify(status)}\n`);
  process.exit(0);
}
if (positionals.length > 0) fail(`unknown command ${positionals[0]}`);

const jobsTopic = args['jobs-topic'] ?? fail('--jobs-topic is required');
const inputUri = args['input-uri'];
const outputPrefix = args['output-uri-prefix'];
// Their results are files or a job the CLI cannot list the items of: follow the status instead.
if ((inputUri || outputPrefix) && !args.follow) fail('--input-uri and --output-uri-prefix need --follow');
const input = args.in ?? (inputUri ? undefined : fail('--in (or --input-uri) is required'));
const intervalMs = Number(args.interval) * 1000;
if (!(intervalMs > 0)) fail('--interval must be a positive number of seconds');
const jobSize = Number(args['job-size']);
if (!Number.isInteger(jobSize) || jobSize < 1 || jobSize > settings.batch.maxItems) fail(`--job-size must be between 1 and ${settings.batch.maxItems}`);
const timeoutMs = Number(args.timeout) * 1000;
if (!(timeoutMs > 0)) fail('--timeout must be a positive number of seconds');

let items: InputItem[] = [];
if (!inputUri) {
  try {
    items = readItems(input!);
  } catch (error) {
    fail((error as Error).message);
  }
  if (items.length === 0) fail(`${input} holds no items`);
}

const runId = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const options = {
  ...(args.models ? { models: args.models.split(',').map((m) => m.trim()).filter(Boolean) } : {}),
  ...(args.task ? { task: args.task } : {}),
  fallback: args.fallback,
  truncate: !args['no-truncate'],
  ...(args.encoding ? { encoding: args.encoding } : {}),
  ...(outputPrefix ? { output_uri_prefix: outputPrefix } : {}),
};
const jobId = (n: number) => `${args['job-prefix']}-${runId}-${n}`;
const jobs: JobMessage[] = inputUri ? [] : splitJobs(items, jobSize, jobId, options);
let submitted: { job_id: string }[] = jobs;
let what = `${items.length} items as ${jobs.length} job(s)`;
if (inputUri) {
  try {
    parseGsObject(inputUri, '--input-uri');
  } catch (error) {
    fail((error as Error).message);
  }
  submitted = [{ job_id: jobId(0), input_uri: inputUri, ...options } as { job_id: string }];
  what = `one job reading ${inputUri}`;
  if (input) {
    try {
      const bytes = await uploadInput(settings.batch.storageEmulatorHost, input, inputUri);
      what = `${input} (${bytes} bytes, uploaded to ${inputUri}) as one job`;
    } catch (error) {
      process.stderr.write(`batch: uploading ${input} to ${inputUri}: ${(error as Error).message}\n`);
      process.exit(1);
    }
  }
}

if (args.follow) {
  const projectId = args.project ?? jobsTopic.match(/^projects\/([^/]+)\//)?.[1];
  const pubsub = new PubSub(projectId ? { projectId } : {});
  const topic = pubsub.topic(jobsTopic);
  for (const job of submitted) await topic.publishMessage({ data: Buffer.from(JSON.stringify(job)), attributes: { job_id: job.job_id } });
  await pubsub.close();
  process.stderr.write(`batch: submitted ${what}; following their status at ${statusClient.gatewayUrl}\n`);
  let last;
  try {
    last = await followJobs(statusClient, submitted.map((j) => j.job_id), {
      intervalMs, deadline: Date.now() + timeoutMs, onChange: (s) => process.stderr.write(`batch: ${describeStatus(s)}\n`),
    });
  } catch (error) {
    process.stderr.write(`batch: ${(error as Error).message}\n`);
    process.exit(1);
  }
  // One status line per job on stdout: what a script waiting on the jobs reads.
  for (const [jobId, status] of last) process.stdout.write(`${JSON.stringify(status ?? { job_id: jobId, state: 'unknown' })}\n`);
  const states = [...last.values()].map((s) => s?.state ?? 'unknown');
  if (states.some((s) => s === 'running' || s === 'unknown')) process.stderr.write(`batch: timed out after ${args.timeout}s\n`);
  process.exit(states.every((s) => s === 'done') ? 0 : 1);
}

const resultsTopic = args['results-topic'] ?? settings.batch.resultsTopic ?? fail('--results-topic (or RESULTS_TOPIC) is required');
const output = args.out ?? fail('--out (or --follow) is required');
const projectId = args.project ?? resultsTopic.match(/^projects\/([^/]+)\//)?.[1] ?? jobsTopic.match(/^projects\/([^/]+)\//)?.[1];
const pubsub = new PubSub(projectId ? { projectId } : {});
const started = Date.now();
const [subscription] = await pubsub.topic(resultsTopic).createSubscription(`batch-cli-${runId}`, {
  ackDeadlineSeconds: 60,
  // A CLI that dies leaves its subscription behind; Pub/Sub removes it after a day unused.
  expirationPolicy: { ttl: { seconds: 24 * 3600 } },
});
const out = createWriteStream(output);
const collector = new ResultCollector(jobs, (line) => out.write(`${JSON.stringify(line)}\n`));
const progress = progressBar(items.length);

const finished = new Promise<boolean>((resolve) => {
  const timer = setTimeout(() => resolve(false), timeoutMs);
  subscription.on('message', (message: Message) => {
    collector.accept(message);
    message.ack();
    progress.update(collector.done, collector.errors);
    if (collector.complete) {
      clearTimeout(timer);
      resolve(true);
    }
  });
  subscription.on('error', (error) => process.stderr.write(`batch: results subscription: ${error.message}\n`));
});

const topic = pubsub.topic(jobsTopic);
for (const job of jobs) await topic.publishMessage({ data: Buffer.from(JSON.stringify(job)), attributes: { job_id: job.job_id } });
process.stderr.write(`batch: submitted ${items.length} items as ${jobs.length} job(s) (${jobs[0]!.job_id}${jobs.length > 1 ? ' ...' : ''})\n`);

const complete = await finished;
progress.finish();
await new Promise<void>((resolve) => out.end(resolve));
await subscription.close();
await subscription.delete().catch(() => undefined);
await pubsub.close();

const seconds = (Date.now() - started) / 1000;
const summary = {
  items: items.length,
  answered: collector.done,
  errors: collector.errors,
  models: [...collector.models],
  jobs: jobs.length,
  seconds: Number(seconds.toFixed(1)),
  items_per_second: Math.round(collector.done / seconds),
  output,
};
process.stderr.write(`batch: ${summary.answered}/${summary.items} items, ${summary.errors} errors, model ${summary.models.join(', ') || 'none'}, ${summary.seconds}s (${summary.items_per_second} items/s) -> ${output}\n`);
process.stderr.write(`${JSON.stringify(summary)}\n`);
if (!complete) {
  process.stderr.write(`batch: timed out after ${args.timeout}s with ${items.length - collector.done} items unanswered\n`);
  process.exit(1);
}
