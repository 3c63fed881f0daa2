// `npm run batch:local`: everything a local batch job needs besides `npm start`. Starts the Pub/Sub
// emulator (or reuses one already on the port), creates the jobs topic, the results topic and the
// push subscription that delivers jobs to the dev server's embedBatch route
// (`<gateway>/projects/P/topics/T`, where functions-framework turns the push envelope into a
// CloudEvent), prints the environment to export, and keeps the emulator up until Ctrl-C.
import { parseArgs } from 'node:util';
import { config } from '../shared/config.js';
import { startPubsubEmulator, stopStarted } from './lib/emulators.js';

const { values: args } = parseArgs({
  options: {
    project: { type: 'string', default: 'local' }, port: { type: 'string', default: '8085' },
    'jobs-topic': { type: 'string', default: 'embeddings-jobs' }, 'results-topic': { type: 'string', default: 'embeddings-results' },
    url: { type: 'string' }, help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  process.stdout.write(`Usage: npm run batch:local -- [--project local] [--port 8085] [--jobs-topic embeddings-jobs]
  [--results-topic embeddings-results] [--url <dev server>]   default: GATEWAY_URL, else http://127.0.0.1:PORT\n`);
  process.exit(0);
}
const port = Number(args.port);
const project = args.project;
const gatewayUrl = (args.url ?? config().batch.gatewayUrl).replace(/\/+$/, '');

const emulatorHost = `127.0.0.1:${port}`;
const startedHere = await startPubsubEmulator(port);
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

const jobsPath = `projects/${project}/topics/${args['jobs-topic']}`;
const resultsPath = `projects/${project}/topics/${args['results-topic']}`;
process.stderr.write(`batch:local: Pub/Sub emulator at ${emulatorHost} (${startedHere ? 'started' : 'already running'}); ${jobsPath} pushes to ${pushEndpoint}; results on ${resultsPath}\n`);
process.stderr.write('batch:local: export these in the shells running `npm start` and `npm run batch`:\n');
process.stdout.write(`export PUBSUB_EMULATOR_HOST=${emulatorHost} RESULTS_TOPIC=${resultsPath} JOBS_TOPIC=${jobsPath} GATEWAY_URL=${gatewayUrl}\n`);

// Keep running so the emulator stays up (when this started it); Ctrl-C stops only what it started.
const stop = () => {
  stopStarted();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => undefined, 1 << 30);
