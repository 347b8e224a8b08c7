// The UI's one door to the silo: the same HTTP API as every other client, with the credential the user signed in with.
// The credential lives in sessionStorage and travels as a header, never in a cookie: a page of another site cannot make
// the browser send it, which is what makes the write actions (start, cancel, re-run) safe from CSRF (docs/ui.md).

const credentialKey = 'cucos.credential';

export function credential(): string | null {
  return sessionStorage.getItem(credentialKey);
}

export function signIn(value: string): void {
  sessionStorage.setItem(credentialKey, value.trim());
}

export function signOut(): void {
  sessionStorage.removeItem(credentialKey);
}

/** An RFC 7807 problem document the API answered, or a network failure in the same shape. */
export class ApiProblem extends Error {
  constructor(
    public readonly status: number,
    public readonly title: string,
    public readonly detail: string,
  ) {
    super(`${title}: ${detail}`);
  }
}

async function call<T>(method: string, path: string, options: { body?: unknown; signal?: AbortSignal; raw?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const key = credential();
  // An API key and a JWT both go as a bearer credential; the silo tells them apart.
  if (key) headers.Authorization = `Bearer ${key}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiProblem(0, 'The silo cannot be reached', 'the request did not get an answer: check that the silo runs and try again.');
  }
  if (!response.ok) {
    let title = response.statusText || `HTTP ${response.status}`;
    let detail = '';
    try {
      const problem = await response.json();
      title = problem.title ?? title;
      detail = problem.detail ?? '';
    } catch {
      detail = 'the answer was not a problem document.';
    }
    throw new ApiProblem(response.status, title, detail);
  }
  return (options.raw ? await response.text() : await response.json()) as T;
}

export type AnalysisStatus = 'running' | 'succeeded' | 'completed_with_failures' | 'failed' | 'cancelled';
export type TaskStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'retry_scheduled' | 'skipped';
export const analysisStatuses: AnalysisStatus[] = ['running', 'succeeded', 'completed_with_failures', 'failed', 'cancelled'];

export interface ListEntry {
  analysis_id: string;
  ecosystem: string;
  name: string;
  version: string;
  status: AnalysisStatus;
  created_at: string;
  finished_at: string | null;
}

export interface ListPage {
  analyses: ListEntry[];
  next_cursor: string | null;
}

export interface StatusCounts {
  total: number;
  counts: Record<AnalysisStatus, number>;
}

export interface TaskError {
  type: string;
  message: string;
  stack_trace: string | null;
  fatal: boolean;
  attempt: number;
  at: string;
}

export interface AnalysisTask {
  name: string;
  kind: 'task' | 'callback';
  spawned_by: string | null;
  depends_on: string[];
  callback_for: string | null;
  status: TaskStatus;
  attempts: number;
  max_attempts: number;
  started_at: string | null;
  ended_at: string | null;
  next_attempt_at: string | null;
  error: TaskError | null;
  past_errors: TaskError[];
  skip_reason: string | null;
  summary: unknown;
  running_on: string | null;
}

export interface TaskRerun {
  task_name: string;
  reason: string;
  requested_by: string;
  requested_at: string;
  tasks: string[];
  finished_at: string | null;
  status: AnalysisStatus | null;
}

export interface Analysis {
  analysis_id: string;
  request: { ecosystem: string; name: string; version: string; tasks: string[] | null; parameters: Record<string, string> | null };
  status: AnalysisStatus;
  created_at: string;
  finished_at: string | null;
  cancelled_at: string | null;
  revision: number;
  summary: unknown;
  tasks: Record<string, AnalysisTask>;
  reruns: TaskRerun[];
}

export interface ListFilters {
  status?: string;
  ecosystem?: string;
  name?: string;
  since?: string;
  until?: string;
}

function query(values: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const api = {
  list: (filters: ListFilters, cursor?: string, signal?: AbortSignal) =>
    call<ListPage>('GET', `/api/v1/analyses${query({ ...filters, cursor, limit: '25' })}`, { signal }),
  counts: (filters: ListFilters, signal?: AbortSignal) =>
    call<StatusCounts>('GET', `/api/v1/analyses/counts${query({ ...filters, status: undefined })}`, { signal }),
  get: (id: string, signal?: AbortSignal) => call<Analysis>('GET', `/api/v1/analyses/${encodeURIComponent(id)}`, { signal }),
  /** The long poll: answers once the analysis has a revision newer than afterRevision, or after 15 s. */
  waitForChange: (id: string, afterRevision: number, signal?: AbortSignal) =>
    call<Analysis>('GET', `/api/v1/analyses/${encodeURIComponent(id)}?after_revision=${afterRevision}&wait_seconds=15`, { signal }),
  result: (id: string, task: string) =>
    call<string>('GET', `/api/v1/analyses/${encodeURIComponent(id)}/results/${encodeURIComponent(task)}`, { raw: true }),
  start: (body: { package: string; force: boolean; tasks?: string[] }) =>
    call<{ analysis_id: string; created: boolean }>('POST', '/api/v1/analyses', { body }),
  cancel: (id: string) => call<Analysis>('POST', `/api/v1/analyses/${encodeURIComponent(id)}/cancel`),
  rerun: (id: string, task: string, reason: string) =>
    call<{ outcome: string; revision: number }>('POST', `/api/v1/analyses/${encodeURIComponent(id)}/tasks/${encodeURIComponent(task)}/rerun`, {
      body: reason ? { reason } : {},
    }),
};
