// Drives jingyan's OpenAI-compatible API with the official openai npm SDK, as Open WebUI,
// Cherry Studio and ChatBox would. Usage: node openai-sdk.mjs BASE_URL TOKEN
// Exits non-zero with a message on the first thing that is not as expected.
import OpenAI from "openai";

const [baseURL, apiKey] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 20000 });
const fail = (msg) => { console.error("FAIL:", msg); process.exit(1); };

const models = await client.models.list();
const ids = models.data.map((m) => m.id);
if (!ids.includes("jingyan")) fail(`models: ${JSON.stringify(ids)}`);

const res = await client.chat.completions.create({
  model: "jingyan",
  messages: [{ role: "system", content: "你是助手" }, { role: "user", content: "吉林电诈降了多少" }],
});
const content = res.choices[0].message.content;
if (!content.includes("24.7%") || !content.includes("来源：")) fail(`non-stream content: ${content}`);
if (!Array.isArray(res.citations) || res.citations.length === 0) fail("no citations field");

const stream = await client.chat.completions.create({
  model: "jingyan",
  stream: true,
  messages: [{ role: "user", content: [{ type: "text", text: "各地社区民警占派出所警力多少？" }] }],
});
let text = "", finish = null, chunks = 0;
for await (const chunk of stream) {
  chunks++;
  for (const c of chunk.choices) {
    text += c.delta?.content ?? "";
    if (c.finish_reason) finish = c.finish_reason;
  }
}
if (finish !== "stop" || !text.includes("49.4%") || chunks < 2) fail(`stream: finish=${finish} chunks=${chunks} text=${text}`);

try {
  await new OpenAI({ baseURL, apiKey: "wrong", maxRetries: 0 }).models.list();
  fail("a wrong token was accepted");
} catch (e) {
  if (e.status !== 401) fail(`wrong token: ${e}`);
}
console.log(`ok: models, chat non-stream, chat stream (${chunks} chunks), auth error`);
