import { useEffect, useState } from 'preact/hooks';
import { Analysis, AnalysisTask, api, ApiProblem, TaskError } from './api';
import { Problem } from './Problem';
import { duration, time, words } from './format';

/** One analysis: its tasks as a timeline (init, the workers, the callbacks), live while it runs (the API's long poll). */
export function AnalysisPage({ id }: { id: string }) {
  const [analysis, setAnalysis] = useState<Analysis | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [reason, setReason] = useState('');

  useEffect(() => {
    const abort = new AbortController();
    (async () => {
      let revision = -1;
      // Every change is one answer of the long poll; a quiet analysis answers every 15 s, and a finished one ends the
      // loop until a re-run or a reload.
      while (!abort.signal.aborted) {
        try {
          const next = revision < 0 ? await api.get(id, abort.signal) : await api.waitForChange(id, revision, abort.signal);
          setAnalysis(next);
          setError(null);
          revision = next.revision;
          if (next.finished_at) return;
        } catch (e) {
          if (abort.signal.aborted) return;
          setError(e);
          if (e instanceof ApiProblem && e.status !== 0 && e.status !== 503) return;
          await new Promise((resolve) => setTimeout(resolve, 3000));
        }
      }
    })();
    return () => abort.abort();
  }, [id, analysis?.finished_at === null ? 'running' : 'finished']);

  if (!analysis) return <section><Problem error={error} />{error ? null : <p>Loading…</p>}</section>;
  const tasks = ordered(Object.values(analysis.tasks));
  const start = new Date(analysis.created_at).getTime();
  const end = analysis.finished_at ? new Date(analysis.finished_at).getTime() : Date.now();
  const span = Math.max(end - start, 1);
  const request = analysis.request;

  const act = async (what: () => Promise<unknown>) => {
    setActionError(null);
    try {
      await what();
      setAnalysis(await api.get(id));
    } catch (e) {
      setActionError(e);
    }
  };

  return (
    <section>
      <h1>{request.ecosystem}:{request.name}@{request.version}</h1>
      <dl class="facts">
        <dt>status</dt><dd><span class={`badge status-${analysis.status}`} id="analysis-status">{words(analysis.status)}</span></dd>
        <dt>analysis</dt><dd class="mono">{analysis.analysis_id}</dd>
        <dt>created</dt><dd>{time(analysis.created_at)}</dd>
        <dt>finished</dt><dd>{analysis.finished_at ? `${time(analysis.finished_at)} (${duration(analysis.created_at, analysis.finished_at)})` : 'running…'}</dd>
        {analysis.cancelled_at ? <><dt>cancelled</dt><dd>{time(analysis.cancelled_at)}</dd></> : null}
        <dt>revision</dt><dd>{analysis.revision}</dd>
      </dl>
      {analysis.finished_at ? null : <button type="button" id="cancel" class="danger" onClick={() => act(() => api.cancel(id))}>Cancel the analysis</button>}
      <Problem error={error} />
      <Problem error={actionError} />
      {analysis.summary ? <><h2>Summary</h2><pre class="json">{JSON.stringify(analysis.summary, null, 2)}</pre></> : null}

      <h2>Tasks</h2>
      {analysis.finished_at ? (
        <label class="reason">reason for a re-run (optional) <input id="rerun-reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} size={40} /></label>
      ) : null}
      <table id="tasks" class="tasks">
        <thead><tr><th>task</th><th>status</th><th>attempts</th><th>started</th><th>took</th><th class="timeline">timeline</th><th></th></tr></thead>
        <tbody>
          {tasks.map((task) => {
            const from = task.started_at ? (new Date(task.started_at).getTime() - start) / span : 0;
            const to = task.ended_at ? (new Date(task.ended_at).getTime() - start) / span : task.started_at ? (end - start) / span : 0;
            return (
              <>
                <tr data-task={task.name} class={open === task.name ? 'open' : ''}>
                  <td>
                    <button type="button" class="link" onClick={() => setOpen(open === task.name ? null : task.name)}>{task.name}</button>
                    <small>{place(task)}</small>
                  </td>
                  <td><span class={`badge task-${task.status}`}>{words(task.status)}</span></td>
                  <td>{task.attempts} / {task.max_attempts}</td>
                  <td>{time(task.started_at)}</td>
                  <td>{duration(task.started_at, task.ended_at)}</td>
                  <td class="timeline">
                    {task.started_at ? <span class={`bar task-${task.status}`} style={{ marginLeft: `${(from * 100).toFixed(2)}%`, width: `${Math.max((to - from) * 100, 0.5).toFixed(2)}%` }} /> : null}
                  </td>
                  <td>
                    {analysis.finished_at && task.kind === 'task' ? (
                      <button type="button" class="rerun" data-rerun={task.name}
                        onClick={() => act(() => api.rerun(id, task.name, reason.trim()))}>Re-run</button>
                    ) : null}
                  </td>
                </tr>
                {open === task.name ? <tr class="details"><td colSpan={7}><TaskDetails analysisId={id} task={task} /></td></tr> : null}
              </>
            );
          })}
        </tbody>
      </table>
      {analysis.reruns.length ? (
        <>
          <h2>Re-runs</h2>
          <table id="reruns">
            <thead><tr><th>task</th><th>by</th><th>reason</th><th>asked</th><th>tasks</th><th>status</th></tr></thead>
            <tbody>
              {analysis.reruns.map((rerun) => (
                <tr><td>{rerun.task_name}</td><td>{rerun.requested_by}</td><td>{rerun.reason}</td><td>{time(rerun.requested_at)}</td><td>{rerun.tasks.join(', ')}</td><td>{rerun.status ? words(rerun.status) : 'running'}</td></tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}

/** init first, the callbacks last, the workers in the order they started. */
function ordered(tasks: AnalysisTask[]): AnalysisTask[] {
  const rank = (task: AnalysisTask) => (task.name === 'init' ? 0 : task.kind === 'callback' ? 2 : 1);
  const at = (task: AnalysisTask) => (task.started_at ? new Date(task.started_at).getTime() : Number.MAX_SAFE_INTEGER);
  return [...tasks].sort((a, b) => rank(a) - rank(b) || at(a) - at(b) || a.name.localeCompare(b.name));
}

function place(task: AnalysisTask): string {
  if (task.kind === 'callback') return `callback of ${task.callback_for}`;
  const parts = [];
  if (task.spawned_by) parts.push(`after ${task.spawned_by}`);
  if (task.depends_on.length) parts.push(`needs ${task.depends_on.join(', ')}`);
  return parts.join('; ');
}

function TaskDetails({ analysisId, task }: { analysisId: string; task: AnalysisTask }) {
  const errors = [...task.past_errors, ...(task.error ? [task.error] : [])];
  return (
    <div class="task-details">
      <dl class="facts">
        <dt>ended</dt><dd>{time(task.ended_at) || '—'}</dd>
        {task.next_attempt_at ? <><dt>next attempt</dt><dd id="next-attempt">attempt {task.attempts + 1} of {task.max_attempts} at {time(task.next_attempt_at)}</dd></> : null}
        {task.running_on ? <><dt>running on</dt><dd>{task.running_on}</dd></> : null}
        {task.skip_reason ? <><dt>skipped</dt><dd>{task.skip_reason}</dd></> : null}
      </dl>
      {errors.length ? (
        <>
          <h3>Attempts that failed</h3>
          {errors.map((error) => <ErrorView error={error} />)}
        </>
      ) : null}
      {task.status === 'succeeded' ? <ResultView analysisId={analysisId} task={task.name} /> : null}
    </div>
  );
}

function ErrorView({ error }: { error: TaskError }) {
  return (
    <div class="task-error">
      <div>attempt {error.attempt} at {time(error.at)}{error.fatal ? ' (fatal: not retried)' : ''}</div>
      <div><code>{error.type}</code>: {error.message}</div>
      {/* The API sends stacks only to authenticated callers of a cluster that shows them (Cucos:Api:IncludeStackTraces). */}
      {error.stack_trace ? <details><summary>stack trace</summary><pre>{error.stack_trace}</pre></details> : null}
    </div>
  );
}

/** The stored document, pretty-printed, its summary first; the download is the exact bytes the API answered. */
function ResultView({ analysisId, task }: { analysisId: string; task: string }) {
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [link, setLink] = useState<string | null>(null);
  useEffect(() => {
    let url: string | null = null;
    api.result(analysisId, task).then((body) => {
      setText(body);
      url = URL.createObjectURL(new Blob([body], { type: 'application/json' }));
      setLink(url);
    }, setError);
    return () => { if (url) URL.revokeObjectURL(url); };
  }, [analysisId, task]);
  if (error) return <Problem error={error} />;
  if (text === null) return <p>Loading the result…</p>;
  let document: Record<string, unknown>;
  try {
    document = JSON.parse(text);
  } catch {
    return <pre class="json">{text}</pre>;
  }
  const { summary, ...rest } = document;
  return (
    <div class="result">
      <h3>Result {link ? <a href={link} download={`${analysisId}-${task}.json`} class="download">download {task}.json</a> : null}</h3>
      <h4>summary</h4>
      <pre class="json result-summary">{JSON.stringify(summary ?? null, null, 2)}</pre>
      <details><summary>whole document</summary><pre class="json">{JSON.stringify(rest, null, 2)}</pre></details>
    </div>
  );
}
