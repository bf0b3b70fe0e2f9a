import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, it } from 'node:test';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { referenceDocument } from '../support/contract.js';
import { describeStores } from '../support/harness.js';
import { bulkCreateOne, createEnvironment, createExternalApp, uipathToken } from './uipath-helpers.js';

const SPEC = referenceDocument('uipath-identity.yml');

/**
 * Responses checked against UiPath's own Swagger (IdentityServer External API 3.2.54). One
 * deliberate difference: the live API sends `type` as a number (reference §4.1) while the Swagger
 * declares a string enum, so UserType is replaced by the numeric form before compiling.
 */
// The OpenAPI document is untyped YAML.
const spec = parse(readFileSync(SPEC, 'utf8')) as { components: { schemas: Record<string, unknown> } };
spec.components.schemas.UserType = { type: 'integer', enum: [0, 1, 2, 3, 4, 5] };
const ajv = new Ajv.default({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema(spec, 'uipath');
const validator = (name: string) => {
  const validate = ajv.getSchema(`uipath#/components/schemas/${name}`);
  if (!validate) throw new Error(`no schema ${name}`);
  return (value: unknown) => {
    assert.ok(validate(value), `${name}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(value)}`);
  };
};
const userDto = validator('UserDto');
const page = validator('UserDtoPagedResultDto');
const identityResult = validator('IdentityResult');
const changePasswordCommand = validator('ChangeUserPasswordCommand');
const createUsersCommand = validator('CreateUsersCommand');
const updateUserCommand = validator('UpdateUserCommand');
const bulkDeleteCommand = validator('BulkSoftDeleteCommand');

describeStores('uipath contract (Swagger schemas)', (server) => {
  let env: string;
  let token: string;

  // Sets up an organization
  before(async () => {
    env = await createEnvironment(server(), 'Contract Org');
    token = await uipathToken(server(), await createExternalApp(server(), env, ['PM.User']));
  });

  it('UserDto, the paged list and BulkCreate match the Swagger (type numeric)', async () => {
    const bulkBody = {
      partitionGlobalId: env,
      users: [{ userName: 'rita', email: 'rita@example.com', name: 'Rita', type: 0 }],
    };
    createUsersCommand(bulkBody);
    const bulk = await server().request('POST', '/identity_/api/User/BulkCreate', { token, body: bulkBody });
    assert.equal(bulk.status, 200, bulk.text);
    identityResult(bulk.body.result);
    bulk.body.users.forEach(userDto);
    assert.equal(typeof bulk.body.users[0].type, 'number');
    assert.equal(typeof bulk.body.users[0].category, 'number');

    const one = await server().request('GET', `/identity_/api/User/${bulk.body.users[0].id}`, { token });
    userDto(one.body);
    const list = await server().request('GET', `/identity_/api/User/users/${env}`, { token });
    page(list.body);
  });

  it('IdentityResult bodies of PUT, POST and changepassword match on success and failure', async () => {
    const user = await bulkCreateOne(server(), token, env, { userName: 'sam', email: 'sam@example.com' });
    const update = {
      surname: 'Stone',
      isActive: true,
      groupIDsToAdd: [],
      extensionUserAttributesToAddOrUpdate: { k: 'v' },
    };
    updateUserCommand(update);
    const ok = await server().request('PUT', `/identity_/api/User/${user.id}`, { token, body: update });
    assert.equal(ok.status, 200);
    identityResult(ok.body);
    const dup = await server().request('PUT', `/identity_/api/User/${user.id}`, {
      token,
      body: { email: 'rita@example.com' },
    });
    assert.equal(dup.status, 400);
    identityResult(dup.body);
    const created = await server().request('POST', '/identity_/api/User', {
      token,
      body: { partitionGlobalId: env, userName: 'tom' },
    });
    identityResult(created.body);
    const body = { oldPassword: 'wrong', newPassword: 'whatever1' };
    changePasswordCommand(body);
    const mismatch = await server().request('POST', `/identity_/api/User/${user.id}/changepassword`, {
      token,
      body,
    });
    assert.equal(mismatch.status, 400);
    identityResult(mismatch.body);
    bulkDeleteCommand({ partitionGlobalId: env, userIds: [user.id] });
  });
});
