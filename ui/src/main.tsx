import { render } from 'preact';
import { useState } from 'preact/hooks';
import { credential, signIn, signOut } from './api';
import { onLinkClick, useLocation } from './router';
import { ListPage } from './ListPage';
import { AnalysisPage } from './AnalysisPage';
import { StartPage } from './StartPage';
import './style.css';

function App() {
  const { path, search } = useLocation();
  const [signedIn, setSignedIn] = useState(credential() !== null);
  // Bumped on sign-in and sign-out, so the page asks again with the new credential.
  const [generation, setGeneration] = useState(0);
  const changed = () => {
    setSignedIn(credential() !== null);
    setGeneration(generation + 1);
  };
  const analysis = /^\/analyses\/([0-9a-f]{32})$/.exec(path);
  return (
    <>
      <header>
        <a href="/ui/" class="brand" onClick={onLinkClick('/')}>Cucos</a>
        <nav>
          <a href="/ui/" onClick={onLinkClick('/')}>Analyses</a>
          <a href="/ui/start" onClick={onLinkClick('/start')} id="nav-start">Start an analysis</a>
        </nav>
        <SignIn signedIn={signedIn} onChange={changed} />
      </header>
      <main key={generation}>
        {analysis ? <AnalysisPage id={analysis[1]} /> : path === '/start' ? <StartPage /> : path === '/' ? <ListPage search={search} /> : <NotFound />}
      </main>
    </>
  );
}

function SignIn({ signedIn, onChange }: { signedIn: boolean; onChange: () => void }) {
  const [value, setValue] = useState('');
  if (signedIn)
    return (
      <div class="signin">
        <span>signed in</span>
        <button type="button" id="sign-out" onClick={() => { signOut(); onChange(); }}>Sign out</button>
      </div>
    );
  return (
    <form class="signin" onSubmit={(event) => { event.preventDefault(); if (value.trim()) { signIn(value); setValue(''); onChange(); } }}>
      <input id="credential" type="password" autocomplete="off" placeholder="API key or token" value={value} onInput={(e) => setValue(e.currentTarget.value)} />
      <button type="submit" id="sign-in">Sign in</button>
    </form>
  );
}

function NotFound() {
  return <p class="problem">There is no such page. <a href="/ui/" onClick={onLinkClick('/')}>See the analyses</a>.</p>;
}

render(<App />, document.getElementById('app')!);
