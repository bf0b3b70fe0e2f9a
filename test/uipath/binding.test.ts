import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeOnce } from '../support/harness.js';
import {
  bulkCreateOne,
  createEnvironment,
  createExternalApp,
  TRACE_ID,
  uipathToken,
} from './uipath-helpers.js';

/** ASP.NET + Newtonsoft model binding of JSON bodies, as UiPath answers it. */
describeOnce('uipath body binding', (server) => {
  let env: string;
  let token: string;
  let userId: string;
  const put = (body: string, contentType = 'application/json', headers: Record<string, string> = {}) =>
    server().request('PUT', `/identity_/api/User/${userId}`, { token, body, contentType, headers });

  // Sets up a user
  before(async () => {
    env = await createEnvironment(server(), 'Binding Org');
    token = await uipathToken(server(), await createExternalApp(server(), env, ['PM.User']));
    userId = (await bulkCreateOne(server(), token, env, { userName: 'uma' })).id;
  });

  it('reports a bad boolean like the docs example, keyed by JSON path with line and position', async () => {
    const body = '{\n  "name": "Uma",\n  "bypassBasicAuthRestriction": hello\n}';
    const response = await put(body);
    assert.equal(response.status, 400);
    assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.deepEqual(response.body.errors, {
      bypassBasicAuthRestriction: [
        "Unexpected character encountered while parsing value: h. Path 'bypassBasicAuthRestriction', line 3, position 33.",
      ],
    });
    assert.deepEqual(Object.keys(response.body), ['errors', 'type', 'title', 'status', 'traceId']);
    assert.match(response.body.traceId, TRACE_ID);
    const quoted = await put('{"bypassBasicAuthRestriction": "hello", "isActive": 1}');
    assert.deepEqual(quoted.body.errors, {
      bypassBasicAuthRestriction: [
        "Could not convert string to boolean: hello. Path 'bypassBasicAuthRestriction', line 1, position 38.",
      ],
      isActive: ["Error reading boolean. Unexpected token: Integer. Path 'isActive', line 1, position 53."],
    });
    const read = await server().request('GET', `/identity_/api/User/${userId}`, { token });
    assert.equal(read.body.bypassBasicAuthRestriction, false, 'nothing changed');
  });

  it('names nested paths, GUIDs and array bodies the Newtonsoft way', async () => {
    const bulk = await server().request('POST', '/identity_/api/User/BulkCreate', {
      token,
      body: `{"partitionGlobalId":"${env}","users":[{"userName":"ok"},{"userName":{"x":1},"type":"pilot"}],"groupIDs":["nope"]}`,
      contentType: 'application/json',
    });
    assert.equal(bulk.status, 400);
    assert.deepEqual(Object.keys(bulk.body.errors).sort(), [
      'groupIDs[0]',
      'users[1].type',
      'users[1].userName',
    ]);
    assert.match(
      bulk.body.errors['users[1].userName'][0],
      /^Error reading string\. Unexpected token: StartObject\. Path 'users\[1\]\.userName'/,
    );
    assert.match(
      bulk.body.errors['users[1].type'][0],
      /^Error converting value "pilot" to type 'UserType'\./,
    );
    assert.match(
      bulk.body.errors['groupIDs[0]'][0],
      /^Error converting value "nope" to type 'System\.Guid'\./,
    );
    const array = await put('[]');
    assert.match(array.body.errors[''][0], /^Cannot deserialize the current JSON array/);
    const deep = await put(`{"groupIDsToAdd": ${'['.repeat(200)}`);
    assert.equal(deep.status, 400);
    assert.match(
      Object.values(deep.body.errors as Record<string, string[]>)[0]![0]!,
      /^The reader's MaxDepth of 64 has been exceeded\./,
    );
    const truncated = await put('{"name": "x"');
    assert.deepEqual(truncated.body.errors, {
      name: ["Unexpected end when deserializing object. Path 'name', line 1, position 12."],
    });
  });

  it('matches property names case-insensitively, ignores unknown ones and accepts ASP.NET JSON media types', async () => {
    const response = await put('{"Surname": "Ode", "favouriteColour": "teal"}', 'text/json');
    assert.equal(response.status, 200, response.text);
    const patch = await put('{"displayName": "Uma O."}', 'application/json-patch+json');
    assert.equal(patch.status, 200, patch.text);
    const read = await server().request('GET', `/identity_/api/User/${userId}`, { token });
    assert.equal(read.body.surname, 'Ode');
    assert.equal(read.body.displayName, 'Uma O.');
  });

  it('uses the trace id of an incoming traceparent', async () => {
    const response = await put('{"isActive": "no"}', 'application/json', {
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    assert.match(response.body.traceId, /^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-00$/);
  });
  it('never echoes a submitted secret or object back in a binding error', async () => {
    const secret = 'hunter2-Secret-Password-That-Must-Not-Come-Back';
    const asObject = await put(JSON.stringify({ bypassBasicAuthRestriction: { password: secret } }));
    assert.equal(asObject.status, 400, asObject.text);
    const asBoolean = await put(
      JSON.stringify({ bypassBasicAuthRestriction: `${secret}-${'x'.repeat(64)}` }),
    );
    assert.equal(asBoolean.status, 400, asBoolean.text);
    const asType = await put(JSON.stringify({ groupIDsToAdd: [`${secret}-${'y'.repeat(64)}`] }));
    assert.equal(asType.status, 400, asType.text);
    for (const refused of [asObject, asBoolean, asType]) assert.doesNotMatch(refused.text, /hunter2/);
  });
});
