// Flow JSON and helpers shared by the sign-on page tests (render, security, browser).
import { parse, type HTMLElement } from 'node-html-parser';
import assert from 'node:assert/strict';
import {
  renderSignOnPage,
  type FlowJson,
  type FlowPasswordPolicy,
  type SignOnPageInput,
} from '../../src/pingone-auth/signon-page/index.js';
import { STANDARD_POLICY } from '../../src/core/password-policies/password-policy.js';

export const ENV = '11111111-2222-4333-8444-555555555555';
export const FLOW_ID = '66666666-7777-4888-9999-000000000000';
export const CSRF = 'csrf-token-for-tests';
export const NONCE = 'bm9uY2UtZm9yLXRlc3Rz';
export const HOSTILE = '<script>alert("x")</script>&\'';

export const SIGN_ON_RELS = ['usernamePassword.check', 'password.forgot', 'user.register', 'session.reset'];

const link = { href: `https://auth.example.test/${ENV}/flows/${FLOW_ID}` };

/** PingOne's Standard policy as the Flows API embeds it (rules as Tessera seeds them). */
export const STANDARD: FlowPasswordPolicy = { id: 'policy-1', name: 'Standard', ...STANDARD_POLICY.rules };

export function flow(status: string, rels: readonly string[], extra: Partial<FlowJson> = {}): FlowJson {
  return {
    id: FLOW_ID,
    status,
    _links: Object.fromEntries([['self', link], ...rels.map((rel) => [rel, link])]),
    application: { id: 'app-1', name: 'Acme Portal' },
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-01T00:15:00.000Z',
    ...extra,
  };
}

export function dom(html: string): HTMLElement {
  return parse(html);
}

/** The input a `<label for>` with exactly this text points at (fails when either is missing). */
export function labelled(root: HTMLElement, text: string): HTMLElement {
  const label = root.querySelectorAll('label').find((l) => l.text.trim() === text);
  assert.ok(label, `no label "${text}"`);
  const id = label.getAttribute('for');
  assert.ok(id, `label "${text}" has no for`);
  const input = root.querySelector(`#${id}`);
  assert.ok(input, `label "${text}" points at no element #${id}`);
  return input;
}

/** Every POST form with its hidden `action` value. */
export function postForms(
  root: HTMLElement,
): { action: string | undefined; url: string | undefined; form: HTMLElement }[] {
  return root
    .querySelectorAll('form')
    .filter((f) => f.getAttribute('method') === 'post')
    .map((form) => ({
      action: form.querySelector('input[name=action]')?.getAttribute('value'),
      url: form.getAttribute('action'),
      form,
    }));
}

export function alertText(root: HTMLElement): string | undefined {
  return root.querySelector('[role=alert]')?.text.replace(/\s+/g, ' ').trim();
}

export const FORM_URL = `/${ENV}/signon/?flowId=${FLOW_ID}`;

/** Renders with the test CSRF token, nonce and environment, and parses the HTML. */
export function render(input: Partial<SignOnPageInput> & Pick<SignOnPageInput, 'flow'>) {
  const out = renderSignOnPage({ csrfToken: CSRF, cspNonce: NONCE, environmentId: ENV, ...input });
  return { ...out, root: dom(out.html) };
}
