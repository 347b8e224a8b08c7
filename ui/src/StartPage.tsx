import { useState } from 'preact/hooks';
import { api } from './api';
import { navigate } from './router';
import { Problem } from './Problem';

/** Starts an analysis of a registry package (POST /api/v1/analyses); the cluster checks the request and says what is wrong. */
export function StartPage() {
  const [packageText, setPackageText] = useState('');
  const [tasks, setTasks] = useState('');
  const [force, setForce] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const names = tasks.split(/[\s,]+/).filter(Boolean);
      const ticket = await api.start({ package: packageText.trim(), force, tasks: names.length ? names : undefined });
      navigate(`/analyses/${ticket.analysis_id}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section>
      <h1>Start an analysis</h1>
      <form id="start" class="start" onSubmit={submit}>
        <label>package <input id="package" required placeholder="npm:serve-static@1.7.1" value={packageText} onInput={(e) => setPackageText(e.currentTarget.value)} size={40} /></label>
        <label>tasks <input id="tasks" placeholder="default flow (or: digests, metadata)" value={tasks} onInput={(e) => setTasks(e.currentTarget.value)} size={40} /></label>
        <label class="check"><input id="force" type="checkbox" checked={force} onChange={(e) => setForce(e.currentTarget.checked)} /> force a new analysis even when this version has one</label>
        <button type="submit" id="start-submit" disabled={busy}>Start</button>
      </form>
      <Problem error={error} />
    </section>
  );
}
