// The service's Prometheus metrics, on a registry of its own per instance (so tests and embedders never share
// counters with each other or with prom-client's global registry). GET /metrics renders it.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const PREFIX = 'azdo_connect_';

/** Seconds: from a cached answer (ms) to a slow Azure DevOps listing. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Seconds: Azure DevOps asks for waits from fractions of a second (X-RateLimit-Delay) to minutes (Retry-After). */
const DELAY_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];
/** Seconds: a fetch or snapshot of a small repository to a large first clone. */
const JOB_BUCKETS = [0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

export interface ServiceMetricsOptions {
  /** Process metrics (CPU, memory, event loop lag, GC, open handles). Default true. */
  defaultMetrics?: boolean;
}

export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly azdoRequests: Counter<'status'>;
  private readonly azdoDuration: Histogram<'status'>;
  private readonly throttleDelays: Histogram;
  private readonly jobDuration: Histogram<'kind' | 'state'>;

  constructor(o: ServiceMetricsOptions = {}) {
    const registers = [this.registry];
    this.httpRequests = new Counter({
      name: `${PREFIX}http_requests_total`,
      help: 'HTTP requests answered, by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: `${PREFIX}http_request_duration_seconds`,
      help: 'Time to answer an HTTP request, by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.azdoRequests = new Counter({
      name: `${PREFIX}azdo_requests_total`,
      help: 'Requests sent to Azure DevOps (each attempt), by the status it answered; 0 when no answer came (network, timeout, TLS).',
      labelNames: ['status'],
      registers,
    });
    this.azdoDuration = new Histogram({
      name: `${PREFIX}azdo_request_duration_seconds`,
      help: 'Time Azure DevOps took to answer one attempt, by status.',
      labelNames: ['status'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.throttleDelays = new Histogram({
      name: `${PREFIX}azdo_throttle_delay_seconds`,
      help: 'Waits before a request because Azure DevOps asked the identity to slow down (Retry-After, X-RateLimit-Delay, 429).',
      buckets: DELAY_BUCKETS,
      registers,
    });
    this.jobDuration = new Histogram({
      name: `${PREFIX}job_duration_seconds`,
      help: 'Run time of background jobs, by kind and the state they ended in (succeeded, failed, cancelled, requeued).',
      labelNames: ['kind', 'state'],
      buckets: JOB_BUCKETS,
      registers,
    });
    if (o.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** One HTTP request answered. `route` is the route pattern (/api/v1/connections/:id), never the raw URL. */
  httpRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, seconds);
  }

  /** A job ended (succeeded, failed, cancelled, or requeued at shutdown). */
  jobFinished(kind: string, state: string, seconds: number): void {
    this.jobDuration.observe({ kind, state }, Math.max(0, seconds));
  }

  /** One answer from Azure DevOps (status 0: no answer: network, timeout, TLS). */
  azdoResponse(status: number, seconds: number): void {
    const labels = { status: String(status) };
    this.azdoRequests.inc(labels);
    this.azdoDuration.observe(labels, Math.max(0, seconds));
  }

  /** The client waited because Azure DevOps asked it to (Retry-After, X-RateLimit-Delay). */
  throttleDelay(seconds: number): void {
    this.throttleDelays.observe(Math.max(0, seconds));
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
