import { ApiProblem } from './api';

/** An API error as the user should read it: what the silo said, and for 401 what to do. */
export function Problem({ error }: { error: unknown }) {
  if (!error) return null;
  if (error instanceof ApiProblem)
    return (
      <div class="problem" role="alert">
        <strong>{error.title}</strong>
        {error.detail ? `: ${error.detail}` : ''}
        {error.status === 401 ? <p>Sign in above with an API key or a token of this cluster.</p> : null}
      </div>
    );
  return <div class="problem" role="alert">{String(error)}</div>;
}
