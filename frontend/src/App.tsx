import { Suspense, lazy } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { AcceptInvitation } from './pages/AcceptInvitation';
import { Domains } from './pages/Domains';
import { Editor } from './pages/Editor';
import { ForgotPassword } from './pages/ForgotPassword';
import { Home } from './pages/Home';
import { ImportPage } from './pages/Import';
import { ImportReview } from './pages/ImportReview';
import { JobPage } from './pages/Job';
import { Login } from './pages/Login';
import { Members } from './pages/Members';
import { ResetPassword } from './pages/ResetPassword';
import { Settings } from './pages/Settings';
import { Signup } from './pages/Signup';
import { Unsubscribe } from './pages/Unsubscribe';
import { VerifyEmail } from './pages/VerifyEmail';
import { RequireSession, SessionProvider } from './session';

// The statistics pages bring the chart library: loaded when first opened, not with the app.
const StatsPage = lazy(() => import('./pages/Stats').then((module) => ({ default: module.StatsPage })));

function Statistics() {
  return (
    <Suspense fallback={<p role="status">Loading…</p>}>
      <StatsPage />
    </Suspense>
  );
}

export function App() {
  return (
    <BrowserRouter basename="/app">
      <SessionProvider>
        <Routes>
          <Route path="/signup" element={<Signup />} />
          <Route path="/login" element={<Login />} />
          <Route path="/verify-email" element={<VerifyEmail />} />
          <Route path="/forgot-password" element={<ForgotPassword />} />
          <Route path="/reset-password" element={<ResetPassword />} />
          <Route path="/invitations/accept" element={<AcceptInvitation />} />
          <Route path="/" element={<RequireSession><Home /></RequireSession>} />
          <Route path="/portfolios/:portfolioId/edit" element={<RequireSession><Editor /></RequireSession>} />
          <Route path="/settings" element={<RequireSession><Settings /></RequireSession>} />
          <Route path="/stats" element={<RequireSession><Statistics /></RequireSession>} />
          <Route path="/portfolios/:portfolioId/stats" element={<RequireSession><Statistics /></RequireSession>} />
          <Route path="/domains" element={<RequireSession><Domains /></RequireSession>} />
          <Route path="/jobs/:jobId" element={<RequireSession><JobPage /></RequireSession>} />
          <Route path="/import" element={<RequireSession><ImportPage /></RequireSession>} />
          <Route path="/imports/:jobId" element={<RequireSession><ImportReview /></RequireSession>} />
          <Route path="/unsubscribe" element={<Unsubscribe />} />
          <Route path="/workspaces/:workspaceId/members" element={<RequireSession><Members /></RequireSession>} />
          <Route path="*" element={<Navigate to="/" replace />} />
        </Routes>
      </SessionProvider>
    </BrowserRouter>
  );
}
