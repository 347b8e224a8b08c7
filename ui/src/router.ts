import { useEffect, useState } from 'preact/hooks';

// Paths under /ui, kept in the address bar so a page can be bookmarked and reloaded (the silo answers index.html for
// any /ui path it has no file for).
export const base = '/ui';

export function navigate(path: string): void {
  history.pushState(null, '', base + path);
  dispatchEvent(new PopStateEvent('popstate'));
}

export function useLocation(): { path: string; search: URLSearchParams } {
  const read = () => ({
    path: location.pathname.startsWith(base) ? location.pathname.slice(base.length) || '/' : '/',
    search: new URLSearchParams(location.search),
  });
  const [where, setWhere] = useState(read);
  useEffect(() => {
    const onChange = () => setWhere(read());
    addEventListener('popstate', onChange);
    return () => removeEventListener('popstate', onChange);
  }, []);
  return where;
}

/** A link that changes the page without reloading it; a modified click (new tab) keeps its usual meaning. */
export function onLinkClick(path: string) {
  return (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(path);
  };
}
