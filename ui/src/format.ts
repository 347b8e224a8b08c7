export function time(text: string | null | undefined): string {
  if (!text) return '';
  const date = new Date(text);
  return date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function duration(from: string | null | undefined, to: string | null | undefined): string {
  if (!from) return '';
  const ms = (to ? new Date(to).getTime() : Date.now()) - new Date(from).getTime();
  if (ms < 1000) return `${Math.max(ms, 0)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function words(status: string): string {
  return status.replaceAll('_', ' ');
}
