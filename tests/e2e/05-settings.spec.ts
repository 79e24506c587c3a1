import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, snap, test } from './fixtures';

// A stand-in for an OpenAI-compatible server (Ollama, LM Studio…) on 127.0.0.1.
let fake: Server;
let fakeUrl: string;
test.beforeAll(async () => {
  fake = createServer((req, res) => {
    if (req.url === '/v1/models') res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ data: [{ id: 'qwen2.5:7b' }, { id: 'llama3.2' }] }));
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/v1`;
});
test.afterAll(async () => {
  await new Promise((r) => fake.close(r));
});

test('settings: test a remote connection, save the providers, and see that a restart applies them', async ({ app }) => {
  await app.keyboard.press('Control+,');
  const answers = app.getByRole('form', { name: 'Answers' });
  await expect(answers).toBeVisible();
  // A server keeps no API keys: the field says where the key goes instead.
  await expect(answers.getByLabel('API key')).toBeDisabled();
  await answers.getByLabel('Base URL').fill(fakeUrl);
  await answers.getByLabel('Model', { exact: true }).fill('llama3.2');
  await answers.getByRole('button', { name: 'Test connection' }).click();
  await expect(app.getByTestId('test-result')).toHaveText(/^Connected in \d+ ms$/);
  await answers.getByLabel('Model', { exact: true }).fill('gpt-9');
  await answers.getByRole('button', { name: 'Test connection' }).click();
  await expect(app.getByTestId('test-result')).toContainText('“gpt-9” is not among its models');
  await answers.getByRole('radio', { name: 'Remote API' }).click();
  await answers.getByLabel('Model', { exact: true }).fill('llama3.2');
  await answers.getByRole('button', { name: 'Save' }).click();
  await expect(app.getByTestId('restart-needed')).toBeVisible();
  await expect(app.getByRole('heading', { name: 'Embedding model' })).toBeVisible();
  await expect(app.getByTestId('model').first()).toBeVisible();
  await snap(app, '12-settings');
  // Saved in the library's settings.json: a reload shows it.
  await app.reload();
  await app.keyboard.press('Control+,');
  await expect(app.getByRole('form', { name: 'Answers' }).getByLabel('Model', { exact: true })).toHaveValue('llama3.2');
});
