// The console's entry: log-on, the forced password change, then the shell
// with one screen per hash route (#/records …), so the server serves one
// index.html and nothing else decides navigation.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './styles.css';
import { lang } from './i18n';
import { Admin } from './screens/Admin';
import { Approvals } from './screens/Approvals';
import { AuditVerify } from './screens/AuditVerify';
import { Browse, BROWSE } from './screens/Browse';
import { Disposals } from './screens/Disposals';
import { Exceptions } from './screens/Exceptions';
import { Findings } from './screens/Findings';
import { Inquiries } from './screens/Inquiries';
import { Governance } from './screens/Governance';
import { Incidents } from './screens/Incidents';
import { Ledger } from './screens/Ledger';
import { Lists } from './screens/Lists';
import { Login } from './screens/Login';
import { MyWork } from './screens/MyWork';
import { PasswordChange } from './screens/PasswordChange';
import { Records } from './screens/Records';
import { Registers } from './screens/Registers';
import { Report } from './screens/Report';
import { Rights } from './screens/Rights';
import { Takeouts } from './screens/Takeouts';
import { Shell } from './screens/Shell';
import { TotpEnrol } from './screens/TotpEnrol';
import { session } from './session';
import { useSignal } from './signal';

const SCREENS: Record<string, () => preact.JSX.Element> = {
  work: MyWork,
  records: Records,
  ledger: Ledger,
  disposals: Disposals,
  approvals: Approvals,
  inquiries: Inquiries,
  exceptions: Exceptions,
  'rights-flow': Rights,
  takeouts: Takeouts,
  lists: Lists,
  findings: Findings,
  report: Report,
  ...Object.fromEntries(BROWSE.map((spec) => [spec.id, () => <Browse spec={spec} />])),
  incidents: Incidents,
  registers: Registers,
  governance: Governance,
  'audit-verify': AuditVerify,
  admin: Admin,
};

function currentScreen() {
  const id = location.hash.replace(/^#\/?/, '');
  return id in SCREENS ? id : 'work';
}

function App() {
  const s = useSignal(session);
  const l = useSignal(lang);
  const [screen, setScreen] = useState(currentScreen());
  useEffect(() => {
    const on = () => setScreen(currentScreen());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  useEffect(() => {
    document.documentElement.lang = l;
    document.title = l === 'ja' ? 'mamori コンソール' : 'mamori console';
  }, [l]);
  if (!s) return <Login />;
  if (s.mustChangePassword) return <PasswordChange />;
  if (s.totpEnrolmentRequired) return <TotpEnrol />;
  const Screen = SCREENS[screen]!;
  return (
    <Shell screen={screen}>
      <Screen key={screen} />
    </Shell>
  );
}

render(<App />, document.getElementById('app')!);
