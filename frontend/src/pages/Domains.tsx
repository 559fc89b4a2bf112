import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api/client';
import type { Workspace } from '../api/client';
import { ApiError, unwrap } from '../api/errors';
import { Field, FormError, Notice, SelectField, text, useAction, useSubmit } from '../components/Form';
import { AppShell } from '../components/Layout';
import { checkTimes, describeStatus, portfolioChoices, siteUrl } from '../domains';
import type { DnsRecord, Domain } from '../domains';
import type { Portfolio } from '../portfolios';
import { useSession } from '../session';

/** The current workspace's custom domains (`/domains`, where domain notifications link). */
export function Domains() {
  const { current } = useSession();
  return (
    <AppShell title={`Domains of ${current?.name ?? '…'}`}>
      {current ? (
        <WorkspaceDomains key={current.id} workspace={current} />
      ) : (
        <p className="muted">
          Domains belong to a workspace: <Link to="/">create one</Link> first.
        </p>
      )}
    </AppShell>
  );
}

function WorkspaceDomains({ workspace }: { workspace: Workspace }) {
  const [domains, setDomains] = useState<Domain[] | null>(null);
  const [portfolios, setPortfolios] = useState<Portfolio[]>([]);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const isOwner = workspace.role === 'owner';
  const path = { params: { path: { workspace_id: workspace.id } } };

  useEffect(() => {
    const params = { params: { path: { workspace_id: workspace.id } } };
    Promise.all([
      unwrap(api.GET('/api/v1/workspaces/{workspace_id}/domains', params)),
      unwrap(api.GET('/api/v1/workspaces/{workspace_id}/portfolios', params)),
    ])
      .then(([found, listed]) => {
        setDomains(found);
        setPortfolios(listed);
      })
      .catch(setLoadError);
  }, [workspace.id]);

  const connect = useSubmit(async (data) => {
    const body = { hostname: text(data, 'hostname').trim(), portfolio_id: text(data, 'portfolio_id') };
    const domain = await unwrap(api.POST('/api/v1/workspaces/{workspace_id}/domains', { ...path, body }));
    // First in the list, where its records are the next thing to read.
    setDomains((list) => [domain, ...(list ?? [])]);
    setAdded(domain.id);
    form.current?.reset();
  });

  const replace = (domain: Domain) => setDomains((list) => list?.map((each) => (each.id === domain.id ? domain : each)) ?? null);
  const remove = (domain: Domain) => setDomains((list) => list?.filter((each) => each.id !== domain.id) ?? null);

  if (loadError) return <FormError error={loadError} />;
  if (!domains) {
    return (
      <p className="loading" role="status">
        Loading domains…
      </p>
    );
  }
  return (
    <>
      {isOwner ? (
        <section className="card" aria-labelledby="connect-title">
          <h2 id="connect-title">Connect a domain</h2>
          {portfolios.length === 0 ? (
            <p className="muted">
              A domain shows one of the workspace’s portfolios: <Link to="/">create a portfolio</Link> first.
            </p>
          ) : (
            <form ref={form} onSubmit={connect.onSubmit} noValidate>
              <FormError error={connect.error} fields={['hostname', 'portfolio_id']} />
              <Field
                label="Domain"
                name="hostname"
                required
                autoCapitalize="none"
                spellCheck={false}
                error={connect.error}
                hint="e.g. www.alice.dev — a subdomain needs a CNAME; a bare domain needs A/AAAA records"
              />
              <SelectField
                label="Portfolio to show"
                name="portfolio_id"
                defaultValue={portfolios.find((portfolio) => portfolio.is_primary)?.id}
                error={connect.error}
              >
                {portfolios.map((portfolio) => (
                  <option key={portfolio.id} value={portfolio.id}>
                    {portfolio.title}
                  </option>
                ))}
              </SelectField>
              <div>
                <button className="button button-primary" type="submit" disabled={connect.submitting}>
                  {connect.submitting ? 'Connecting…' : 'Connect domain'}
                </button>
              </div>
            </form>
          )}
        </section>
      ) : (
        <p className="muted">Only the workspace’s owners connect, check and change domains.</p>
      )}

      <section aria-labelledby="domains-title">
        <h2 id="domains-title">Connected domains</h2>
        {domains.length === 0 ? (
          <div className="empty">
            <p>No domains yet. Connect one to show a portfolio at your own address.</p>
          </div>
        ) : (
          <ul className="domains">
            {domains.map((domain) => (
              <DomainCard
                key={domain.id}
                workspace={workspace}
                domain={domain}
                portfolios={portfolios}
                isNew={domain.id === added}
                onChange={replace}
                onRemove={() => remove(domain)}
              />
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

interface CardProps {
  workspace: Workspace;
  domain: Domain;
  portfolios: Portfolio[];
  /** Just connected: its records are the next step */
  isNew: boolean;
  onChange: (domain: Domain) => void;
  onRemove: () => void;
}

function DomainCard({ workspace, domain, portfolios, isNew, onChange, onRemove }: CardProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  const params = { params: { path: { workspace_id: workspace.id, domain_id: domain.id } } };
  const status = describeStatus(domain.status);
  const choices = portfolioChoices(portfolios, domain.portfolio_id);
  const titleId = `domain-${domain.id}`;

  useEffect(() => {
    if (isNew) heading.current?.focus();
  }, [isNew]);

  const check = useAction(async () =>
    onChange(await unwrap(api.POST('/api/v1/workspaces/{workspace_id}/domains/{domain_id}/check', params))),
  );
  const point = useAction(async (portfolio_id: string) =>
    onChange(await unwrap(api.PATCH('/api/v1/workspaces/{workspace_id}/domains/{domain_id}', { ...params, body: { portfolio_id } }))),
  );
  const disconnect = useAction(async () => {
    if (!window.confirm(`Disconnect ${domain.hostname}? Visitors there will no longer reach your portfolio.`)) return;
    await unwrap(api.DELETE('/api/v1/workspaces/{workspace_id}/domains/{domain_id}', params));
    onRemove();
  });

  return (
    <li className={isNew ? 'card domain domain-new' : 'card domain'} aria-labelledby={titleId}>
      <div className="domain-head">
        <h3 id={titleId} ref={heading} tabIndex={-1}>
          {domain.hostname}
        </h3>
        <span className={`domain-status domain-status-${domain.status}`}>{status.label}</span>
      </div>
      <p className="muted">{status.explanation}</p>
      {domain.status === 'active' && (
        <p>
          <a href={siteUrl(domain)} target="_blank" rel="noreferrer">
            {siteUrl(domain)}
          </a>
        </p>
      )}
      <p className="domain-check" role="status">
        {check.running ? (
          'Checking the DNS records…'
        ) : (
          <>
            {domain.last_check_result} <span className="muted">{checkTimes(domain)}</span>
          </>
        )}
      </p>
      <FormError error={check.error ?? point.error ?? disconnect.error} fields={['portfolio_id']} />
      {isNew && (
        <Notice>
          {domain.hostname} is connected. Next step: create these records at your DNS provider, then press “Check now”. New
          records can take a while to show.
        </Notice>
      )}
      <Records records={domain.records} open={domain.status !== 'active'} />
      {workspace.role === 'owner' ? (
        <div className="domain-actions">
          <SelectField
            label="Shows"
            name="portfolio_id"
            value={domain.portfolio_id}
            disabled={point.running}
            onChange={(event) => void point.run(event.target.value)}
            error={point.error}
          >
            {choices.map((choice) => (
              <option key={choice.id} value={choice.id}>
                {choice.title}
              </option>
            ))}
          </SelectField>
          <div className="button-row">
            <button type="button" className="button button-primary" onClick={() => void check.run()} disabled={check.running}>
              {check.running ? 'Checking…' : 'Check now'}
            </button>
            <button type="button" className="button button-quiet" onClick={() => void disconnect.run()} disabled={disconnect.running}>
              Disconnect
            </button>
          </div>
        </div>
      ) : (
        <p>Shows {choices.find((choice) => choice.id === domain.portfolio_id)?.title}</p>
      )}
    </li>
  );
}

/** The records to create, open until the domain works. */
function Records({ records, open }: { records: DnsRecord[]; open: boolean }) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = (value: string) =>
    navigator.clipboard.writeText(value).then(
      () => setCopied(value),
      () => setCopied(null),
    );
  return (
    <details className="records" open={open}>
      <summary>DNS records to create</summary>
      <p className="hint">
        Names are shown in full. If your DNS provider adds your domain to names itself, enter only the part before it (or @
        for the domain itself).
      </p>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Type</th>
            <th scope="col">Name</th>
            <th scope="col">Value</th>
            <th scope="col">
              <span className="visually-hidden">Copy</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {records.map((record) => (
            <tr key={`${record.type} ${record.name} ${record.value}`}>
              <td data-label="Type">{record.type}</td>
              <td data-label="Name">
                <code>{record.name}</code>
              </td>
              <td data-label="Value">
                <code>{record.value}</code>
              </td>
              <td className="actions">
                <button type="button" className="button button-quiet" onClick={() => void copy(record.value)}>
                  {copied === record.value ? 'Copied' : 'Copy'}
                  <span className="visually-hidden"> the {record.type} value</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
