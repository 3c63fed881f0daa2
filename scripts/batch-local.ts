// `npm run batch:local`: everything a local batch job needs besides `npm start`. Starts the Pub/Sub
// emulator and fake-gcs-server for gs:// jobs (or reuses either already on its port), creates the
// jobs topic, the results topic, the push subscription that delivers jobs to the dev server's
// embedBatch route (`<gateway>/projects/P/topics/T`, where functions-framework turns the push
// envelope into a CloudEvent) and a bucket, prints the environment to export, and keeps the
// services up until Ctrl-C.
import { parseArgs } from 'node:util';
import { storageClient } from '../shared/batch/gcs.js';
import { loadConfig } from '../shared/config.js';
import { startFakeGcs, startPubsubEmulator, stopStarted } from './lib/emulators.js';

const { values: args } = parseArgs({
  options: {
    project: { type: 'string', default: 'local' }, port: { type: 'string', default: '8085' },
    'jobs-topic': { type: 'string', default: 'embeddings-jobs' }, 'results-topic': { type: 'string', default: 'embeddings-results' },
    url: { type: 'string' }, 'gcs-port': { type: 'string', default: '4443' }, bucket: { type: 'string', default: 'local-batch' },
    'no-gcs': { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  process.stdout.write(`Usage: npm run batch:local -- [--project local] [--port 8085] [--jobs-topic embeddings-jobs]
  [--results-topic embeddings-results] [--url <dev server>]   default: GATEWAY_URL, else http://127.0.0.1:PORT
  [--gcs-port 4443] [--bucket local-batch] [--no-gcs]        the Cloud Storage fake for gs:// jobs, and a bucket in it\n`);
  process.exit(0);
}
const port = Number(args.port);
const project = args.project;
const gatewayUrl = (args.url ?? loadConfig().batch.gatewayUrl).replace(/\/+$/, '');

const emulatorHost = `127.0.0.1:${port}`;
const gcsPort = Number(args['gcs-port']);
const storageHost = `http://127.0.0.1:${gcsPort}`;
const [startedHere, gcsStartedHere] = await Promise.all([startPubsubEmulator(port), args['no-gcs'] ? false : startFakeGcs(gcsPort)]);
// The client library talks to the emulator, and must not probe Google's metadata server for a project.
process.env.PUBSUB_EMULATOR_HOST = emulatorHost;
process.env.METADATA_SERVER_DETECTION = 'none';
const { PubSub } = await import('@google-cloud/pubsub');
const pubsub = new PubSub({ projectId: project });

const ALREADY_EXISTS = 6;
async function ensureTopic(name: string) {
  await pubsub.createTopic(name).catch((error: { code?: number }) => {
    if (error.code !== ALREADY_EXISTS) throw error;
  });
  return pubsub.topic(name);
}

const jobsTopic = await ensureTopic(args['jobs-topic']);
await ensureTopic(args['results-topic']);
const pushEndpoint = `${gatewayUrl}/projects/${project}/topics/${args['jobs-topic']}`;
const subscriptionName = `${args['jobs-topic']}-push`;
const [exists] = await pubsub.subscription(subscriptionName).exists();
if (exists) await pubsub.subscription(subscriptionName).modifyPushConfig({ pushEndpoint });
else await jobsTopic.createSubscription(subscriptionName, { pushConfig: { pushEndpoint }, ackDeadlineSeconds: 600 });
await pubsub.close();

const CONFLICT = 409;
if (!args['no-gcs']) {
  const storage = await storageClient(storageHost);
  await storage.createBucket(args.bucket).catch((error: { code?: number }) => {
    if (error.code !== CONFLICT) throw error;
  });
}

const jobsPath = `projects/${project}/topics/${args['jobs-topic']}`;
const resultsPath = `projects/${project}/topics/${args['results-topic']}`;
const running = (here: boolean) => (here ? 'started' : 'already running');
process.stderr.write(`batch:local: Pub/Sub emulator at ${emulatorHost} (${running(startedHere)}); ${jobsPath} pushes to ${pushEndpoint}; results on ${resultsPath}\n`);
if (!args['no-gcs']) process.stderr.write(`batch:local: fake-gcs-server at ${storageHost} (${running(gcsStartedHere)}); bucket gs://${args.bucket}\n`);
process.stderr.write('batch:local: export these in the shells running `npm start` and `npm run batch`:\n');
const storageEnv = args['no-gcs'] ? '' : ` STORAGE_EMULATOR_HOST=${storageHost}`;
process.stdout.write(`export PUBSUB_EMULATOR_HOST=${emulatorHost} RESULTS_TOPIC=${resultsPath} JOBS_TOPIC=${jobsPath} GATEWAY_URL=${gatewayUrl}${storageEnv}\n`);

// Keep running so the services stay up (those this started); Ctrl-C stops only what it started.
const stop = () => {
  stopStarted();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => undefined, 1 << 30);
