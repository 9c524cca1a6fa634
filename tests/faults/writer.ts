// A load-generating writer process for the fault tests: logs metric batches to one run until its
// time is up, printing `ack <first step> <count>` for every batch the server acknowledged (200),
// `err <status> <body>` for any other answer, and `neterr <message>` when the server is gone.
// Usage: node --import tsx tests/faults/writer.ts <url> <run_id> <metric key> <seconds> <batch size>
const [url, runId, key, seconds, batchSize] = process.argv.slice(2);
if (!url || !runId || !key || !seconds || !batchSize) throw new Error('usage: writer.ts <url> <run_id> <key> <seconds> <batch size>');

const deadline = Date.now() + Number(seconds) * 1000;
const size = Number(batchSize);
let step = 0;
let failures = 0;

while (Date.now() < deadline) {
  const now = Date.now();
  const metrics = Array.from({ length: size }, (_, i) => ({ key, value: (step + i) * 0.5, timestamp: now, step: step + i }));
  let status: number;
  let body: string;
  try {
    const res = await fetch(`${url}/api/2.0/mlflow/runs/log-batch`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ run_id: runId, metrics }),
    });
    status = res.status;
    body = await res.text();
  } catch (err) {
    // The server is gone (the kill -9 test): what was acknowledged so far is all that counts.
    process.stdout.write(`neterr ${(err as Error).cause ?? (err as Error).message}\n`);
    break;
  }
  if (status === 200) process.stdout.write(`ack ${step} ${size}\n`);
  else {
    failures += 1;
    process.stdout.write(`err ${status} ${body.replace(/\s+/g, ' ').slice(0, 300)}\n`);
  }
  step += size;
}
process.stdout.write(`done ${failures}\n`);
