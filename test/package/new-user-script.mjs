// Run inside an empty project where the packed tarball is installed: what a new user would try.
// Prints one JSON line of facts; test/package/package.test.ts asserts on them.
import { startTessera } from '@tessera-idp/server';

const database = process.argv[2];
const facts = {};
const t = await startTessera({ port: 0, database: `sqlite:${database}` });
const call = async (method, path, body, contentType = 'application/json') => {
  const response = await fetch(t.url + path, {
    method,
    headers: {
      authorization: `Bearer ${await t.token()}`,
      ...(body === undefined ? {} : { 'content-type': contentType }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
};
try {
  facts.url = t.url;
  const env = await call('POST', '/v1/environments', {
    name: 'new-user',
    type: 'SANDBOX',
    region: 'NA',
    license: { id: '11111111-1111-4111-8111-111111111111' },
  });
  facts.environmentStatus = env.status;
  const envId = env.body.id;
  facts.environmentId = envId;
  const policies = await call('GET', `/v1/environments/${envId}/passwordPolicies`);
  const policy = policies.body._embedded.passwordPolicies.find((p) => p.default);
  const lockout = await call('PUT', `/v1/environments/${envId}/passwordPolicies/${policy.id}`, {
    name: policy.name,
    lockout: { failureCount: 3, durationSeconds: 60 },
  });
  facts.policyStatus = lockout.status;
  const user = await call('POST', `/v1/environments/${envId}/users`, {
    username: 'ada',
    email: 'ada@example.com',
  });
  facts.userStatus = user.status;
  facts.userId = user.body.id;
  facts.userSelf = user.body._links.self.href;
  const passwordUrl = `/v1/environments/${envId}/users/${user.body.id}/password`;
  const vnd = (action) => `application/vnd.pingidentity.password.${action}+json`;
  const set = await call('PUT', passwordUrl, { value: 'Tessera#Blue7Sky' }, vnd('set'));
  facts.passwordStatus = set.status;
  facts.recoveryStatus = (await call('POST', passwordUrl, {}, vnd('sendRecoveryCode'))).status;
  const mailbox = await call('GET', `/tessera/testing/environments/${envId}/messages?to=ada@example.com`);
  facts.mailboxCode = mailbox.body.messages[0]?.code;
  const check = (password) => call('POST', passwordUrl, { password }, vnd('check'));
  for (let i = 0; i < 3; i += 1) await check('wrong');
  facts.lockedCode = (await check('Tessera#Blue7Sky')).body.details?.[0]?.code;
  await t.advanceTime(61);
  facts.afterAdvanceStatus = (await check('Tessera#Blue7Sky')).status;
  await t.reset();
  facts.userAfterReset = (await call('GET', `/v1/environments/${envId}/users/${user.body.id}`)).status;
} finally {
  await t.close();
}
process.stdout.write(JSON.stringify(facts) + '\n');
