import { useEffect, useState } from 'preact/hooks';
import { analysisStatuses, api, ListFilters, ListPage as Page, StatusCounts } from './api';
import { navigate, onLinkClick } from './router';
import { Problem } from './Problem';
import { time, words } from './format';

const filterNames = ['status', 'ecosystem', 'name', 'since', 'until'] as const;

/** The cluster's analyses, newest first: filters and cursor in the address, so a filtered page can be shared. */
export function ListPage({ search }: { search: URLSearchParams }) {
  const filters: ListFilters = {};
  for (const key of filterNames) filters[key] = search.get(key) ?? undefined;
  const cursor = search.get('cursor') ?? undefined;
  const key = search.toString();
  const [page, setPage] = useState<Page | null>(null);
  const [counts, setCounts] = useState<StatusCounts | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const abort = new AbortController();
    Promise.all([api.list(filters, cursor, abort.signal), api.counts(filters, abort.signal)])
      .then(([list, totals]) => { setPage(list); setCounts(totals); setError(null); })
      .catch((e) => { if (!abort.signal.aborted) setError(e); });
    return () => abort.abort();
  }, [key, tick]);

  // While analyses on the page run, ask again every few seconds; a finished page is not polled.
  const running = page?.analyses.some((entry) => entry.status === 'running') ?? false;
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(() => setTick(tick + 1), 3000);
    return () => clearTimeout(timer);
  }, [running, tick]);

  const go = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(search);
    for (const [name, value] of Object.entries(changes)) if (value) next.set(name, value); else next.delete(name);
    if (!('cursor' in changes)) next.delete('cursor');
    const text = next.toString();
    navigate(text ? `/?${text}` : '/');
  };

  return (
    <section>
      <h1>Analyses</h1>
      <Filters filters={filters} onApply={go} />
      {counts ? (
        <div class="counts" id="status-counts">
          <button type="button" class={filters.status ? '' : 'selected'} onClick={() => go({ status: undefined })}>all <b>{counts.total}</b></button>
          {analysisStatuses.map((status) => (
            <button type="button" class={`status-${status} ${filters.status === status ? 'selected' : ''}`} data-status={status} onClick={() => go({ status })}>
              {words(status)} <b>{counts.counts[status] ?? 0}</b>
            </button>
          ))}
        </div>
      ) : null}
      <Problem error={error} />
      {page ? (
        <>
          <table id="analyses">
            <thead>
              <tr><th>package</th><th>status</th><th>created</th><th>finished</th><th>analysis</th></tr>
            </thead>
            <tbody>
              {page.analyses.length === 0 ? <tr><td colSpan={5} class="empty">No analysis matches.</td></tr> : null}
              {page.analyses.map((entry) => (
                <tr data-analysis={entry.analysis_id}>
                  <td><a href={`/ui/analyses/${entry.analysis_id}`} onClick={onLinkClick(`/analyses/${entry.analysis_id}`)}>{entry.ecosystem}:{entry.name}@{entry.version}</a></td>
                  <td><span class={`badge status-${entry.status}`}>{words(entry.status)}</span></td>
                  <td>{time(entry.created_at)}</td>
                  <td>{time(entry.finished_at)}</td>
                  <td class="mono">{entry.analysis_id}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="paging">
            {cursor ? <button type="button" onClick={() => history.back()}>Newer</button> : null}
            {page.next_cursor ? <button type="button" id="older" onClick={() => go({ cursor: page.next_cursor! })}>Older</button> : null}
          </div>
        </>
      ) : null}
    </section>
  );
}

function Filters({ filters, onApply }: { filters: ListFilters; onApply: (changes: Record<string, string | undefined>) => void }) {
  const [values, setValues] = useState<ListFilters>(filters);
  const set = (name: keyof ListFilters) => (event: Event) =>
    setValues({ ...values, [name]: (event.currentTarget as HTMLInputElement).value });
  // datetime-local is the browser's local time; the API takes ISO 8601 with a zone, so it is sent as UTC.
  const iso = (text?: string) => (text ? new Date(text).toISOString() : undefined);
  const local = (text?: string) => (text ? new Date(new Date(text).getTime() - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16) : '');
  return (
    <form class="filters" id="filters" onSubmit={(event) => {
      event.preventDefault();
      onApply({ status: values.status, ecosystem: values.ecosystem?.trim(), name: values.name?.trim(), since: iso(values.since), until: iso(values.until) });
    }}>
      <label>status
        <select name="status" value={values.status ?? ''} onChange={set('status')}>
          <option value="">any</option>
          {analysisStatuses.map((status) => <option value={status}>{words(status)}</option>)}
        </select>
      </label>
      <label>ecosystem <input name="ecosystem" value={values.ecosystem ?? ''} onInput={set('ecosystem')} placeholder="npm" size={8} /></label>
      <label>name <input name="name" value={values.name ?? ''} onInput={set('name')} placeholder="exact name" /></label>
      <label>since <input name="since" type="datetime-local" value={local(values.since)} onInput={set('since')} /></label>
      <label>until <input name="until" type="datetime-local" value={local(values.until)} onInput={set('until')} /></label>
      <button type="submit">Filter</button>
    </form>
  );
}
