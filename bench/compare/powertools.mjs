// bench/compare/powertools.mjs — the Powertools for AWS Lambda (TypeScript) side of the
// comparison: the same modes as ssm_cache_compare.cpp, against the endpoint in BENCH_ENDPOINT
// (ssm-cache-local). Prints one JSON line of results (or, for `get`, the value alone).
//
//   node powertools.mjs get NAME
//   node powertools.mjs cached NAME BATCH BATCHES
//   node powertools.mjs first-fetch name|path PREFIX COUNT
//   node powertools.mjs throttle PREFIX COUNT TASKS SECONDS MAX_AGE_S PAUSE_MS
//
// Powertools is used as its documentation shows: one SSMProvider, get() for one parameter,
// getParametersByName() for many names (GetParameters in chunks of 10), getMultiple() for a
// path; decrypt on (as ssm-cache's default with_decryption).
import { readFileSync } from 'node:fs';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { SSMClient } from '@aws-sdk/client-ssm';

const endpoint = process.env.BENCH_ENDPOINT;
if (!endpoint) {
  console.error('powertools.mjs: set BENCH_ENDPOINT to the ssm-cache-local URL');
  process.exit(2);
}

// Time of the last successful SSM call, to count stale values served (a value read while
// the last successful fetch is older than max age).
let lastSuccessMs = 0;

function makeProvider() {
  const client = new SSMClient({
    endpoint,
    region: process.env.AWS_REGION || 'us-east-1',
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID || 'test',
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY || 'test',
    },
  });
  client.middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      lastSuccessMs = performance.now();
      return out;
    },
    { step: 'initialize', name: 'benchLastSuccess' },
  );
  return new SSMProvider({ awsSdkV3Client: client });
}

function vmHwmKb() {
  const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : -1;
}

function names(prefix, count) {
  const width = String(count - 1).length;
  return Array.from({ length: count }, (_, i) => `${prefix}/p${String(i).padStart(width, '0')}`);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const [mode, ...args] = process.argv.slice(2);
  const provider = makeProvider();
  switch (mode) {
    case 'get': {
      const value = await provider.get(args[0], { decrypt: true });
      process.stdout.write(`${value}\n`);
      return;
    }
    case 'cached': {
      const [name, batchS, batchesS] = args;
      const batch = Number(batchS);
      const batches = Number(batchesS);
      await provider.get(name, { decrypt: true, maxAge: 3600 });  // fill the cache
      const perRead = [];
      let sink = 0;
      for (let b = 0; b < batches; b++) {
        const t0 = process.hrtime.bigint();
        for (let i = 0; i < batch; i++) {
          const v = await provider.get(name, { decrypt: true, maxAge: 3600 });
          sink += v.length;
        }
        perRead.push(Number(process.hrtime.bigint() - t0) / batch);
      }
      console.log(JSON.stringify({ ns_per_read: median(perRead), sink, vmhwm_kb: vmHwmKb() }));
      return;
    }
    case 'first-fetch': {
      const [by, prefix, countS] = args;
      const count = Number(countS);
      const t0 = performance.now();
      let got;
      if (by === 'name') {
        const req = Object.fromEntries(names(prefix, count).map((n) => [n, {}]));
        got = await provider.getParametersByName(req, { decrypt: true, maxAge: 300 });
      } else {
        got = await provider.getMultiple(prefix, { decrypt: true, recursive: true, maxAge: 300 });
      }
      const ms = performance.now() - t0;
      const n = Object.keys(got).filter((k) => k !== '_errors').length;
      if (n !== count) throw new Error(`first-fetch: expected ${count} values, got ${n}`);
      console.log(JSON.stringify({ wall_ms: ms, values: n, vmhwm_kb: vmHwmKb() }));
      return;
    }
    case 'throttle': {
      const [prefix, countS, tasksS, secondsS, maxAgeS, pauseS] = args;
      const all = names(prefix, Number(countS));
      const maxAgeMs = Number(maxAgeS) * 1000;
      const req = Object.fromEntries(all.map((n) => [n, {}]));
      // The cache is filled before the clock starts, as for ssm-cache.
      await provider.getParametersByName(req, { decrypt: true, maxAge: Number(maxAgeS) });
      const end = performance.now() + Number(secondsS) * 1000;
      let reads = 0;
      let errors = 0;
      let stale = 0;
      const task = async () => {
        while (performance.now() < end) {
          try {
            const got = await provider.getParametersByName(req, {
              decrypt: true, maxAge: Number(maxAgeS),
            });
            const n = Object.keys(got).length;
            reads += n;
            if (performance.now() - lastSuccessMs > maxAgeMs) stale += n;
          } catch {
            errors += 1;  // the application saw an error instead of its 100 values
          }
          await sleep(Number(pauseS));
        }
      };
      await Promise.all(Array.from({ length: Number(tasksS) }, task));
      console.log(JSON.stringify({ reads, errors, stale, vmhwm_kb: vmHwmKb() }));
      return;
    }
    default:
      console.error(`powertools.mjs: unknown mode '${mode}'`);
      process.exit(2);
  }
}

main().catch((e) => {
  console.error(`powertools.mjs: ${e && e.name}: ${e && e.message}`);
  process.exit(1);
});
